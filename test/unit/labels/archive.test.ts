import { unzipSync, strFromU8 } from 'fflate'
import { describe, expect, it } from 'vitest'
import { exportDatasetArchive, exportLabels, parseAudacity, parseTextGrid, setLabel } from '../../../src-main/services/labels/index'
import { workspaceEachTest, type TempWorkspace } from '../../helpers/lifecycle'
import { seedClips } from './helpers'

let ws: TempWorkspace
workspaceEachTest('ser-labels-zip-', (w) => (ws = w))

const unzip = (base64: string) => {
  const files = unzipSync(new Uint8Array(Buffer.from(base64, 'base64')))
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strFromU8(v)]))
}

describe('whole-dataset TextGrid + Audacity archive', () => {
  it('holds one TextGrid and one Audacity track per clip (unlabelled ones with empty tiers), named after the clip, equal to the one-clip exports', () => {
    const { datasetId, clipIds } = seedClips(ws, 4, 2.5)
    setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann' })
    setLabel(ws, { clipId: clipIds[0], emotion: 'sad', annotator: 'ann', startSec: 0.5, endSec: 1.25 })
    setLabel(ws, { clipId: clipIds[0], emotion: 'happy', annotator: 'bob' })
    setLabel(ws, { clipId: clipIds[2], emotion: 'fearful', annotator: 'bob' })
    // clip 1 and 3: nobody labelled them
    const r = exportDatasetArchive(ws, { datasetId, annotator: 'ann' })
    expect(r.filename).toBe('desk-labels.zip')
    expect(r).toMatchObject({ total: 4, clips: 2, textGrids: 4, audacity: 1, labels: 4 })
    const files = unzip(r.base64)
    // every clip, as the README says: the unlabelled ones too
    expect(Object.keys(files).sort()).toEqual([0, 1, 2, 3].flatMap((i) => [`spk1/clip0${i}.TextGrid`, `spk1/clip0${i}.txt`]))
    const blank = parseTextGrid(files['spk1/clip01.TextGrid'])
    expect(blank.xmax).toBe(2.5)
    expect(blank.tiers.map((t) => [t.name, t.intervals])).toEqual([['ann', [{ start: 0, end: 2.5, text: '' }]], ['bob', [{ start: 0, end: 2.5, text: '' }]]])
    expect(files['spk1/clip01.txt']).toBe('')

    const tg = parseTextGrid(files['spk1/clip00.TextGrid'])
    expect(tg.xmax).toBe(2.5)
    expect(tg.tiers.map((t) => t.name).sort()).toEqual(['ann', 'ann#2', 'bob'])
    const texts = tg.tiers.flatMap((t) => t.intervals.filter((i) => i.text).map((i) => `${t.name.replace(/#\d$/, '')}:${i.text}:${i.start}-${i.end}`)).sort()
    expect(texts).toEqual(['ann:angry:0-2.5', 'ann:sad:0.5-1.25', 'bob:happy:0-2.5'])
    expect(parseAudacity(files['spk1/clip00.txt'])).toEqual([
      { start: 0, end: 2.5, emotion: 'angry' },
      { start: 0.5, end: 1.25, emotion: 'sad' },
    ])
    // bob's clip 2 has a TextGrid with his label, and ann's track on it is empty
    expect(parseTextGrid(files['spk1/clip02.TextGrid']).tiers[0].intervals).toEqual([{ start: 0, end: 2.5, text: 'fearful' }])
    expect(files['spk1/clip02.txt']).toBe('')
    // the same bytes as the single-clip writers give
    expect(files['spk1/clip00.TextGrid']).toBe(exportLabels(ws, { format: 'textgrid', clipId: clipIds[0] }).text)
    expect(files['spk1/clip00.txt']).toBe(exportLabels(ws, { format: 'audacity', clipId: clipIds[0], annotator: 'ann' }).text)
  })

  it('includes corpus labels only when asked; a dataset nobody labelled still gives every clip, with empty tiers', () => {
    const { datasetId, clipIds } = seedClips(ws, 2)
    ws.db.prepare("INSERT INTO labels (clip_id, emotion, annotator, source) VALUES (?, 'neutral', 'corpus', 'corpus')").run(clipIds[1])
    const none = exportDatasetArchive(ws, { datasetId, annotator: 'ann' })
    expect(none).toMatchObject({ total: 2, clips: 0, textGrids: 2, labels: 0 })
    const blank = unzip(none.base64)
    expect(Object.keys(blank).sort()).toEqual(['spk1/clip00.TextGrid', 'spk1/clip00.txt', 'spk1/clip01.TextGrid', 'spk1/clip01.txt'])
    expect(parseTextGrid(blank['spk1/clip01.TextGrid']).tiers).toEqual([{ name: 'ann', intervals: [{ start: 0, end: 2, text: '' }] }])
    const files = unzip(exportDatasetArchive(ws, { datasetId, annotator: 'ann', includeCorpus: true }).base64)
    expect(Object.keys(files).filter((f) => f.endsWith('.TextGrid')).sort()).toEqual(['spk1/clip00.TextGrid', 'spk1/clip01.TextGrid'])
    expect(parseTextGrid(files['spk1/clip01.TextGrid']).tiers[0]).toMatchObject({ name: 'corpus', intervals: [{ start: 0, end: 2, text: 'neutral' }] })
    expect(() => exportDatasetArchive(ws, { datasetId: 999, annotator: 'ann' })).toThrow(/no dataset with id 999/)
  })

  it('keeps clips apart whose names are the same once made file-system safe', () => {
    const { datasetId } = seedClips(ws, 0)
    const ins = ws.db.prepare(
      "INSERT INTO clips (dataset_id, path, rel_path, content_hash, duration_sec, sample_rate, channels, format) VALUES (?, ?, ?, ?, 1, 16000, 1, 'wav')",
    )
    const a = Number(ins.run(datasetId, '/tmp/x/a b.wav', 'a b.wav', 'h1').lastInsertRowid)
    const b = Number(ins.run(datasetId, '/tmp/x/a_b.wav', 'a_b.wav', 'h2').lastInsertRowid)
    setLabel(ws, { clipId: a, emotion: 'sad', annotator: 'ann' })
    setLabel(ws, { clipId: b, emotion: 'calm', annotator: 'ann' })
    const files = unzip(exportDatasetArchive(ws, { datasetId, annotator: 'ann' }).base64)
    expect(Object.keys(files).sort()).toEqual(['a_b-' + b + '.TextGrid', 'a_b-' + b + '.txt', 'a_b.TextGrid', 'a_b.txt'].sort())
    expect(exportDatasetArchive(ws, { datasetId, annotator: 'ann' }).total).toBe(2)
  })
})
