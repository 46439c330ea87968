/**
 * Siamese training: pre-training on a source corpus, fine-tuning with N frozen
 * layers on K shots per class, and the target-only baseline, all through one loop
 * (trainSiamese: a loop with callbacks, train-loop.ts) that streams epoch reports, honours an AbortSignal, checkpoints
 * every epoch and resumes from the checkpoint folder after a crash or kill.
 * Early stopping watches prototype accuracy on a speaker-independent validation split.
 */
import crypto from 'node:crypto'
import * as tf from '@tensorflow/tfjs'
import { DEFAULT_LOSS } from '../../../src-shared/losses'
import { PHASE_DEFAULTS } from '../../../src-shared/contract/train-spec'
import { withSingleShotCopies } from './augment'
import { lossConfigFor } from './losses'
import type { CheckpointState } from './checkpoint'
import { buildNetwork, EmbeddingModel } from './networks'
import { fitNormaliser, normaliseSet } from './normalise'
import { makeRng, selectShots, speakerSplit } from './sampling'
import { Checkpoint, Diagnostics, EarlyStopping, History, Progress, StoppedTraining, Validation } from './train-callbacks'
import { runTrainingLoop, type LoopState, type TrainCallback } from './train-loop'
import { SiameseSteps } from './train-steps'
import type { TrainedModel } from './trained'
import type { EpochReport, ItemSet, LossConfig, Normaliser, TrainConfig, TrainContext } from './types'

/** Early stopping never stops before this many epochs (all of them when a run has fewer). */
export const MIN_EPOCHS = 5
/** Early stopping's validation speakers: at least this many whenever the pool has twice as many. */
export const MIN_VALIDATION_SPEAKERS = 3

/** The held-out fraction for early stopping: `fraction` of the speakers, but at least MIN_VALIDATION_SPEAKERS when the pool allows. */
export function validationFraction(nSpeakers: number, fraction: number): number {
  if (fraction <= 0 || nSpeakers < 2) return fraction
  const want = Math.max(Math.round(nSpeakers * fraction), nSpeakers >= 2 * MIN_VALIDATION_SPEAKERS ? MIN_VALIDATION_SPEAKERS : 1)
  return want / nSpeakers
}

/**
 * Pre-training's configuration: the phase's defaults (src-shared/contract/train-spec.ts PHASE_DEFAULTS), then `overrides` (key order kept: checkpointKey hashes
 * it).
 */
export function defaultTrainConfig(arch: TrainConfig['arch'], overrides: Partial<TrainConfig> = {}): TrainConfig {
  const P = PHASE_DEFAULTS.pretrain
  return {
    arch,
    loss: lossConfigFor(DEFAULT_LOSS),
    pairsPerBatch: P.pairsPerBatch,
    classesPerBatch: 8,
    perClass: 8,
    hardNegatives: 0,
    epochs: P.epochs,
    stepsPerEpoch: P.stepsPerEpoch,
    learningRate: P.learningRate,
    patience: P.patience,
    minEpochs: MIN_EPOCHS,
    validationSpeakers: P.validationSpeakers,
    seed: 1,
    frozenLayers: 0,
    ...overrides,
  }
}

/**
 * How a run executes (not what it computes): the TrainContext plus the number of threads
 * each step is split over on the wasm backend (model/data-parallel.ts; default min(2, cores)
 * for the CNN, 1 for the MLP; SER_TRAIN_THREADS overrides the default). Results are
 * reproducible for a seed and thread count; another thread count only changes float rounding.
 */
export interface TrainOptions extends TrainContext {
  threads?: number
  /** Further callbacks, run after the built-in ones (train-loop.ts). */
  callbacks?: TrainCallback[]
}

export interface TrainResult {
  history: EpochReport[]
  best: CheckpointState['best']
  resumedFromEpoch: number
  trainIndices: number[]
  valIndices: number[]
  /** First epoch whose active_fraction fell to <= 0.01 (train-callbacks.ts STOPPED_ACTIVE), or null. */
  stoppedTrainingAt: number | null
}

