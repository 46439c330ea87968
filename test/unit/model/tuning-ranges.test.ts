/**
 * Every bound of every tuning search range, and every default, keeps the loss's gradient alive
 * (model/tuning.ts SEARCH_SPACE, src-shared/losses.ts LOSS_DEFAULTS):
 * - at initialisation: active_fraction > 0.5 on a fresh network's first batch;
 * - once the classes are apart: a batch whose classes are tight clusters on orthogonal directions, or two antipodal ones,
 *   still has active anchors (active_fraction above the 0.01 that counts as "stopped training"),
 *   so fine-tuning on a handful of support clips does not stop training as soon as they separate.
 */
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { LOSS_DEFAULTS, LOSS_NAMES, type LossName } from '../../../src-shared/losses'
import { activeFraction, balancedLoss, batchMasks, contrastivePairs, disposeMasks, disposeOutput, lossConfigFor } from '../../../src-main/services/model/losses'
import type { LossOutput } from '../../../src-main/services/model/losses'
import { buildNetwork, defaultArchitecture } from '../../../src-main/services/model/networks'
import { fitNormaliser, normaliseSet } from '../../../src-main/services/model/normalise'
import { makeRng, sampleClassBalanced, samplePairs } from '../../../src-main/services/model/sampling'
import { gatherRows } from '../../../src-main/services/model/step'
import { makeSyntheticCorpus } from '../../../src-main/services/model/synthetic'
import { STOPPED_ACTIVE } from '../../../src-main/services/model/train-callbacks'
import { SEARCH_SPACE } from '../../../src-main/services/model/tuning'

const CLASSES = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgust']

/** The settings to check: every corner of the loss's search box, and its defaults. */
function settings(loss: LossName): { margin: number; temperature: number }[] {
  const d = LOSS_DEFAULTS[loss]
  const sp = SEARCH_SPACE[loss]
  const out = [{ margin: d.margin, temperature: d.temperature }]
  for (const margin of sp.margin ?? [d.margin]) for (const temperature of sp.temperature ?? [d.temperature]) out.push({ margin, temperature })
  return out
}

function fraction(o: LossOutput): number {
  const v = activeFraction(o).dataSync()[0]
  disposeOutput(o, false)
  return v
}

/** Active fraction of one batch of embeddings `e` (rows: pairs a then b for contrastive, else items with class ids). */
function activeOf(loss: LossName, s: { margin: number; temperature: number }, e: tf.Tensor2D, ids: number[], same?: number[]): number {
  const cfg = lossConfigFor(loss, s)
  if (loss === 'contrastive') {
    const p = same!.length
    return tf.tidy(() => fraction(contrastivePairs(tf.slice(e, [0, 0], [p, -1]), tf.slice(e, [p, 0], [p, -1]), tf.tensor1d(same!), cfg.margin)))
  }
  const m = batchMasks(ids)
  try {
    return tf.tidy(() => fraction(balancedLoss(e, m, cfg)))
  } finally {
    disposeMasks(m)
  }
}

describe('tuning ranges keep the gradient alive', () => {
  const corpus = makeSyntheticCorpus({ classes: CLASSES, speakers: 8, perSpeakerPerClass: 5, seed: 3, dim: 88, speakerPrefix: 'r' })
  const data = normaliseSet(corpus, fitNormaliser(corpus))
  const idx = corpus.labels.map((_, i) => i)

  for (const loss of LOSS_NAMES) {
    it(`${loss}: active_fraction > 0.5 on a fresh network's first batch, at every bound and the defaults`, () => {
      for (const seed of [1, 2]) {
        const net = buildNetwork(defaultArchitecture('mlp', [88]), seed)
        let rows: ArrayLike<number>
        let ids: number[] = []
        let same: number[] | undefined
        if (loss === 'contrastive') {
          const pb = samplePairs(makeRng(seed), corpus.labels, idx, 64)
          rows = [...pb.a, ...pb.b]
          same = Array.from(pb.same)
        } else {
          const b = sampleClassBalanced(makeRng(seed), corpus.labels, idx, 6, 8)
          rows = b.items
          ids = Array.from(b.classIds)
        }
        const e = tf.tidy(() => net.embed(tf.tensor2d(gatherRows(data.x, 88, rows), [rows.length, 88])) as tf.Tensor2D)
        for (const s of settings(loss)) expect(activeOf(loss, s, e, ids, same), `${loss} ${JSON.stringify(s)}, network seed ${seed}`).toBeGreaterThan(0.5)
        e.dispose()
        net.dispose()
      }
    })

    it(`${loss}: still active once the classes are apart (tight clusters: 6 on orthogonal directions, 2 antipodal), at every bound and the defaults`, () => {
      const rng = makeRng('apart')
      const K = 8
      for (const [nClasses, direction] of [
        [6, (c: number, j: number) => (j === c ? 1 : 0)],
        [2, (c: number, j: number) => (j === 0 ? (c === 0 ? 1 : -1) : 0)],
      ] as const) {
        const ids = Array.from({ length: nClasses * K }, (_, i) => Math.floor(i / K))
        const rowsOf = (cls: number[]) =>
          cls.map((c) => {
            const v = Array.from({ length: 16 }, (_, j) => direction(c, j) + 0.05 * (rng() - 0.5))
            const n = Math.hypot(...v)
            return v.map((x) => x / n)
          })
        // contrastive: same-class pairs, then different-class pairs
        const half = Math.floor(ids.length / 2)
        const a = ids.slice(0, half)
        const b = a.map((c, i) => (i < half / 2 ? c : (c + 1) % nClasses))
        const e = tf.tensor2d(loss === 'contrastive' ? [...rowsOf(a), ...rowsOf(b)] : rowsOf(ids))
        const same = loss === 'contrastive' ? a.map((_, i) => (i < half / 2 ? 1 : 0)) : undefined
        for (const s of settings(loss))
          expect(activeOf(loss, s, e, ids, same), `${loss} ${JSON.stringify(s)}, ${nClasses} classes`).toBeGreaterThan(STOPPED_ACTIVE)
        e.dispose()
      }
    })
  }
})
