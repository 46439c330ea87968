/**
 * Hyper-parameter tuning of one loss with a fixed budget, on the SOURCE corpus only, so every
 * loss gets the same number of trials and no target speaker is ever looked at.
 *
 * - Cross-validation over the tuning speakers (tuningFolds): the speakers are shuffled from the
 *   seed and cut into up to 3 folds of at least 2 speakers. For each fold a fresh network (same
 *   initialisation for every trial) pre-trains briefly on the other folds' speakers, normalised with
 *   their statistics only, without early stopping.
 * - Score units: inside a held-out fold every speaker is the query once, and the fold's other
 *   speakers give the support (K clips per class, a few draws): nearest-prototype UAR per unit.
 *   A trial's score is the mean over units, its standard error sd / sqrt(units).
 * - Trial 0 is the loss's LOSS_DEFAULTS; trial k > 0 maps the k-th point of one seeded uniform
 *   sequence, shared by all losses, into that loss's search space (log scale for learning rate
 *   and temperature). Parameters a loss does not use keep their default.
 * - Tuning is informative only when the best trial beats chance by more than NOISE_SE standard
 *   errors and, if it is not the defaults, beats the defaults by more than NOISE_SE standard
 *   errors of the paired difference (the same units), with at least MIN_UNITS units. Otherwise
 *   the defaults are used and the result says "tuning uninformative: ...".
 * Every bound of every search range keeps the loss's gradient alive at initialisation and on a
 * batch whose classes are already separated (test/unit/model/tuning-ranges.test.ts).
 * Everything is deterministic from the seed (and the thread count, docs/engine.md).
 */
import { LOSS_DEFAULTS, type LossName } from '../../../src-shared/losses'
import { dist, prototypes } from './inference-core'
import { classificationMetrics } from './metrics'
import { lossConfigFor } from './losses'
import { buildNetwork } from './networks'
import { fitNormaliser, normaliseSet } from './normalise'
import { makeRng, selectShots, shuffle } from './sampling'
import { defaultTrainConfig, trainSiamese } from './train'
import type { Architecture, ItemSet } from './types'

export interface TuneParams {
  margin: number
  temperature: number
  learningRate: number
}

export interface TuneOptions {
  loss: LossName
  arch: Architecture
  /** Trials per loss (the same for every loss of a comparison), >= 1. */
  budget: number
  seed: number
  signal?: AbortSignal
  /** Epochs per trial and fold (default 4) of `stepsPerEpoch` steps (default 25). */
  epochs?: number
  stepsPerEpoch?: number
  /** Support clips per class for the prototypes (default 5). */
  shots?: number
  /** Called after each trial and fold with the item indices it trained on (tests check them). */
  onTrial?(t: { trial: number; fold: number; params: TuneParams; trainIndices: number[] }): void
}

export interface TrialScore {
  params: TuneParams
  /** Mean UAR over the units (fold x query speaker). */
  score: number
  /** Standard error of the mean over the units. */
  se: number
  /** Per-unit UARs, in unit order (the same units for every trial). */
  units: number[]
}

export interface TuneResult {
  chosen: TuneParams
  trials: TrialScore[]
  budget: number
  criterion: string
  /** Chance UAR (1 / classes). */
  chance: number
  informative: boolean
  /** What tuning concluded, in words ("tuning uninformative: ..." when the defaults were used for want of evidence). */
  note: string
  trainSpeakers: string[]
  heldOutSpeakers: string[]
}

/** Search ranges: [low, high] per tuned parameter; log scale for learning rate and temperature. */
export const LR_RANGE: [number, number] = [3e-4, 3e-3]
/**
 * Bounds chosen so that every setting keeps a gradient (tuning-ranges.test.ts): contrastive's
 * margin above the distance of a fresh network's different-class pairs (so negatives train), the
 * temperatures high enough that a batch whose classes are already apart still has active anchors.
 */
export const SEARCH_SPACE: Record<LossName, Partial<Record<'margin' | 'temperature', [number, number]>>> = {
  // distances on the unit sphere lie in [0, 2]
  contrastive: { margin: [1, 1.5] },
  distance: { margin: [0, 1], temperature: [0.3, 0.8] },
  triplet: {}, // soft margin: no margin, no temperature (Hermans et al. 2017)
  protonet: { temperature: [0.6, 2] },
  supcon: { temperature: [0.3, 0.8] },
}
const DRAWS = 3
/** "More than the noise": this many standard errors. */
export const NOISE_SE = 2
/** Fewer score units than this give no standard error worth the name: tuning is then uninformative. */
export const MIN_UNITS = 5

