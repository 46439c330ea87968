/**
 * "Label next" on real audio: generated CREMA-D-layout clips imported into a
 * workspace, scored by the shipped default model through the feature service.
 * The ranking is checked against probabilities recomputed from the result, not
 * against numbers written here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeImportPool, importCorpus } from '../../../src-main/services/corpus/index'
import { closeFeaturePool } from '../../../src-main/services/features/index'
import { marginUncertainty, setLabel, suggestNext } from '../../../src-main/services/labels/index'
import { syntheticCorpus } from '../../helpers/corpora'
import { tempWorkspace } from '../../helpers/workspace'

let ws: ReturnType<typeof tempWorkspace>
let datasetId: number
let clipIds: number[]

beforeAll(async () => {
  ws = tempWorkspace('ser-suggest-')
  const corpus = await syntheticCorpus('cremad', { speakers: 3, sentences: 2 })
  datasetId = (await importCorpus(ws, corpus.dir, { name: 'desk' })).datasetId
  clipIds = ws.db.prepare('SELECT id FROM clips WHERE dataset_id = ? ORDER BY rel_path').pluck().all(datasetId) as number[]
}, 300_000)
afterAll(async () => {
  await closeFeaturePool()
  await closeImportPool()
  ws?.cleanup()
})

describe('label next', () => {
  it('margin uncertainty: 0 when sure, 1 for a tie', () => {
    expect(marginUncertainty({ a: 1, b: 0 })).toBe(0)
    expect(marginUncertainty({ a: 0.4, b: 0.4, c: 0.2 })).toBeCloseTo(1, 12)
    expect(marginUncertainty({ a: 0.2, b: 0.7, c: 0.1 })).toBeCloseTo(0.5, 12)
  })

  it("ranks the annotator's unlabelled clips least sure first, skipping what they labelled", async () => {
    // Label the first three clips as "ann": they must not be suggested to ann, but still to "bob".
    for (const id of clipIds.slice(0, 3)) setLabel(ws, { clipId: id, emotion: 'neutral', annotator: 'ann' })
    const fractions: number[] = []
    const r = await suggestNext(ws, { datasetId, annotator: 'ann', count: 5, maxScored: 12, onProgress: (f) => fractions.push(f) })
    expect(r.scored).toBe(12)
    expect(r.suggestions).toHaveLength(5)
    const labelled = new Set(clipIds.slice(0, 3))
    for (const s of r.suggestions) {
      expect(labelled.has(s.clipId)).toBe(false)
      const sum = Object.values(s.probabilities).reduce((a, b) => a + b, 0)
      expect(sum).toBeCloseTo(1, 4)
      expect(s.uncertainty).toBeCloseTo(marginUncertainty(s.probabilities), 12)
      expect(s.top).toBe(Object.entries(s.probabilities).sort((a, b) => b[1] - a[1])[0][0])
    }
    const u = r.suggestions.map((s) => s.uncertainty)
    expect(u).toEqual([...u].sort((a, b) => b - a))
    expect(fractions.at(-1)).toBe(1)
    expect(r.cached).toBe(0)

    // the second time the same clips come from the score cache: same ranking, no features, no network
    const again = await suggestNext(ws, { datasetId, annotator: 'ann', count: 5, maxScored: 12 })
    expect(again.cached).toBe(12)
    expect(again.scored).toBe(12)
    expect(again.suggestions).toEqual(r.suggestions)
    expect(ws.db.prepare('SELECT COUNT(*) FROM suggest_scores').pluck().get()).toBe(12)

    const forBob = await suggestNext(ws, { datasetId, annotator: 'bob', count: 50, maxScored: 12 })
    expect(forBob.suggestions.some((s) => labelled.has(s.clipId))).toBe(true)
  }, 300_000)

  it('stops when cancelled', async () => {
    const ctrl = new AbortController()
    ctrl.abort()
    await expect(suggestNext(ws, { datasetId, annotator: 'carol', count: 5, maxScored: 30, signal: ctrl.signal })).rejects.toThrow(/abort|cancel/i)
  }, 300_000)
})
