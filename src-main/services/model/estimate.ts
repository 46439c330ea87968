/**
 * Held-out figures as every surface shows them: n, a 95% interval, the chance level and
 * what was scored. Accuracy: Wilson score interval (Wilson 1927; good at small n and near
 * 0 or 1), over clips: it ignores speaker variation, and its method says so. UAR: percentile
 * bootstrap that resamples whole speakers (clips of one speaker are not independent), only
 * over at least MIN_INTERVAL_UNITS (5) speakers; with fewer, no interval: the UAR of each
 * speaker and "too few speakers for an interval". Seeded, so a card is reproducible.
 * Accuracy, UAR and macro-F1 are model/metrics.ts's, the experiment report's too; `classes` is
 * the caller's class list where it has one (null: order of first appearance, metrics.ts).
 */
import type { HeldOutEstimate, Interval, UarEstimate } from '../../../src-shared/contract/models'
import { MIN_INTERVAL_UNITS, WILSON_LABEL, tooFewUnits } from '../../../src-shared/units'
import { wilson } from '../../../src-shared/wilson'
import { predict, type Profile } from './inference'
import { expectedCalibrationError } from './inference-core'
import { classificationMetrics } from './metrics'
import { makeRng, randInt } from './sampling'
import type { TrainedModel } from './trained'
import type { ItemSet } from './types'

export type { HeldOutEstimate, Interval, UarEstimate }

export { wilson }

function percentile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

/** Percentile bootstrap of the UAR over speakers; over fewer than MIN_INTERVAL_UNITS speakers, each speaker's UAR and no interval. */
export function bootstrapUar(
  truth: string[],
  predicted: string[],
  groups: string[],
  o: { resamples?: number; seed?: string; classes?: readonly string[] | null } = {},
): UarEstimate {
  const classes = o.classes ?? null
  const value = truth.length ? classificationMetrics(classes, truth, predicted).uar : 0
  const ids = [...new Set(groups)].sort()
  const units: number[][] = ids.map((g) => groups.flatMap((x, i) => (x === g ? [i] : [])))
  if (ids.length < MIN_INTERVAL_UNITS) {
    const perSpeaker = ids.map((speaker, k) => ({
      speaker,
      value: classificationMetrics(
        classes,
        units[k].map((i) => truth[i]),
        units[k].map((i) => predicted[i]),
      ).uar,
      n: units[k].length,
    }))
    return { value, low: null, high: null, method: tooFewUnits('speakers', ids.length), perSpeaker }
  }
  const method = `bootstrap over ${ids.length} speakers`
  const rng = makeRng(o.seed ?? 'uar-bootstrap')
  const B = o.resamples ?? 1000
  const stats: number[] = []
  for (let b = 0; b < B; b++) {
    const t: string[] = []
    const p: string[] = []
    for (let k = 0; k < units.length; k++) for (const i of units[randInt(rng, units.length)]) t.push(truth[i]), p.push(predicted[i])
    stats.push(classificationMetrics(classes, t, p).uar)
  }
  stats.sort((a, b) => a - b)
  return { value, low: percentile(stats, 0.025), high: percentile(stats, 0.975), method }
}

export function chanceLevels(truth: string[]): { accuracy: number; uar: number } {
  const counts = new Map<string, number>()
  for (const t of truth) counts.set(t, (counts.get(t) ?? 0) + 1)
  return { accuracy: truth.length ? Math.max(...counts.values()) / truth.length : 0, uar: counts.size ? 1 / counts.size : 0 }
}

/** The estimate of predictions `predicted` against `truth` of clips spoken by `speakers` (throws on an empty set). */
export function heldOutEstimate(
  truth: string[],
  predicted: string[],
  speakers: string[],
  o: { ece: number | null; data: string; seed?: string; classes?: readonly string[] | null },
): HeldOutEstimate {
  const m = classificationMetrics(o.classes ?? null, truth, predicted)
  const ok = truth.filter((t, i) => t === predicted[i]).length
  const w = wilson(ok, truth.length)
  return {
    n: truth.length,
    speakers: new Set(speakers).size,
    classes: [...new Set(truth)].sort(),
    accuracy: { value: m.accuracy, low: w.low, high: w.high, method: WILSON_LABEL },
    uar: bootstrapUar(truth, predicted, speakers, { seed: o.seed, classes: o.classes }),
    macroF1: m.macroF1,
    ece: o.ece,
    chance: chanceLevels(truth),
    data: o.data,
  }
}

const f3 = (v: number) => v.toFixed(3)

/** '0.800 [0.712, 0.861]', or with too few speakers '0.700 (too few speakers for an interval (2, at least 5); per speaker: 01 0.692, 02 0.706)'. */
export function describeUar(u: UarEstimate): string {
  if (u.low !== null && u.high !== null) return `${f3(u.value)} [${f3(u.low)}, ${f3(u.high)}] (${u.method})`
  return `${f3(u.value)} (${u.method}; per speaker: ${(u.perSpeaker ?? []).map((s) => `${s.speaker} ${f3(s.value)}`).join(', ')})`
}

/**
 * One line for people: 'accuracy 0.812 [0.731, 0.872] (Wilson, over clips: ignores speaker variation), UAR 0.80 [...] (bootstrap over 5 speakers), n = 96 clips
 * of 5 speakers, chance 0.167'.
 */
export function describeEstimate(e: HeldOutEstimate): string {
  return (
    `accuracy ${f3(e.accuracy.value)} [${f3(e.accuracy.low)}, ${f3(e.accuracy.high)}] (${e.accuracy.method}), ` +
    `UAR ${describeUar(e.uar)}, ` +
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

