import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syntheticCorpus, type SynthResult } from '../../helpers/corpora'
import { tempDir, tempWorkspace } from '../../helpers/workspace'
import {
  closeImportPool,
  datasetStats,
  detectLayout,
  getSplits,
  importCorpus,
  listClips,
  listDatasets,
  makeSplits,
  relinkDataset,
} from '../../../src-main/services/corpus/index'
import { ImportReportSchema } from '../../../src-shared/contract/datasets'

let ws: ReturnType<typeof tempWorkspace>
const corpora: Record<string, SynthResult> = {}

beforeAll(async () => {
  ws = tempWorkspace()
  const [r, c, e] = await Promise.all([
    syntheticCorpus('ravdess', { speakers: 3, reps: 1, extras: true }),
    syntheticCorpus('cremad', { speakers: 4, sentences: 2 }),
    syntheticCorpus('enterface', { speakers: 4, sentences: 1 }),
  ])
  Object.assign(corpora, { ravdess: r, cremad: c, enterface: e })
})
afterAll(async () => {
  await closeImportPool()
  ws?.cleanup()
})

function countBy<T>(xs: T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1
  return out
}

async function checkAgainstTruth(layout: 'ravdess' | 'cremad' | 'enterface') {
  const truth = corpora[layout]
  expect((await detectLayout(truth.dir)).layout).toBe(layout)
  const report = ImportReportSchema.parse(await importCorpus(ws, truth.dir, { name: layout }))
  expect(report.layout).toBe(layout)
  expect(report.rejected).toEqual([])
  expect(report.added).toBe(truth.clips.length)
  expect(report.byEmotion).toEqual(countBy(truth.clips, (c) => c.emotion))
  expect(report.bySpeaker).toEqual(countBy(truth.clips, (c) => c.speaker))
  expect(report.skipped.map((s) => s.path).sort()).toEqual(truth.extras.map((x) => x.relPath).sort())
  const page = listClips(ws, { datasetId: report.datasetId, limit: 10000 })
  expect(page.total).toBe(truth.clips.length)
  const byRel = new Map(page.clips.map((c) => [c.relPath, c]))
  for (const t of truth.clips) {
    const c = byRel.get(t.relPath)
    expect(c, t.relPath).toBeDefined()
    expect({ emotion: c!.emotion, speaker: c!.speaker, gender: c!.gender, intensity: c!.intensity, sentence: c!.sentence, rate: c!.sampleRate }).toEqual({
      emotion: t.emotion,
      speaker: t.speaker,
      // eNTERFACE names carry no gender
      gender: layout === 'enterface' ? null : t.gender,
      intensity: t.intensity,
      sentence: t.sentence,
      rate: t.rate,
    })
    expect(c!.format).toBe(layout === 'enterface' ? 'avi/pcm16' : 'wav/pcm16')
    expect(c!.durationSec).toBeGreaterThan(0.5)
    expect(c!.contentHash).toMatch(/^[0-9a-f]{64}$/)
  }
  return report
}

