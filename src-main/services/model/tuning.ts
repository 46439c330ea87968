/**
 * Hyper-parameter tuning of one loss with a fixed budget, on the SOURCE corpus only, so every
 * loss gets the same number of trials and no target speaker is ever looked at.
 *
 * - The source's speakers are split (from the seed) into tuning-training speakers and
 *   held-out speakers; the held-out ones are split again into support and query speakers.
 * - Each trial pre-trains a fresh network (same initialisation for every trial) briefly on the
 *   training speakers, normalised with statistics of those speakers only, without early stopping.
 * - Score: few-shot UAR by nearest prototype: K clips per class drawn from the support speakers
 *   form the prototypes, every query speaker's clip is classified; mean over a few draws.
 * - Trial 0 is the loss's LOSS_DEFAULTS; trial k > 0 maps the k-th point of one seeded uniform
 *   sequence, shared by all losses, into that loss's search space (log scale for learning rate
 *   and temperature). Parameters a loss does not use keep their default.
 * Everything is deterministic from the seed (and the thread count, docs/engine.md).
 */
import { LOSS_DEFAULTS, type LossName } from '../../../src-shared/losses'
import { classificationMetrics, dist, prototypes } from './inference-core'
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
  /** Epochs per trial (default 4) of `stepsPerEpoch` steps (default 25). */
  epochs?: number
  stepsPerEpoch?: number
  /** Support clips per class for the prototypes (default 5). */
  shots?: number
  /** Called after each trial with the item indices it trained on (tests check them). */
  onTrial?(t: { trial: number; params: TuneParams; score: number; trainIndices: number[] }): void
}

export interface TuneResult {
  chosen: TuneParams
  trials: { params: TuneParams; score: number }[]
  budget: number
  criterion: string
  trainSpeakers: string[]
  heldOutSpeakers: string[]
}

/** Search ranges: [low, high] per tuned parameter; log scale for learning rate and temperature. */
const LR: [number, number] = [3e-4, 3e-3]
const SPACE: Record<LossName, Partial<Record<'margin' | 'temperature', [number, number]>>> = {
  // distances on the unit sphere lie in [0, 2]
  contrastive: { margin: [0.25, 1.5] },
  distance: { margin: [0, 1], temperature: [0.02, 0.5] },
  triplet: {}, // soft margin: no margin, no temperature (Hermans et al. 2017)
  protonet: { temperature: [0.02, 0.5] },
  supcon: { temperature: [0.03, 0.5] },
}
const DRAWS = 3

const logLerp = ([a, b]: [number, number], u: number) => Math.exp(Math.log(a) + u * (Math.log(b) - Math.log(a)))
const lerp = ([a, b]: [number, number], u: number) => a + u * (b - a)

/** The budget's parameter sets for a loss: defaults first, then the shared seeded points. */
export function trialParams(loss: LossName, budget: number, seed: number): TuneParams[] {
  if (!Number.isInteger(budget) || budget < 1) throw new Error(`tuning budget must be a positive integer, got ${budget}`)
  const d = LOSS_DEFAULTS[loss]
  const rng = makeRng(`${seed}-tune-points`) // not the loss: every loss sees the same points
  const out: TuneParams[] = [{ margin: d.margin, temperature: d.temperature, learningRate: d.learningRate }]
  const sp = SPACE[loss]
  for (let k = 1; k < budget; k++) {
    const [u1, u2, u3] = [rng(), rng(), rng()]
    out.push({
      margin: sp.margin ? lerp(sp.margin, u1) : d.margin,
      temperature: sp.temperature ? logLerp(sp.temperature, u2) : d.temperature,
      learningRate: logLerp(LR, u3),
    })
  }
  return out
}

