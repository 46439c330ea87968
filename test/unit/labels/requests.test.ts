/** Idempotent desk writes: request ids replayed before any check, bound to annotator, kind and payload; offline edit chains. */
import { describe, expect, it } from 'vitest'
import { clipLabels, exportLabels, importLabels, redo, removeLabel, setLabel, undo, undoState, updateRegion } from '../../../src-main/services/labels/index'
import { workspaceEachTest, type TempWorkspace } from '../../helpers/lifecycle'
import { labelRows, liveLabels, seedClips } from './helpers'

let ws: TempWorkspace
workspaceEachTest('ser-labels-req-', (w) => (ws = w))


describe('a retried write is replayed before any other check', () => {
  it('a retried update and a retried remove answer as the first time (the label they changed is gone by then)', () => {
    const { clipIds } = seedClips(ws, 1, 10)
    const id = setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann', startSec: 1, endSec: 2 }).labels[0].id
    const moved = updateRegion(ws, { labelId: id, annotator: 'ann', startSec: 1.5, endSec: 2.5, requestId: 'upd-00000001' })
    const again = updateRegion(ws, { labelId: id, annotator: 'ann', startSec: 1.5, endSec: 2.5, requestId: 'upd-00000001' })
    expect(again.actionId).toBe(moved.actionId)
    expect(liveLabels(ws, clipIds[0])).toHaveLength(1)
    const newId = moved.labels[0].id
    const gone = removeLabel(ws, { labelId: newId, annotator: 'ann', requestId: 'rem-00000001' })
    expect(removeLabel(ws, { labelId: newId, annotator: 'ann', requestId: 'rem-00000001' }).actionId).toBe(gone.actionId)
    expect(liveLabels(ws, clipIds[0])).toHaveLength(0)
    expect(labelRows(ws)).toBe(2)
  })

  it('a retried import keeps the original import undoable and reports what it added', () => {
    const { datasetId, clipIds } = seedClips(ws, 2)
    setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann' })
    setLabel(ws, { clipId: clipIds[1], emotion: 'sad', annotator: 'ann' })
    const csv = exportLabels(ws, { format: 'csv', datasetId }).text.replace(/angry/, 'happy').replace(/,ann,/g, ',bob,')
    const first = importLabels(ws, { format: 'csv', text: csv, datasetId, annotator: 'bob', requestId: 'imp-00000001' })
    expect(first.added).toBe(2)
    const retry = importLabels(ws, { format: 'csv', text: csv, datasetId, annotator: 'bob', requestId: 'imp-00000001' })
    expect(retry).toEqual(first)
    expect(undoState(ws, 'bob').canUndo).toBe('import csv')
    undo(ws, 'bob')
    expect(liveLabels(ws, clipIds[0], 'bob')).toHaveLength(0)
  })

  it('undo and redo retries step once', () => {
    const { clipIds } = seedClips(ws, 2)
    setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann' })
    setLabel(ws, { clipId: clipIds[1], emotion: 'sad', annotator: 'ann' })
    expect(undo(ws, 'ann', 'und-00000001')!.clipId).toBe(clipIds[1])
    expect(undo(ws, 'ann', 'und-00000001')!.clipId).toBe(clipIds[1])
    expect(redo(ws, 'ann', 'red-00000001')!.clipId).toBe(clipIds[1])
    expect(redo(ws, 'ann', 'red-00000001')!.clipId).toBe(clipIds[1])
    expect(liveLabels(ws, clipIds[0]).map((l) => l.emotion)).toEqual(['angry'])
    expect(liveLabels(ws, clipIds[1]).map((l) => l.emotion)).toEqual(['sad'])
  })
})

describe('a request id is bound to its annotator, kind and payload', () => {
  it('refuses a reused id with a different payload, annotator or kind, and changes nothing', () => {
    const { clipIds } = seedClips(ws, 2)
    const a = setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann', requestId: 'set-00000001' })
    expect(() => setLabel(ws, { clipId: clipIds[1], emotion: 'sad', annotator: 'ann', requestId: 'set-00000001' })).toThrow(/already used for a different set/)
    expect(() => setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'bob', requestId: 'set-00000001' })).toThrow(/by another annotator/)
    expect(() => removeLabel(ws, { labelId: a.labels[0].id, annotator: 'ann', requestId: 'set-00000001' })).toThrow(/already used for set, not remove/)
    expect(() => undo(ws, 'ann', 'set-00000001')).toThrow(/already used for set, not undo/)
    expect(liveLabels(ws, clipIds[1])).toHaveLength(0)
    expect(liveLabels(ws, clipIds[0]).map((l) => l.emotion)).toEqual(['angry'])
    // the same request again is still a replay
    expect(setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann', requestId: 'set-00000001' }).actionId).toBe(a.actionId)
  })

  it('refuses a reused import id with another file', () => {
    const { datasetId, clipIds } = seedClips(ws, 2)
    setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann' })
    const csv = exportLabels(ws, { format: 'csv', datasetId }).text.replace(/,ann,/g, ',bob,')
    importLabels(ws, { format: 'csv', text: csv, datasetId, annotator: 'bob', requestId: 'imp-00000002' })
    expect(() => importLabels(ws, { format: 'csv', text: csv.replace('angry', 'sad'), datasetId, annotator: 'bob', requestId: 'imp-00000002' })).toThrow(
      /already used for a different import/,
    )
    expect(liveLabels(ws, clipIds[0], 'bob').map((l) => l.emotion)).toEqual(['angry'])
  })
})

