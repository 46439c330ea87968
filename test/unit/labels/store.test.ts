import { describe, expect, it } from 'vitest'
import { clipLabels, labelClips, progress, redo, removeLabel, setLabel, undo, undoState, updateRegion } from '../../../src-main/services/labels/index'
import { openWorkspace } from '../../../src-main/services/store/workspace'
import { workspaceEachTest, type TempWorkspace } from '../../helpers/lifecycle'
import { labelRows, liveLabels, seedClips } from './helpers'

let ws: TempWorkspace
workspaceEachTest('ser-labels-', (w) => (ws = w))


describe('label writes', () => {
  it('a whole-clip label replaces the annotator\'s previous one and keeps the old row (soft delete)', () => {
    const { clipIds } = seedClips(ws, 2)
    setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann' })
    const r = setLabel(ws, { clipId: clipIds[0], emotion: 'sad', annotator: 'ann' })
    expect(r.labels.map((l) => l.emotion)).toEqual(['sad'])
    expect(labelRows(ws)).toBe(2)
    expect(ws.db.prepare('SELECT COUNT(*) FROM labels WHERE deleted_at IS NOT NULL').pluck().get()).toBe(1)
    // another annotator's label on the same clip is untouched
    setLabel(ws, { clipId: clipIds[0], emotion: 'happy', annotator: 'bob' })
    expect(liveLabels(ws, clipIds[0]).map((l) => l.emotion)).toEqual(['sad'])
    expect(liveLabels(ws, clipIds[0], 'bob').map((l) => l.emotion)).toEqual(['happy'])
  })

  it('regions are added, moved and removed; out-of-range regions are refused', () => {
    const { clipIds } = seedClips(ws, 1, 10)
    const a = setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann', startSec: 1, endSec: 2.5 })
    setLabel(ws, { clipId: clipIds[0], emotion: 'sad', annotator: 'ann', startSec: 3, endSec: 4 })
    expect(liveLabels(ws, clipIds[0])).toHaveLength(2)
    const id = a.labels.find((l) => l.emotion === 'angry')!.id
    const m = updateRegion(ws, { labelId: id, annotator: 'ann', startSec: 1.5, endSec: 2 })
    expect(m.labels.find((l) => l.emotion === 'angry')).toMatchObject({ startSec: 1.5, endSec: 2 })
    expect(() => setLabel(ws, { clipId: clipIds[0], emotion: 'sad', annotator: 'ann', startSec: 9, endSec: 12 })).toThrow(/ends after clip/)
    expect(() => updateRegion(ws, { labelId: id, annotator: 'bob', emotion: 'happy' })).toThrow(/not bob|was already removed/)
    const newId = m.labels.find((l) => l.emotion === 'angry')!.id
    expect(() => updateRegion(ws, { labelId: newId, annotator: 'bob', emotion: 'happy' })).toThrow(/belongs to ann/)
    removeLabel(ws, { labelId: newId, annotator: 'ann' })
    expect(liveLabels(ws, clipIds[0]).map((l) => l.emotion)).toEqual(['sad'])
  })

  it('undo and redo walk back and forth without erasing any row', () => {
    const { clipIds } = seedClips(ws, 2)
    setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann' })
    setLabel(ws, { clipId: clipIds[0], emotion: 'sad', annotator: 'ann' })
    setLabel(ws, { clipId: clipIds[1], emotion: 'happy', annotator: 'ann' })
    expect(undoState(ws, 'ann')).toEqual({ canUndo: 'label happy', canRedo: null })
    expect(undo(ws, 'ann')!.clipId).toBe(clipIds[1])
    expect(liveLabels(ws, clipIds[1])).toHaveLength(0)
    expect(undo(ws, 'ann')!.description).toBe('undo label sad')
    expect(liveLabels(ws, clipIds[0]).map((l) => l.emotion)).toEqual(['angry'])
    expect(undoState(ws, 'ann')).toEqual({ canUndo: 'label angry', canRedo: 'label sad' })
    redo(ws, 'ann')
    expect(liveLabels(ws, clipIds[0]).map((l) => l.emotion)).toEqual(['sad'])
    redo(ws, 'ann')
    expect(liveLabels(ws, clipIds[1]).map((l) => l.emotion)).toEqual(['happy'])
    expect(redo(ws, 'ann')).toBeNull()
    // undo twice, then a new action: the redo chain is gone
    undo(ws, 'ann')
    undo(ws, 'ann')
    setLabel(ws, { clipId: clipIds[1], emotion: 'calm', annotator: 'ann' })
    expect(redo(ws, 'ann')).toBeNull()
    expect(liveLabels(ws, clipIds[0]).map((l) => l.emotion)).toEqual(['angry'])
    // an annotator's undo never touches another's work
    setLabel(ws, { clipId: clipIds[0], emotion: 'fearful', annotator: 'bob' })
    undo(ws, 'ann')
    expect(liveLabels(ws, clipIds[0], 'bob').map((l) => l.emotion)).toEqual(['fearful'])
    // nothing was ever deleted from the table: every row an action made or replaced is still
    // there (soft-deleted at most), and the ids have no gap (a hard delete would leave one)
    const ids = ws.db.prepare('SELECT id FROM labels ORDER BY id').pluck().all() as number[]
    const logged = (ws.db.prepare('SELECT before_ids, after_ids FROM label_actions').all() as { before_ids: string; after_ids: string }[])
      .flatMap((a) => [...(JSON.parse(a.before_ids) as number[]), ...(JSON.parse(a.after_ids) as number[])])
    expect(logged.filter((id) => !ids.includes(id))).toEqual([])
    expect(ids.at(-1)! - ids[0] + 1).toBe(ids.length)
    const liveRows = ws.db.prepare('SELECT COUNT(*) FROM labels WHERE deleted_at IS NULL').pluck().get() as number
    expect(labelRows(ws)).toBeGreaterThan(liveRows)
  })

  it('a repeated requestId applies once (a retry after a lost answer)', () => {
    const { clipIds } = seedClips(ws, 1)
    const a = setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann', requestId: 'req-00000001' })
    const b = setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann', requestId: 'req-00000001' })
    expect(b.actionId).toBe(a.actionId)
    expect(labelRows(ws)).toBe(1)
  })

  it('a retried undo or redo (same requestId) steps once, and answers as the first time', () => {
    const { clipIds } = seedClips(ws, 2)
    setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann' })
    setLabel(ws, { clipId: clipIds[1], emotion: 'sad', annotator: 'ann' })
    const first = undo(ws, 'ann', 'undo-0000001')!
    const again = undo(ws, 'ann', 'undo-0000001')!
    expect(again.actionId).toBe(first.actionId)
    expect(again.clipId).toBe(clipIds[1])
    expect(liveLabels(ws, clipIds[0]).map((l) => l.emotion)).toEqual(['angry']) // not undone by the retry
    expect(undoState(ws, 'ann')).toEqual({ canUndo: 'label angry', canRedo: 'label sad' })
    expect(redo(ws, 'ann', 'redo-0000001')!.clipId).toBe(clipIds[1])
    expect(redo(ws, 'ann', 'redo-0000001')!.clipId).toBe(clipIds[1])
    expect(liveLabels(ws, clipIds[1]).map((l) => l.emotion)).toEqual(['sad'])
    expect(undoState(ws, 'ann').canRedo).toBeNull()
    // nothing to redo: null, also on the retry; a request id cannot change its kind
    expect(redo(ws, 'ann', 'redo-0000002')).toBeNull()
    expect(redo(ws, 'ann', 'redo-0000002')).toBeNull()
    expect(() => undo(ws, 'ann', 'redo-0000002')).toThrow(/already used for redo/)
  })

  it('acknowledged labels survive closing and reopening the database', () => {
    const { clipIds } = seedClips(ws, 3)
    for (const [i, e] of (['angry', 'sad', 'happy'] as const).entries()) setLabel(ws, { clipId: clipIds[i], emotion: e, annotator: 'ann' })
    ws.close()
    const again = openWorkspace(ws.dir)
    expect(clipLabels(again, clipIds[2]).map((l) => l.emotion)).toEqual(['happy'])
    again.close()
    ws = Object.assign(openWorkspace(ws.dir), { cleanup: ws.cleanup })
  })

  it('progress and the desk queue count this annotator\'s clips only, not corpus labels', () => {
    const { datasetId, clipIds } = seedClips(ws, 4)
    ws.db.prepare("INSERT INTO labels (clip_id, emotion, annotator, source) VALUES (?, 'sad', 'corpus', 'corpus')").run(clipIds[0])
    setLabel(ws, { clipId: clipIds[1], emotion: 'angry', annotator: 'ann' })
    setLabel(ws, { clipId: clipIds[2], emotion: 'angry', annotator: 'ann', startSec: 0.2, endSec: 1 })
    setLabel(ws, { clipId: clipIds[3], emotion: 'calm', annotator: 'bob' })
    expect(progress(ws, datasetId, 'ann')).toEqual({ total: 4, labelled: 2, todo: 2, byEmotion: { angry: 2 } })
    const todo = labelClips(ws, { datasetId, annotator: 'ann', status: 'todo' })
    expect(todo.clips.map((c) => c.id)).toEqual([clipIds[0], clipIds[3]])
    expect(todo.clips[1].others).toBe(1)
    const done = labelClips(ws, { datasetId, annotator: 'ann', status: 'done' })
    expect(done.clips.map((c) => [c.mine, c.regions])).toEqual([['angry', 0], [null, 1]])
  })
})