const logLerp = ([a, b]: [number, number], u: number) => Math.exp(Math.log(a) + u * (Math.log(b) - Math.log(a)))
const lerp = ([a, b]: [number, number], u: number) => a + u * (b - a)

/** The budget's parameter sets for a loss: defaults first, then the shared seeded points. */
export function trialParams(loss: LossName, budget: number, seed: number): TuneParams[] {
  if (!Number.isInteger(budget) || budget < 1) throw new Error(`tuning budget must be a positive integer, got ${budget}`)
  const d = LOSS_DEFAULTS[loss]
  const rng = makeRng(`${seed}-tune-points`) // not the loss: every loss sees the same points
  const out: TuneParams[] = [{ margin: d.margin, temperature: d.temperature, learningRate: d.learningRate }]
  const sp = SEARCH_SPACE[loss]
  for (let k = 1; k < budget; k++) {
    const [u1, u2, u3] = [rng(), rng(), rng()]
    out.push({
      margin: sp.margin ? lerp(sp.margin, u1) : d.margin,
      temperature: sp.temperature ? logLerp(sp.temperature, u2) : d.temperature,
      learningRate: logLerp(LR_RANGE, u3),
    })
  }
  return out
}

/** The tuning speakers cut into up to 3 folds of at least 2 speakers (from the seed). */
export function tuningFolds(source: ItemSet, seed: number): string[][] {
  const speakers = [...new Set(source.speakers)].sort()
  if (speakers.length < 3) throw new Error(`tuning needs a source with at least 3 speakers (1 to train on, 2 held out), this one has ${speakers.length}`)
  const order = shuffle(makeRng(`${seed}-tune-split`), [...speakers])
  const k = Math.max(1, Math.min(3, Math.floor(speakers.length / 2)))
  // one fold when a second would leave nobody to train on
  const folds = Array.from({ length: k }, (_, f) => order.filter((_, i) => i % k === f))
  return k === 1 ? [order.slice(0, 2)] : folds
}

/** Per-unit UARs: each speaker of `held` is the query once, the others give the support (a few draws). */
function unitScores(emb: Float32Array, pos: Map<number, number>, source: ItemSet, held: string[], dim: number, shots: number, seed: string): number[] {
  const rng = makeRng(`${seed}-tune-support`)
  const idx = [...pos.keys()]
  return held.map((q) => {
    const query = idx.filter((g) => source.speakers[g] === q)
    const support = idx.filter((g) => source.speakers[g] !== q)
    let sum = 0
    for (let d = 0; d < DRAWS; d++) {
      const sup = selectShots(rng, source.labels, support, shots)
      const se = new Float32Array(sup.length * dim)
      sup.forEach((g, r) => se.set(emb.subarray(pos.get(g)! * dim, (pos.get(g)! + 1) * dim), r * dim))
      const { classes, protos } = prototypes(se, sup.map((g) => source.labels[g]), dim)
      const known = query.filter((g) => classes.includes(source.labels[g]))
      const pred = known.map((g) => {
        let best = 0
        for (let c = 1; c < classes.length; c++) if (dist(emb, pos.get(g)!, protos, c, dim) < dist(emb, pos.get(g)!, protos, best, dim)) best = c
        return classes[best]
      })
      // a query speaker with none of the drawn classes scores 0 (classificationMetrics has no metrics of an empty set)
      sum += known.length ? classificationMetrics(null, known.map((g) => source.labels[g]), pred).uar : 0
    }
    return sum / DRAWS
  })
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length)
/** Standard error of the mean (0 for fewer than 2 values). */
export function standardError(v: number[]): number {
  if (v.length < 2) return 0
  const m = mean(v)
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1) / v.length)
}

/**
 * Which trial to use: the best by mean score if it beats chance, and (unless it is trial 0, the
 * defaults) the defaults' paired scores, by more than NOISE_SE standard errors; else the defaults.
 */