describe('offline edit chains', () => {
  it('a second edit naming the label as the page last saw it applies to the replacement the first edit made', () => {
    const { clipIds } = seedClips(ws, 1, 10)
    const id = setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann', startSec: 1, endSec: 2 }).labels[0].id
    // both queued while the server was down: each names label `id`
    updateRegion(ws, { labelId: id, annotator: 'ann', startSec: 1.2, endSec: 2.2, requestId: 'off-00000001' })
    const second = updateRegion(ws, { labelId: id, annotator: 'ann', startSec: 1.4, endSec: 2.4, requestId: 'off-00000002' })
    expect(second.labels).toHaveLength(1)
    expect(second.labels[0]).toMatchObject({ startSec: 1.4, endSec: 2.4, emotion: 'angry' })
    const third = updateRegion(ws, { labelId: id, annotator: 'ann', emotion: 'sad', requestId: 'off-00000003' })
    expect(third.labels[0]).toMatchObject({ startSec: 1.4, endSec: 2.4, emotion: 'sad' })
    removeLabel(ws, { labelId: id, annotator: 'ann', requestId: 'off-00000004' })
    expect(liveLabels(ws, clipIds[0])).toHaveLength(0)
    // a label removed (not replaced) stays removed, and another annotator's chain is not followed
    expect(() => updateRegion(ws, { labelId: id, annotator: 'ann', emotion: 'calm' })).toThrow(/already removed/)
    const b = setLabel(ws, { clipId: clipIds[0], emotion: 'happy', annotator: 'bob', startSec: 3, endSec: 4 }).labels.find((l) => l.annotator === 'bob')!.id
    updateRegion(ws, { labelId: b, annotator: 'bob', startSec: 3.5, endSec: 4 })
    expect(() => updateRegion(ws, { labelId: b, annotator: 'ann', emotion: 'calm' })).toThrow(/belongs to bob|already removed/)
  })
})

describe('request ids recorded before migration 504', () => {
  it('are still replayed after the upgrade (set, remove, undo), not applied again', async () => {
    const { MIGRATIONS } = await import('../../../src-main/services/store/migrations/index')
    const { openWorkspace } = await import('../../../src-main/services/store/workspace')
    const { tempDir } = await import('../../helpers/workspace')
    const dir = tempDir('ser-labels-legacy-')
    const old = openWorkspace(dir, MIGRATIONS.filter((m) => m.id < '504'))
    const { clipIds } = seedClips(Object.assign(old, { cleanup() {} }), 2)
    // what the previous version wrote: label_actions.request_id and label_undo_requests
    const ins = old.db.prepare('INSERT INTO labels (clip_id, emotion, annotator, source) VALUES (?, ?, ?, ?)')
    const a = Number(ins.run(clipIds[0], 'angry', 'ann', 'annotator').lastInsertRowid)
    const act = Number(
      old.db
        .prepare(
          'INSERT INTO label_actions (annotator, clip_id, kind, description, before_ids, after_ids, request_id) ' +
            "VALUES ('ann', ?, 'set', 'label angry', '[]', ?, 'old-set-0001')",
        )
        .run(clipIds[0], JSON.stringify([a])).lastInsertRowid,
    )
    old.db.prepare("INSERT INTO label_undo_requests (request_id, kind, annotator, action_id) VALUES ('old-undo-001', 'undo', 'ann', NULL)").run()
    old.close()
    const up = openWorkspace(dir)
    try {
      expect(setLabel(up, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann', requestId: 'old-set-0001' }).actionId).toBe(act)
      expect(undo(up, 'ann', 'old-undo-001')).toBeNull()
      expect(clipLabels(up, clipIds[0]).map((l) => l.emotion)).toEqual(['angry'])
      expect(up.db.prepare('SELECT COUNT(*) FROM labels').pluck().get()).toBe(1)
    } finally {
      up.close()
    }
  })
})
