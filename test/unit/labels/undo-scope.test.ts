/** Issue 20, item 5: Ctrl+Z in one dataset never reaches into another. */
import { describe, expect, it } from 'vitest'
import { clipLabels, importLabels, redo, setLabel, undo, undoState } from '../../../src-main/services/labels/index'
import { workspaceEachTest, type TempWorkspace } from '../../helpers/lifecycle'
import { seedClips } from './helpers'

let ws: TempWorkspace
workspaceEachTest('ser-undo-scope-', (w) => (ws = w))

const mine = (clipId: number) => clipLabels(ws, clipId).filter((l) => l.annotator === 'ann').map((l) => l.emotion)

describe('undo and redo scoped to a dataset', () => {
  it('undo while viewing "odd" does not remove the label just made in "rav"', () => {
    const rav = seedClips(ws, 2, 2, 'rav')
    const odd = seedClips(ws, 2, 2, 'odd')
    setLabel(ws, { clipId: odd.clipIds[0], emotion: 'calm', annotator: 'ann' })
    setLabel(ws, { clipId: rav.clipIds[0], emotion: 'angry', annotator: 'ann' })
    // the latest change is in rav; the annotator looks at odd
    expect(undoState(ws, 'ann', { datasetId: odd.datasetId }).canUndo).toBe('label calm')
    const r = undo(ws, 'ann', 'undo-odd-0001', { datasetId: odd.datasetId })!
    expect(r.clipId).toBe(odd.clipIds[0])
    expect(r.datasetId).toBe(odd.datasetId)
    expect(mine(rav.clipIds[0])).toEqual(['angry'])
    expect(mine(odd.clipIds[0])).toEqual([])
    // nothing more to undo in odd: rav's label stays
    expect(undo(ws, 'ann', 'undo-odd-0002', { datasetId: odd.datasetId })).toBeNull()
    expect(mine(rav.clipIds[0])).toEqual(['angry'])
    expect(undoState(ws, 'ann', { datasetId: rav.datasetId })).toEqual({ canUndo: 'label angry', canRedo: null })
    // a change in rav does not end odd's redo chain
    setLabel(ws, { clipId: rav.clipIds[1], emotion: 'sad', annotator: 'ann' })
    expect(undoState(ws, 'ann', { datasetId: odd.datasetId }).canRedo).toBe('label calm')
    expect(redo(ws, 'ann', 'redo-odd-0001', { datasetId: odd.datasetId })!.clipId).toBe(odd.clipIds[0])
    expect(mine(odd.clipIds[0])).toEqual(['calm'])
    // undo in rav walks rav's own history
    expect(undo(ws, 'ann', undefined, { datasetId: rav.datasetId })!.clipId).toBe(rav.clipIds[1])
    expect(mine(odd.clipIds[0])).toEqual(['calm'])
  })

  it('a dataset-wide import is undone from its own dataset only', () => {
    const rav = seedClips(ws, 1, 2, 'rav')
    const odd = seedClips(ws, 1, 2, 'odd')
    importLabels(ws, { format: 'csv', text: 'clip,emotion,annotator\nspk1/clip00.wav,happy,ann\n', datasetId: rav.datasetId, annotator: 'ann' })
    expect(undoState(ws, 'ann', { datasetId: odd.datasetId }).canUndo).toBeNull()
    expect(undo(ws, 'ann', undefined, { datasetId: odd.datasetId })).toBeNull()
    expect(mine(rav.clipIds[0])).toEqual(['happy'])
    expect(undo(ws, 'ann', undefined, { datasetId: rav.datasetId })!.datasetId).toBe(rav.datasetId)
    expect(mine(rav.clipIds[0])).toEqual([])
  })
})