/**
 * The core loop, on already-normalised data. Trains `net` in place and leaves it at
 * the best validation epoch (or the last one without validation). The loop and its
 * callbacks: train-loop.ts, train-callbacks.ts; the steps: train-steps.ts.
 */
export async function trainSiamese(
  net: EmbeddingModel,
  data: ItemSet,
  cfg: TrainConfig,
  split: { train: number[]; val: number[] },
  ctx: TrainOptions = {},
): Promise<TrainResult> {
  const state: LoopState = {
    net,
    vars: net.trainableVariables(cfg.frozenLayers),
    optimizer: tf.train.adam(cfg.learningRate),
    epochs: cfg.epochs,
    rng: makeRng(cfg.seed),
    startEpoch: 0,
    history: [],
    stopTraining: false,
  }
  const hasVal = split.val.length > 0
  const diagnostics = new Diagnostics(data, split.train)
  const stopped = new StoppedTraining()
  const early = hasVal ? new EarlyStopping({ patience: cfg.patience, minEpochs: cfg.minEpochs }) : null
  const callbacks: TrainCallback[] = [diagnostics, stopped, new Validation(data, split, cfg.loss), ...(early ? [early] : []), new History()]
  if (ctx.checkpointDir) callbacks.push(new Checkpoint(ctx.checkpointDir, checkpointKey(cfg, data, split), { diagnostics, early }))
  callbacks.push(new Progress(ctx.onEpoch), ...(ctx.callbacks ?? []))
  const steps = await SiameseSteps.start(data, cfg, split.train, ctx.threads)
  try {
    await runTrainingLoop(state, steps.runEpoch, callbacks, ctx.signal)
  } finally {
    await steps.close()
    state.optimizer.dispose()
  }
  return {
    history: state.history,
    best: early?.best ?? null,
    resumedFromEpoch: state.startEpoch,
    trainIndices: split.train,
    valIndices: split.val,
    stoppedTrainingAt: stopped.stoppedAt,
  }
}

/** Identifies a run's configuration; a checkpoint of another configuration is not resumed. */
function checkpointKey(cfg: TrainConfig, data: ItemSet, split: { train: number[]; val: number[] }): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify({ cfg, n: data.labels.length, train: split.train, val: split.val }))
    .digest('hex')
    .slice(0, 16)
}

export interface FinetuneOptions {
  frozenLayers: number
  /** Labelled examples per class from the target's training speakers (null = all). */
  shots: number | null
  loss: LossConfig
  seed: number
  /** Items of `target` that may be used (the test speakers excluded by the caller). */
  indices?: number[]
  /**
   * The caller's shots and early-stopping items (model/roles.ts); overrides indices, shots and validationSpeakers.
   * `pool`: the items whose spread scales a single shot's jittered copy (augment.ts; default: the shots).
   */
  split?: { train: number[]; val: number[]; pool?: number[] }
  overrides?: Partial<TrainConfig>
}

/** Pre-trains an embedding network on a source corpus (`split`: the caller's speaker split, model/roles.ts). */
export async function pretrain(
  source: ItemSet,
  config: TrainConfig,
  ctx: TrainOptions = {},
  given?: { train: number[]; val: number[] },
): Promise<TrainedModel> {
  const rng = makeRng(`${config.seed}-split`)
  const split = given
    ? { train: given.train, heldOut: given.val }
    : speakerSplit(rng, source.speakers, validationFraction(new Set(source.speakers).size, config.validationSpeakers))
  const normaliser = fitNormaliser(source, split.train)
  const data = normaliseSet(source, normaliser)
  const net = buildNetwork(config.arch, config.seed)
  const r = await trainSiamese(net, data, config, { train: split.train, val: split.heldOut }, ctx)
  return finish(net, normaliser, source, config, null, r)
}

