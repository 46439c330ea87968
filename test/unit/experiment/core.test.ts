/**
 * The grid on generated feature sets (no audio): every fold is speaker-independent,
 * every method is scored on the same test clips, and a run cancelled part-way resumes
 * to the same records as a run that was never interrupted (nothing duplicated).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { expandGrid, makeConfig, openRunFolder, readRecords, runGrid, type GridData } from '../../../src-main/services/experiment/index'
import { asVectors } from '../../../src-main/services/experiment/core'
import { JobCancelledError } from '../../../src-main/services/jobs/registry'
import { makeSyntheticCorpus } from '../../../src-main/services/model/synthetic'

const classes = ['happy', 'sad', 'angry']
const config = makeConfig({
  sources: [{ name: 'src', ref: 'generated' }], target: { name: 'tgt', ref: 'generated' },
  folds: 3, seeds: 1, shots: [2, 'all'], frozen: [0, 1], pretrainEpochs: 3, stepsPerEpoch: 10, finetuneEpochs: 4, finetuneSteps: 5,
})
function data(): GridData {
  const target = makeSyntheticCorpus({ classes, speakers: 6, perSpeakerPerClass: 4, seed: 7, speakerPrefix: 't' })
  const speakers = [...new Set(target.speakers)].sort()
  return {
    sources: [{ name: 'src', items: makeSyntheticCorpus({ classes, speakers: 16, perSpeakerPerClass: 4, seed: 3, speakerPrefix: 's' }) }],
    target,
    foldOf: new Map(speakers.map((s, i) => [s, i % 3])),
    classes,
    extractor: { name: 'egemaps', version: 'test' },
  }
}
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-exp-core-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
const strip = (r: { seconds: number }) => ({ ...r, seconds: 0 })

describe('experiment grid runner', () => {
  it('is speaker-independent, scores far above chance, and resumes a cancelled run to the same records', async () => {
    const total = expandGrid(config).length
    const whole = await runGrid(config, data(), openRunFolder(path.join(root, 'whole'), config, total))
    expect(whole.records).toHaveLength(total)
    const foldOf = data().foldOf
    for (const r of whole.records) {
      expect(r.train_speakers.filter((s) => r.test_speakers.includes(s))).toEqual([])
      expect(r.test_speakers.every((s) => foldOf.get(s) === r.fold)).toBe(true)
      expect(r.n_test).toBe(2 * 3 * 4)
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
    expect(mean(whole.records.filter((r) => r.shots === 'all').map((r) => r.uar))).toBeGreaterThan(2 / 3)
    expect(whole.curves.length).toBe(2 * config.pretrainEpochs)
    expect(fs.existsSync(path.join(root, 'whole', 'embeddings.json'))).toBe(true)

    const dir = path.join(root, 'cut')
    const ctl = new AbortController()
    const first = openRunFolder(dir, config, total)
    await expect(runGrid(config, data(), first, { signal: ctl.signal, progress: () => (readRecords(dir).size >= 7 ? ctl.abort() : undefined) })).rejects.toThrow(JobCancelledError)
    const kept = readRecords(dir).size
    expect(kept).toBeGreaterThanOrEqual(7)
    expect(kept).toBeLessThan(total)
    const second = openRunFolder(dir, config, total)
    expect(second.resumed).toBe(true)
    const resumed = await runGrid(config, data(), second)
    const lines = fs.readFileSync(path.join(dir, 'records.jsonl'), 'utf8').trim().split('\n')
    expect(lines).toHaveLength(total)
    expect(new Set(lines.map((l) => JSON.parse(l).key)).size).toBe(total)
    expect(resumed.records.map(strip)).toEqual(whole.records.map(strip))
  })
})

describe('the CNN grid', () => {
  it('runs on spectrogram-shaped items; the softmax baseline gets per-band mean and sd', async () => {
    const cnn = makeConfig({ ...config, model: 'cnn', losses: ['distance'], frozen: [1], shots: [2], folds: 2, pretrainEpochs: 1, stepsPerEpoch: 3, finetuneEpochs: 1, finetuneSteps: 2 })
    const d = data()
    // Each item's first 80 of 88 values as 10 frames x 8 bands.
    const as2d = (set: GridData['target']) => {
      const x = new Float32Array(set.labels.length * 80)
      for (let i = 0; i < set.labels.length; i++) x.set(set.x.subarray(i * 88, i * 88 + 80), i * 80)
      return { ...set, x, itemShape: [10, 8] }
    }
    const reshaped = { ...d, sources: d.sources.map((s) => ({ ...s, items: as2d(s.items) })), target: as2d(d.target), foldOf: new Map([...d.foldOf].map(([s, f]) => [s, f % 2])) }
    const v = asVectors(reshaped.target)
    expect(v.itemShape).toEqual([16])
    const band3 = Array.from({ length: 10 }, (_, f) => reshaped.target.x[f * 8 + 3])
    const m = band3.reduce((a, b) => a + b, 0) / 10
    expect(v.x[3]).toBeCloseTo(m, 5)
    expect(v.x[8 + 3]).toBeCloseTo(Math.sqrt(band3.reduce((a, b) => a + (b - m) ** 2, 0) / 10), 4)
    const r = await runGrid(cnn, reshaped, openRunFolder(path.join(root, 'cnn'), cnn, expandGrid(cnn).length))
    expect(r.records.map((x) => x.method).sort()).toEqual(['finetune', 'finetune', 'softmax', 'softmax', 'target_only', 'target_only'])
    expect(r.records.every((x) => x.model === 'cnn' && x.n_test > 0)).toBe(true)
  })
})
