import { describe, expect, it } from 'vitest'
import {
  clipLabels,
  exportLabels,
  importLabels,
  parseAudacity,
  parseCsv,
  parseTextGrid,
  setLabel,
  undo,
  writeTextGrid,
} from '../../../src-main/services/labels/index'
import { workspaceEachTest, type TempWorkspace } from '../../helpers/lifecycle'
import { seedClips } from './helpers'

let ws: TempWorkspace
workspaceEachTest('ser-labels-io-', (w) => (ws = w))

const human = (clipId: number) =>
  clipLabels(ws, clipId)
    .map((l) => `${l.annotator}:${l.emotion}:${l.startSec ?? '-'}-${l.endSec ?? '-'}`)
    .sort()

describe('TextGrid', () => {
  it('writes the long format Praat reads (tiers tile the clip) and parses it back', () => {
    const text = writeTextGrid({ xmin: 0, xmax: 3, tiers: [{ name: 'ann', intervals: [{ start: 0.5, end: 1.25, text: 'angry' }] }] })
    expect(text).toContain('File type = "ooTextFile"')
    expect(text).toContain('intervals: size = 3')
    const tg = parseTextGrid(text)
    expect(tg.tiers[0].intervals).toEqual([
      { start: 0, end: 0.5, text: '' },
      { start: 0.5, end: 1.25, text: 'angry' },
      { start: 1.25, end: 3, text: '' },
    ])
  })

  it('reads the short format and quoted quotes', () => {
    const short = 'File type = "ooTextFile"\nObject class = "TextGrid"\n\n0\n2\n<exists>\n1\n"IntervalTier"\n"a ""b"""\n0\n2\n2\n0\n1\n"sad"\n1\n2\n""\n'
    const tg = parseTextGrid(short)
    expect(tg.tiers[0].name).toBe('a "b"')
    expect(tg.tiers[0].intervals[0]).toEqual({ start: 0, end: 1, text: 'sad' })
  })

  it('refuses broken files with the line of the problem', () => {
    const good = writeTextGrid({ xmin: 0, xmax: 2, tiers: [{ name: 'ann', intervals: [{ start: 0, end: 1, text: 'sad' }] }] })
    expect(() => parseTextGrid('hello')).toThrow(/not a Praat text file/)
    expect(() => parseTextGrid(good.replace('xmax = 1 ', 'xmax = 0.5 ').replace(/(intervals \[2\]:\n\s+xmin = )1/, '$10.2'))).toThrow(
      /line \d+: interval 2 of tier "ann" overlaps/,
    )
    expect(() => parseTextGrid(good.split('\n').slice(0, -4).join('\n'))).toThrow(/expected/)
    expect(() => parseTextGrid(good.replace('"ann"', '"ann'))).toThrow(/unterminated string|expected/)
  })
})

describe('CSV, JSON and Audacity parsers', () => {
  it('CSV needs the known columns and valid values, and names the line', () => {
    expect(parseCsv('clip,emotion,annotator\na.wav,anger,ann\n')[0]).toMatchObject({ clip: 'a.wav', emotion: 'angry', startSec: null })
    expect(() => parseCsv('clip,emotion\na.wav,sad\n')).toThrow(/missing column "annotator"/)
    expect(() => parseCsv('clip,emotion,annotator,colour\na.wav,sad,x,red\n')).toThrow(/unknown column\(s\) colour/)
    expect(() => parseCsv('clip,emotion,annotator\na.wav,sad,x\nb.wav,bored,x\n')).toThrow(/CSV line 3: unknown emotion "bored"/)
    expect(() => parseCsv('clip,emotion,annotator,start_sec,end_sec\na.wav,sad,x,2,1\n')).toThrow(/line 2: end \(1\) must be after start \(2\)/)
    expect(() => parseCsv('clip,emotion,annotator,start_sec\na.wav,sad,x,1\n')).toThrow(/both start and end/)
  })

  it('Audacity label tracks: tabs, spectral lines skipped, strict otherwise', () => {
    expect(parseAudacity('0.5\t1.5\tangry\n\\\t100\t2000\n2\t3\tSadness\n')).toEqual([
      { start: 0.5, end: 1.5, emotion: 'angry' },
      { start: 2, end: 3, emotion: 'sad' },
    ])
    expect(() => parseAudacity('0.5 1.5 angry\n')).toThrow(/line 1: expected "start<TAB>end<TAB>label"/)
    expect(() => parseAudacity('1\tx\tangry\n')).toThrow(/line 1: end "x" is not a non-negative number/)
    expect(() => parseAudacity('1\t1\tangry\n')).toThrow(/point label/)
    expect(() => parseAudacity('1\t2\t\n')).toThrow(/empty label/)
  })
})

