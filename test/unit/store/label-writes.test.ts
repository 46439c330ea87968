/**
 * Labels have one write path (store/labels.ts `writeLabels`), which keeps the undo log: a take
 * saved by the recordings service and a corpus import leave their action rows like the Label
 * view does, and a recorded take's label is undone like any other.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { saveRecording } from '../../../src-main/services/recordings/index'
import { importCorpus } from '../../../src-main/services/corpus/index'
import { clipLabels, undo } from '../../../src-main/services/labels/index'
import { tempWorkspace } from '../../helpers/workspace'
import { encodeWav16 } from '../../../src-main/services/audio/index'

const ws = tempWorkspace('ser-label-writes-')
afterAll(() => ws.cleanup())

const actions = (annotator: string) =>
  ws.db.prepare('SELECT kind, clip_id, after_ids, state FROM label_actions WHERE annotator = ? ORDER BY id').all(annotator) as {
    kind: string
    clip_id: number | null
    after_ids: string
    state: string
  }[]

function tone(seconds: number, hz: number): Int16Array {
  return Int16Array.from({ length: Math.round(seconds * 16000) }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 16000)))
}

describe('one label write path with the undo log', () => {
  it('a recorded take labelled angry leaves an undo-log action, and undo removes the label', () => {
    const rec = saveRecording(ws, { person: 'Ada', emotion: 'angry', samples: tone(1, 220) })
    const [a] = actions('Ada')
    expect(a).toMatchObject({ kind: 'set', clip_id: rec.clipId, state: 'done' })
    const live = clipLabels(ws, rec.clipId)
    expect(JSON.parse(a.after_ids)).toEqual(live.map((l) => l.id))
    expect(undo(ws, 'Ada')?.clipId).toBe(rec.clipId)
    expect(clipLabels(ws, rec.clipId)).toEqual([])
  })

  it('a corpus import records its labels as an import action of the corpus', async () => {
    const dir = fs.mkdtempSync(path.join(ws.dir, 'folder-'))
    for (const [emotion, hz] of [['happy', 300], ['sad', 180]] as const) {
      fs.mkdirSync(path.join(dir, emotion), { recursive: true })
      const x = Float32Array.from(tone(0.8, hz), (v) => v / 32768)
      fs.writeFileSync(path.join(dir, emotion, 'a.wav'), encodeWav16(x, 16000))
    }
    const report = await importCorpus(ws, dir, { layout: 'folder', name: 'two-folders' })
    expect(report.added).toBe(2)
    const done = actions('corpus').filter((a) => a.state === 'done')
    const ids = done.flatMap((a) => JSON.parse(a.after_ids) as number[])
    expect(done.every((a) => a.kind === 'import' && a.clip_id === null)).toBe(true)
    const corpusLabels = ws.db.prepare("SELECT id FROM labels WHERE annotator = 'corpus' ORDER BY id").pluck().all() as number[]
    expect(ids.sort((a, b) => a - b)).toEqual(corpusLabels)
    expect(corpusLabels).toHaveLength(2)
  })
})