describe('importing generated corpora', () => {
  it('RAVDESS: every label, speaker, gender, intensity and statement; song and video-only left out', async () => {
    const r = await checkAgainstTruth('ravdess')
    expect(r.skipped.some((s) => /song/.test(s.reason))).toBe(true)
    expect(r.skipped.some((s) => /video-only/.test(s.reason))).toBe(true)
    const withSong = await importCorpus(ws, corpora.ravdess.dir, { name: 'ravdess-song', includeSong: true })
    expect(withSong.added).toBe(corpora.ravdess.clips.length + 3)
  })

  it('CREMA-D: labels, levels, sentences and genders from VideoDemographics.csv', async () => {
    await checkAgainstTruth('cremad')
  })

  it("eNTERFACE'05: AVI audio demuxed, irregular names tolerated", async () => {
    const truth = corpora.enterface
    expect(truth.clips.some((c) => /\/s_\d|\/S\d+_[A-Z]{2}_|Subject /.test(c.relPath))).toBe(true)
    await checkAgainstTruth('enterface')
  })

  it('re-import is idempotent by content hash; a moved folder is relinked', async () => {
    const truth = corpora.cremad
    const id = listDatasets(ws).find((d) => d.name === 'cremad')!.id
    const again = await importCorpus(ws, truth.dir, { name: 'cremad' })
    expect(again.added).toBe(0)
    expect(again.unchanged).toBe(truth.clips.length)
    expect(again.totalClips).toBe(truth.clips.length)
    const moved = path.join(tempDir('ser-moved-'), 'cremad')
    fs.cpSync(truth.dir, moved, { recursive: true })
    // One file changed at the new place, one gone.
    const [a, b] = truth.clips
    fs.writeFileSync(path.join(moved, a.relPath), fs.readFileSync(path.join(moved, truth.clips[2].relPath)))
    fs.rmSync(path.join(moved, b.relPath))
    const rl = await relinkDataset(ws, id, moved)
    expect(rl.relinked).toBe(truth.clips.length - 2)
    expect(rl.mismatched).toEqual([a.relPath])
    expect(rl.missing).toEqual([b.relPath])
    const clip = listClips(ws, { datasetId: id, search: truth.clips[3].relPath.split('/').pop()!, limit: 5 })
    expect(clip.total).toBe(1)
    expect(clip.clips[0].path).toBe(path.join(moved, truth.clips[3].relPath))
    fs.rmSync(path.dirname(moved), { recursive: true, force: true })
  })

  it('CSV manifest: labels and speakers from the CSV, unknown labels and missing files reported', async () => {
    const truth = corpora.cremad
    const dir = tempDir('ser-manifest-')
    const picked = truth.clips.slice(0, 12)
    const rows = ['path,label,speaker,gender']
    picked.forEach((c, i) => {
      const name = `clip${i}.wav`
      fs.mkdirSync(path.join(dir, 'audio'), { recursive: true })
      fs.copyFileSync(path.join(truth.dir, c.relPath), path.join(dir, 'audio', name))
      rows.push(`audio/${name},${i % 2 ? c.emotion.toUpperCase() : c.emotion},spk${c.speaker},${c.gender}`)
    })
    rows.push('audio/missing.wav,happy,spkX,')
    rows.push(`audio/clip0.wav,joyful,spkY,`)
    fs.writeFileSync(path.join(dir, 'labels.csv'), rows.join('\n') + '\n')
    expect((await detectLayout(dir)).layout).toBe('manifest')
    const r = await importCorpus(ws, dir, { name: 'manifest' })
    expect(r.layout).toBe('manifest')
    expect(r.added).toBe(12)
    expect(r.byEmotion).toEqual(countBy(picked, (c) => c.emotion))
    expect(r.bySpeaker).toEqual(countBy(picked, (c) => `spk${c.speaker}`))
    expect(r.rejected).toHaveLength(2)
    expect(r.rejected.find((x) => x.path === 'audio/missing.wav')!.reason).toMatch(/not found/)
    expect(r.rejected.find((x) => /joyful/.test(x.reason))!.reason).toMatch(/unknown emotion label "joyful"/)
    const stats = datasetStats(ws, r.datasetId)
    expect(stats.clips).toBe(12)
    expect(stats.speakers.every((s) => s.gender !== null)).toBe(true)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('speaker-independent splits: every speaker in one fold, stratified, reproducible, stored', async () => {
    const id = listDatasets(ws).find((d) => d.name === 'ravdess')!.id
    const s1 = makeSplits(ws, id, { k: 3, seed: 'x' })
    const speakers = s1.folds.flatMap((f) => f.speakers)
    expect(speakers.sort()).toEqual(['01', '02', '03'])
    expect(s1.folds.every((f) => f.speakers.length === 1)).toBe(true)
    expect(s1.folds.reduce((a, f) => a + f.clips, 0)).toBe(corpora.ravdess.clips.length)
    const s2 = makeSplits(ws, id, { k: 3, seed: 'x' })
    expect(s2.folds).toEqual(s1.folds)
    expect(getSplits(ws, id, { k: 3, seed: 'x' })!.folds).toEqual(s1.folds)
    expect(() => makeSplits(ws, id, { k: 4, seed: 'x' })).toThrow(/3 speaker\(s\); 4 speaker-independent folds need at least 4/)
  })

  it('cancel stops the import, keeps what was written consistent', async () => {
    const ac = new AbortController()
    const r = await importCorpus(ws, corpora.enterface.dir, {
      name: 'cancelled',
      signal: ac.signal,
      onProgress: (f) => {
        if (f !== null && f > 0) ac.abort()
      },
    })
    expect(r.cancelled).toBe(true)
    expect(r.added).toBeLessThan(corpora.enterface.clips.length)
    const n = ws.db.prepare('SELECT COUNT(*) FROM clips WHERE dataset_id = ?').pluck().get(r.datasetId)
    expect(n).toBe(r.added)
    const unlabelled = ws.db
      .prepare('SELECT COUNT(*) FROM clips c WHERE c.dataset_id = ? AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.clip_id = c.id)')
      .pluck()
      .get(r.datasetId)
    expect(unlabelled).toBe(0)
    const rest = await importCorpus(ws, corpora.enterface.dir, { name: 'cancelled' })
    expect(rest.totalClips).toBe(corpora.enterface.clips.length)
  })
})