export function decide(trials: Pick<TrialScore, 'score' | 'se' | 'units'>[], chance: number): { chosen: number; informative: boolean; note: string } {
  let best = 0
  for (let k = 1; k < trials.length; k++) if (trials[k].score > trials[best].score + 1e-12) best = k
  const b = trials[best]
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`
  const bestText = `best trial ${pct(b.score)} (SE ${pct(b.se)}, ${b.units.length} units)`
  const uninformative = (why: string) => ({
    chosen: 0,
    informative: false,
    note: `tuning uninformative: ${bestText} vs chance ${pct(chance)}${why}, defaults used`,
  })
  if (b.units.length < MIN_UNITS) return uninformative(`; fewer than ${MIN_UNITS} score units give no standard error`)
  if (b.score - chance <= NOISE_SE * b.se) return uninformative('')
  if (best === 0) return { chosen: 0, informative: true, note: `tuning informative: the defaults scored best, ${bestText} vs chance ${pct(chance)}` }
  const diffs = b.units.map((u, i) => u - trials[0].units[i])
  const seDiff = standardError(diffs)
  if (mean(diffs) <= NOISE_SE * seDiff) return uninformative(` and defaults ${pct(trials[0].score)} (difference ${pct(mean(diffs))}, SE ${pct(seDiff)})`)
  return {
    chosen: best,
    informative: true,
    note:
      `tuning informative: trial ${best} ${pct(b.score)} beats the defaults ${pct(trials[0].score)} by ${pct(mean(diffs))} (SE ${pct(seDiff)}) ` +
      `and chance ${pct(chance)}`,
  }
}

export async function tuneLoss(source: ItemSet, opts: TuneOptions): Promise<TuneResult> {
  const epochs = opts.epochs ?? 4
  const steps = opts.stepsPerEpoch ?? 25
  const shots = opts.shots ?? 5
  const folds = tuningFolds(source, opts.seed)
  const heldOut = folds.flat()
  const all = source.labels.map((_, i) => i)
  const parts = folds.map((held) => {
    const train = all.filter((i) => !held.includes(source.speakers[i]))
    const scored = all.filter((i) => held.includes(source.speakers[i]))
    return { held, train, scored, data: normaliseSet(source, fitNormaliser(source, train)) }
  })
  const params = trialParams(opts.loss, opts.budget, opts.seed)
  const trials: TrialScore[] = []
  for (const [k, p] of params.entries()) {
    const cfg = defaultTrainConfig(opts.arch, {
      loss: lossConfigFor(opts.loss, { margin: p.margin, temperature: p.temperature }),
      learningRate: p.learningRate,
      epochs,
      stepsPerEpoch: steps,
      patience: 0,
      validationSpeakers: 0,
      seed: opts.seed,
    })
    const units: number[] = []
    for (const [f, part] of parts.entries()) {
      const net = buildNetwork(opts.arch, opts.seed)
      try {
        const r = await trainSiamese(net, part.data, cfg, { train: part.train, val: [] }, { signal: opts.signal })
        const emb = net.embedItems(part.data, part.scored)
        units.push(...unitScores(emb, new Map(part.scored.map((g, r) => [g, r])), source, part.held, net.embeddingDim, shots, `${opts.seed}-${f}`))
        opts.onTrial?.({ trial: k, fold: f, params: p, trainIndices: r.trainIndices })
      } finally {
        net.dispose()
      }
    }
    trials.push({ params: p, score: mean(units), se: standardError(units), units })
  }
  const chance = 1 / new Set(source.labels).size
  const d = decide(trials, chance)
  const nTrain = new Set(source.speakers).size - Math.min(...folds.map((f) => f.length))
  return {
    chosen: trials[d.chosen].params,
    trials,
    budget: opts.budget,
    criterion:
      `mean few-shot UAR by nearest prototype over ${trials[0].units.length} units (${folds.length} fold(s) ` +
      `of the ${heldOut.length} held-out tuning speakers x each ` +
      `held-out speaker as the query, ${shots} support clips per class from the fold's other speakers, ${DRAWS} draws), ` +
      `after ${epochs} epochs x ${steps} steps ` +
      `of pre-training on the other (up to ${nTrain}) tuning speakers; ${opts.budget} trials, the first at the defaults; ` +
      `a trial other than the defaults is used only ` +
      `when it beats chance and the defaults by more than ${NOISE_SE} standard errors`,
    chance,
    informative: d.informative,
    note: d.note,
    trainSpeakers: [...new Set(source.speakers)].filter((s) => !heldOut.includes(s)).sort(),
    heldOutSpeakers: [...heldOut].sort(),
  }
}
