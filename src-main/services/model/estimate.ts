/**
 * Held-out figures as every surface shows them: n, a 95% interval, the chance level and
 * what was scored. Accuracy: Wilson score interval (Wilson 1927; good at small n and near
 * 0 or 1). UAR: percentile bootstrap that resamples whole speakers (clips of one speaker
 * are not independent), or clips when fewer than two speakers were scored; the interval's
 * `method` says which. Seeded, so a card is reproducible.
 */
import type { HeldOutEstimate, Interval } from '../../../src-shared/contract/models'
import { wilson } from '../../../src-shared/wilson'
import { predict, type Profile } from './inference'
import { classificationMetrics, expectedCalibrationError } from './inference-core'
import { makeRng, randInt } from './sampling'
import type { TrainedModel } from './train'
import type { ItemSet } from './types'

export type { HeldOutEstimate, Interval }

export { wilson }

function percentile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

/** Percentile bootstrap of the UAR, resampling groups (speakers) or, with < 2 groups, single clips. */
export function bootstrapUar(truth: string[], predicted: string[], groups: string[], o: { resamples?: number; seed?: string } = {}): Interval {
  const value = classificationMetrics(truth, predicted).uar
  const ids = [...new Set(groups)].sort()
  const bySpeaker = ids.length >= 2
  const units: number[][] = bySpeaker ? ids.map((g) => groups.flatMap((x, i) => (x === g ? [i] : []))) : truth.map((_, i) => [i])
  const method = bySpeaker ? `bootstrap over ${ids.length} speakers` : `bootstrap over ${truth.length} clips (one speaker)`
  if (truth.length === 0) return { value: 0, low: 0, high: 1, method }
  const rng = makeRng(o.seed ?? 'uar-bootstrap')
  const B = o.resamples ?? 1000
  const stats: number[] = []
  for (let b = 0; b < B; b++) {
    const t: string[] = []
    const p: string[] = []
    for (let k = 0; k < units.length; k++) for (const i of units[randInt(rng, units.length)]) t.push(truth[i]), p.push(predicted[i])
    stats.push(classificationMetrics(t, p).uar)
  }
  stats.sort((a, b) => a - b)
  return { value, low: percentile(stats, 0.025), high: percentile(stats, 0.975), method }
}

export function chanceLevels(truth: string[]): { accuracy: number; uar: number } {
  const counts = new Map<string, number>()
  for (const t of truth) counts.set(t, (counts.get(t) ?? 0) + 1)
  return { accuracy: truth.length ? Math.max(...counts.values()) / truth.length : 0, uar: counts.size ? 1 / counts.size : 0 }
}

/** The estimate of predictions `predicted` against `truth` of clips spoken by `speakers`. */
export function heldOutEstimate(truth: string[], predicted: string[], speakers: string[], o: { ece: number | null; data: string; seed?: string }): HeldOutEstimate {
  const m = classificationMetrics(truth, predicted)
  const ok = truth.filter((t, i) => t === predicted[i]).length
  const w = wilson(ok, truth.length)
  return {
    n: truth.length,
    speakers: new Set(speakers).size,
    classes: [...new Set(truth)].sort(),
    accuracy: { value: m.accuracy, low: w.low, high: w.high, method: 'Wilson' },
    uar: bootstrapUar(truth, predicted, speakers, { seed: o.seed }),
    macroF1: m.macroF1,
    ece: o.ece,
    chance: chanceLevels(truth),
    data: o.data,
  }
}

const f3 = (v: number) => v.toFixed(3)

/** One line for people: 'accuracy 0.812 [0.731, 0.872] (Wilson), UAR 0.80 [...] (bootstrap over 5 speakers), n = 96 clips of 5 speakers, chance 0.167'. */
export function describeEstimate(e: HeldOutEstimate): string {
  return (
    `accuracy ${f3(e.accuracy.value)} [${f3(e.accuracy.low)}, ${f3(e.accuracy.high)}] (${e.accuracy.method}), ` +
    `UAR ${f3(e.uar.value)} [${f3(e.uar.low)}, ${f3(e.uar.high)}] (${e.uar.method}), ` +
    `n = ${e.n} clips of ${e.speakers} speaker${e.speakers === 1 ? '' : 's'}, chance: UAR ${f3(e.chance.uar)}, accuracy ${f3(e.chance.accuracy)}` +
    (e.ece !== null ? `, ECE ${f3(e.ece)}` : '')
  )
}

/** The held-out estimate of `profile` on `test`: top-class predictions, with the ECE of the calibrated probabilities. */
export function scoreHeldOut(model: TrainedModel, profile: Profile, test: ItemSet, data: string, seed: string): HeldOutEstimate {
  const preds = predict(model, profile, test)
  const top = preds.map((p) => p.top)
  const ece = expectedCalibrationError(
    preds.map((p) => p.probabilities[p.top]),
    preds.map((p, i) => p.top === test.labels[i]),
  )
  return heldOutEstimate(test.labels, top, test.speakers, { ece: profile.ece === null ? null : ece, data, seed })
}