function finish(net: EmbeddingModel, normaliser: Normaliser | null, data: ItemSet, config: TrainConfig, shots: number | null, r: TrainResult): TrainedModel {
  const metrics: Record<string, number> = { epochs: r.history.length }
  if (r.stoppedTrainingAt !== null) metrics.stoppedTrainingAt = r.stoppedTrainingAt
  if (r.best) {
    metrics.valAccuracy = r.best.valAccuracy
    metrics.valLoss = r.best.valLoss
    metrics.bestEpoch = r.best.epoch
  }
  const last = r.history[r.history.length - 1]
  if (last) metrics.pairsPerSecond = last.pairsPerSecond
  return {
    net,
    normaliser,
    labels: [...new Set(r.trainIndices.map((i) => data.labels[i]))].sort(),
    loss: config.loss,
    frozenLayers: config.frozenLayers,
    shots,
    history: r.history,
    diagnostics: r.history.flatMap((h) => (h.diagnostics ? [h.diagnostics] : [])), // checkpoints of older runs have none
    metrics,
    config,
  }
}

function targetSplit(target: ItemSet, opts: FinetuneOptions, validationSpeakers: number) {
  const rng = makeRng(`${opts.seed}-target`)
  const pool = opts.indices ?? target.labels.map((_, i) => i)
  const sp = speakerSplit(rng, target.speakers, validationSpeakers, pool)
  const train = opts.shots === null ? sp.train : selectShots(rng, target.labels, sp.train, opts.shots)
  return { train, val: sp.heldOut, pool: sp.train }
}

/**
 * Normalised training data, a single-shot class given its jittered copy (augment.ts); the jitter's
 * scale comes from `pool` (the training speakers' items; the shots themselves when not given).
 */
function trainingData(target: ItemSet, normaliser: Normaliser | null, split: { train: number[]; val: number[]; pool?: number[] }, seed: number) {
  const aug = withSingleShotCopies(normaliseSet(target, normaliser), split.train, split.pool ?? split.train, String(seed))
  return { data: aug.data, split: { train: aug.train, val: split.val } }
}

/** Fine-tuning's (and the target-only baseline's) configuration: the phase's defaults (src-shared/contract/train-spec.ts), then the caller's overrides. */
export function finetuneConfig(arch: TrainConfig['arch'], opts: Pick<FinetuneOptions, 'loss' | 'seed' | 'frozenLayers' | 'overrides'>): TrainConfig {
  return defaultTrainConfig(arch, { ...PHASE_DEFAULTS.finetune, ...opts.overrides, loss: opts.loss, seed: opts.seed, frozenLayers: opts.frozenLayers })
}

/** Fine-tunes a copy of a pre-trained model on the target set with the first N layers frozen. */
export async function finetune(base: TrainedModel, target: ItemSet, opts: FinetuneOptions, ctx: TrainOptions = {}): Promise<TrainedModel> {
  const cfg = finetuneConfig(base.net.arch, opts)
  const split = opts.split ?? targetSplit(target, opts, cfg.validationSpeakers)
  const net = base.net.clone()
  const t = trainingData(target, base.normaliser, split, opts.seed)
  const r = await trainSiamese(net, t.data, cfg, t.split, ctx)
  return finish(net, base.normaliser, t.data, cfg, opts.shots, r)
}

/** Baseline: the same network trained from scratch on the target's K shots alone. */
export async function trainOnTargetOnly(
  arch: TrainConfig['arch'],
  target: ItemSet,
  opts: Omit<FinetuneOptions, 'frozenLayers'>,
  ctx: TrainOptions = {},
): Promise<TrainedModel> {
  const cfg = finetuneConfig(arch, { ...opts, frozenLayers: 0 })
  const split = targetSplit(target, { ...opts, frozenLayers: 0 }, cfg.validationSpeakers)
  const normaliser = fitNormaliser(target, split.train)
  const net = buildNetwork(arch, opts.seed)
  const t = trainingData(target, normaliser, split, opts.seed)
  const r = await trainSiamese(net, t.data, cfg, t.split, ctx)
  return finish(net, normaliser, t.data, cfg, opts.shots, r)
}