/** Speaker roles of tuning: training speakers, and held-out ones split into support and query. */
export function tuningSplit(source: ItemSet, seed: number): { train: number[]; support: number[]; query: number[]; trainSpeakers: string[]; heldOutSpeakers: string[] } {
  const speakers = [...new Set(source.speakers)].sort()
  if (speakers.length < 3) throw new Error(`tuning needs a source with at least 3 speakers (1 to train on, 2 held out), this one has ${speakers.length}`)
  const order = shuffle(makeRng(`${seed}-tune-split`), [...speakers])
  const nHeld = Math.max(2, Math.round(speakers.length / 3))
  const held = order.slice(0, nHeld)
  const supportSp = new Set(held.slice(0, Math.ceil(nHeld / 2)))
  const heldSet = new Set(held)
  const idx = source.labels.map((_, i) => i)
  return {
    train: idx.filter((i) => !heldSet.has(source.speakers[i])),
    support: idx.filter((i) => supportSp.has(source.speakers[i])),
    query: idx.filter((i) => heldSet.has(source.speakers[i]) && !supportSp.has(source.speakers[i])),
    trainSpeakers: order.slice(nHeld).sort(),
    heldOutSpeakers: held.sort(),
  }
}

/** Mean UAR of nearest-prototype classification over a few support draws. */
function fewShotUar(emb: Float32Array, labels: string[], support: number[], query: number[], dim: number, shots: number, seed: number): number {
  const pos = new Map([...support, ...query].map((g, r) => [g, r]))
  const rng = makeRng(`${seed}-tune-support`)
  let sum = 0
  for (let d = 0; d < DRAWS; d++) {
    const sup = selectShots(rng, labels, support, shots)
    const se = new Float32Array(sup.length * dim)
    sup.forEach((g, r) => se.set(emb.subarray(pos.get(g)! * dim, (pos.get(g)! + 1) * dim), r * dim))
    const { classes, protos } = prototypes(se, sup.map((g) => labels[g]), dim)
    const known = query.filter((g) => classes.includes(labels[g]))
    const pred = known.map((g) => {
      let best = 0
      for (let c = 1; c < classes.length; c++) if (dist(emb, pos.get(g)!, protos, c, dim) < dist(emb, pos.get(g)!, protos, best, dim)) best = c
      return classes[best]
    })
    sum += classificationMetrics(known.map((g) => labels[g]), pred).uar
  }
  return sum / DRAWS
}

export async function tuneLoss(source: ItemSet, opts: TuneOptions): Promise<TuneResult> {
  const epochs = opts.epochs ?? 4
  const steps = opts.stepsPerEpoch ?? 25
  const shots = opts.shots ?? 5
  const split = tuningSplit(source, opts.seed)
  const normaliser = fitNormaliser(source, split.train)
  const data = normaliseSet(source, normaliser)
  const scored = [...split.support, ...split.query]
  const trials: TuneResult['trials'] = []
  for (const [k, params] of trialParams(opts.loss, opts.budget, opts.seed).entries()) {
    const cfg = defaultTrainConfig(opts.arch, {
      loss: lossConfigFor(opts.loss, { margin: params.margin, temperature: params.temperature }),
      learningRate: params.learningRate,
      epochs,
      stepsPerEpoch: steps,
      patience: 0,
      validationSpeakers: 0,
      seed: opts.seed,
    })
    const net = buildNetwork(opts.arch, opts.seed)
    try {
      const r = await trainSiamese(net, data, cfg, { train: split.train, val: [] }, { signal: opts.signal })
      const emb = net.embedItems(data, scored)
      const score = fewShotUar(emb, source.labels, split.support, split.query, net.embeddingDim, shots, opts.seed)
      trials.push({ params, score })
      opts.onTrial?.({ trial: k, params, score, trainIndices: r.trainIndices })
    } finally {
      net.dispose()
    }
  }
  let best = 0
  for (let k = 1; k < trials.length; k++) if (trials[k].score > trials[best].score + 1e-12) best = k
  return {
    chosen: trials[best].params,
    trials,
    budget: opts.budget,
    criterion:
      `mean few-shot UAR (nearest prototype, ${shots} support clips per class from ${Math.ceil(split.heldOutSpeakers.length / 2)} held-out source speakers, ` +
      `queries from the other ${split.heldOutSpeakers.length - Math.ceil(split.heldOutSpeakers.length / 2)}, ${DRAWS} support draws) after ${epochs} epochs x ${steps} steps ` +
      `of pre-training on the other ${split.trainSpeakers.length} source speakers; ${opts.budget} trials, the first at the defaults`,
    trainSpeakers: split.trainSpeakers,
    heldOutSpeakers: split.heldOutSpeakers,
  }
}