describe('export and import round trips', () => {
  function seedLabels() {
    const { datasetId, clipIds } = seedClips(ws, 3, 4)
    setLabel(ws, { clipId: clipIds[0], emotion: 'angry', annotator: 'ann' })
    setLabel(ws, { clipId: clipIds[0], emotion: 'sad', annotator: 'bob' })
    setLabel(ws, { clipId: clipIds[1], emotion: 'happy', annotator: 'ann', startSec: 0.5, endSec: 1.5 })
    setLabel(ws, { clipId: clipIds[1], emotion: 'fearful', annotator: 'ann', startSec: 1, endSec: 2 }) // overlaps: second tier
    setLabel(ws, { clipId: clipIds[1], emotion: 'calm', annotator: 'bob', startSec: 2, endSec: 3.25 })
    ws.db.prepare("INSERT INTO labels (clip_id, emotion, annotator, source) VALUES (?, 'neutral', 'corpus', 'corpus')").run(clipIds[2])
    return { datasetId, clipIds }
  }
  const wipe = (clipId?: number) =>
    ws.db.prepare(`UPDATE labels SET deleted_at = 'x' WHERE source != 'corpus' ${clipId ? `AND clip_id = ${clipId}` : ''}`).run()

  for (const format of ['csv', 'json'] as const) {
    it(`${format}: a dataset's labels come back identical; a second import changes nothing`, () => {
      const { datasetId, clipIds } = seedLabels()
      const before = clipIds.map(human)
      const out = exportLabels(ws, { format, datasetId })
      expect(out.labels).toBe(5)
      wipe()
      expect(importLabels(ws, { format, text: out.text, datasetId, annotator: 'ann' })).toMatchObject({ added: 5, unchanged: 0 })
      expect(clipIds.map(human)).toEqual(before)
      expect(importLabels(ws, { format, text: out.text, datasetId, annotator: 'ann' })).toMatchObject({ added: 0, unchanged: 5, actionId: null })
      // the import is one undoable action
      wipe()
      importLabels(ws, { format, text: out.text, datasetId, annotator: 'ann' })
      undo(ws, 'ann')
      expect(clipLabels(ws, clipIds[0])).toHaveLength(0)
    })
  }

  it('textgrid: one tier per annotator (overlaps on extra tiers) round-trips a clip', () => {
    const { clipIds } = seedLabels()
    for (const id of clipIds.slice(0, 2)) {
      const before = human(id)
      const out = exportLabels(ws, { format: 'textgrid', clipId: id })
      wipe(id)
      importLabels(ws, { format: 'textgrid', text: out.text, clipId: id, annotator: 'ann' })
      expect(human(id)).toEqual(before)
    }
    const tg = parseTextGrid(exportLabels(ws, { format: 'textgrid', clipId: clipIds[1] }).text)
    expect(tg.tiers.map((t) => t.name)).toEqual(['ann', 'ann#2', 'bob'])
    expect(tg.xmax).toBe(4)
  })

  it('textgrid for another clip length and unknown clips in CSV are refused before anything is written', () => {
    const { datasetId, clipIds } = seedLabels()
    const tg = writeTextGrid({ xmin: 0, xmax: 9, tiers: [{ name: 'ann', intervals: [{ start: 0, end: 1, text: 'sad' }] }] })
    expect(() => importLabels(ws, { format: 'textgrid', text: tg, clipId: clipIds[2], annotator: 'ann' })).toThrow(/lasts 4.000 s: is it for another clip/)
    const n = ws.db.prepare('SELECT COUNT(*) FROM labels').pluck().get()
    expect(() =>
      importLabels(ws, { format: 'csv', text: 'clip,emotion,annotator\nspk1/clip00.wav,sad,x\nnope.wav,sad,x\n', datasetId, annotator: 'ann' }),
    ).toThrow(/1 clip\(s\) in the file are not in this dataset: nope.wav/)
    expect(ws.db.prepare('SELECT COUNT(*) FROM labels').pluck().get()).toBe(n)
  })

  it('audacity: one annotator\'s track; whole-clip labels span the clip', () => {
    const { clipIds } = seedLabels()
    const out = exportLabels(ws, { format: 'audacity', clipId: clipIds[1], annotator: 'bob' })
    expect(out.text).toBe('2.000000\t3.250000\tcalm\n')
    importLabels(ws, { format: 'audacity', text: '0\t4\tdisgust\n1\t2\tsurprised\n', clipId: clipIds[2], annotator: 'cy' })
    expect(human(clipIds[2])).toEqual(['corpus:neutral:---', 'cy:disgust:---', 'cy:surprised:1-2'])
  })
})
