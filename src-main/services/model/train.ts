/**
 * Siamese training: pre-training on a source corpus, fine-tuning with N frozen
 * layers on K shots per class, and the target-only baseline, all through one loop
 * (trainSiamese) that streams epoch reports, honours an AbortSignal, checkpoints
 * every epoch and resumes from the checkpoint folder after a crash or kill.
 * Early stopping watches prototype accuracy on a speaker-independent validation split.
 */
import crypto from 'node:crypto'
import * as tf from '@tensorflow/tfjs'
import { JobCancelledError } from '../jobs/registry'
import { DEFAULT_LOSS, type EpochDiagnostics } from '../../../src-shared/losses'
import { DataParallelTrainer, trainThreads } from './data-parallel'
import { PhaseDiagnostics } from './diagnostics'
import { withSingleShotCopies } from './augment'
import { balancedLoss, disposeMasks, lossConfigFor } from './losses'
import { loadCheckpoint, saveCheckpoint, type CheckpointState } from './checkpoint'
import { prototypeAccuracy } from './inference-core'
import { buildNetwork, EmbeddingModel } from './networks'
import { fitNormaliser, normaliseSet } from './normalise'
import { makeRng, samplePairs, sampleClassBalanced, selectShots, speakerSplit, type Rng } from './sampling'
import { batchMasks, gatherRows, itemBatchOutput, optimiseStep, pairStep, type StepResult } from './step'
import type { EpochReport, ItemSet, LossConfig, Normaliser, TrainConfig, TrainContext } from './types'

export interface TrainedModel {
  net: EmbeddingModel
  normaliser: Normaliser | null
  labels: string[]
  loss: LossConfig
  frozenLayers: number
  shots: number | null
  history: EpochReport[]
  /** One entry per epoch of this model's last training phase (pre-training or fine-tuning). */
  diagnostics: EpochDiagnostics[]
  metrics: Record<string, number>
  config: TrainConfig
}

export function defaultTrainConfig(arch: TrainConfig['arch'], overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    arch,
    loss: lossConfigFor(DEFAULT_LOSS),
    pairsPerBatch: 64,
    classesPerBatch: 8,
    perClass: 8,
    hardNegatives: 0,
    epochs: 20,
    stepsPerEpoch: 50,
    learningRate: 1e-3,
    patience: 5,
    validationSpeakers: 0.2,
    seed: 1,
    frozenLayers: 0,
    ...overrides,
  }
}

/**
 * How a run executes (not what it computes): the TrainContext plus the number of threads
 * each step is split over on the wasm backend (engine/data-parallel.ts; default min(2, cores)
 * for the CNN, 1 for the MLP; SER_TRAIN_THREADS overrides the default). Results are
 * reproducible for a seed and thread count; another thread count only changes float rounding.
 */
export interface TrainOptions extends TrainContext {
  threads?: number
}

export interface TrainResult {
  history: EpochReport[]
  best: CheckpointState['best']
  resumedFromEpoch: number
  trainIndices: number[]
  valIndices: number[]
}

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r))

/**
 * The core loop, on already-normalised data. Trains `net` in place and leaves it at
 * the best validation epoch (or the last one without validation).
 */
export async function trainSiamese(
  net: EmbeddingModel,
  data: ItemSet,
  cfg: TrainConfig,
  split: { train: number[]; val: number[] },
  ctx: TrainOptions = {},
): Promise<TrainResult> {
  const per = data.itemShape.reduce((p, q) => p * q, 1)
  const vars = net.trainableVariables(cfg.frozenLayers)
  const optimizer = tf.train.adam(cfg.learningRate)
  const configKey = crypto
    .createHash('sha256')
    .update(JSON.stringify({ cfg, n: data.labels.length, train: split.train, val: split.val }))
    .digest('hex')
    .slice(0, 16)
  let rng: Rng = makeRng(cfg.seed)
  let history: EpochReport[] = []
  let best: CheckpointState['best'] = null
  let bestWeights: tf.Tensor[] | null = null
  let sinceBest = 0
  let startEpoch = 0
  let phaseStart: tf.Tensor[] | null = null

  if (ctx.checkpointDir) {
    const ck = loadCheckpoint(ctx.checkpointDir)
    if (ck && ck.state.configKey === configKey) {
      net.setWeights(ck.tensors.weights)
      ck.tensors.weights.forEach((t) => t.dispose())
      // Adam creates its slots on the first step; restore after a dummy step with zero learning rate would
      // shift state, so set the slots directly (same order as `vars`).
      await optimizer.setWeights(ck.tensors.optimizer)
      bestWeights = ck.tensors.bestWeights
      rng = makeRng(cfg.seed, ck.state.rngState)
      history = ck.state.history as EpochReport[]
      best = ck.state.best
      sinceBest = ck.state.sinceBest
      startEpoch = ck.state.epoch
      phaseStart = ck.tensors.phaseStart ?? null
    } else if (ck) {
      ck.tensors.weights.forEach((t) => t.dispose())
      ck.tensors.bestWeights?.forEach((t) => t.dispose())
      ck.tensors.optimizer.forEach((t) => t.tensor.dispose())
      tf.dispose(ck.tensors.phaseStart ?? [])
    }
  }
  // weight_change is measured from the phase's start, also across a resume (older checkpoints: from the resume).
  if (phaseStart && phaseStart.length !== vars.length) phaseStart = (tf.dispose(phaseStart), null)
  const diag = phaseStart ? new PhaseDiagnostics(phaseStart) : PhaseDiagnostics.begin(vars)

  const labelIds = new Map<string, number>()
  for (const l of data.labels) if (!labelIds.has(l)) labelIds.set(l, labelIds.size)
  const valRng = makeRng(`${cfg.seed}-val`)
  const usePairs = cfg.loss.name === 'contrastive'
  const P = cfg.pairsPerBatch
  const C = cfg.classesPerBatch ?? 8
  const K = cfg.perClass ?? 8
  let buf: Float32Array | undefined
  const threads = Math.min(trainThreads(ctx.threads, cfg.arch, tf.getBackend()), usePairs ? P : C * K)
  const parallel = threads > 1 ? await startParallel(threads, cfg, data.itemShape, ctx.threads !== undefined || !!process.env.SER_TRAIN_THREADS) : null
  try {
    for (let epoch = startEpoch; epoch < cfg.epochs; epoch++) {
      if (ctx.signal?.aborted) throw new JobCancelledError()
      const t0 = performance.now()
      let hardNegative: ((a: number, c: number[]) => number) | undefined
      if (cfg.hardNegatives > 0 && usePairs) {
        const emb = net.embedItems(data, split.train)
        const pos = new Map(split.train.map((g, i) => [g, i]))
        const D = net.embeddingDim
        const dist = (i: number, j: number) => {
          let s = 0
          for (let k = 0; k < D; k++) s += (emb[i * D + k] - emb[j * D + k]) ** 2
          return s
        }
        hardNegative = (a, cands) => cands.reduce((bestC, c) => (dist(pos.get(a)!, pos.get(c)!) < dist(pos.get(a)!, pos.get(bestC)!) ? c : bestC))
      }
      let pairs = 0
      for (let s = 0; s < cfg.stepsPerEpoch; s++) {
        let step: StepResult
        if (usePairs) {
          const pb = samplePairs(rng, data.labels, split.train, P, { hardFraction: cfg.hardNegatives, hardNegative })
          const rows = new Int32Array(2 * P)
          rows.set(pb.a, 0)
          rows.set(pb.b, P)
          buf = gatherRows(data.x, per, rows, buf)
          if (parallel) {
            step = await parallel.pairStep(net, cfg.frozenLayers, optimizer, buf, pb.same, per, cfg.loss)
          } else {
            step = pairStep(net, optimizer, vars, buf, pb.same, data.itemShape, cfg.loss, cfg.frozenLayers, rows)
          }
          pairs += P
        } else {
          const b = sampleClassBalanced(rng, data.labels, split.train, C, K)
          const rows = gatherRows(data.x, per, b.items)
          const masks = batchMasks(b.classIds, b.items)
          try {
            if (parallel) {
              step = await parallel.itemStep(net, cfg.frozenLayers, optimizer, rows, per, (e) => balancedLoss(e, masks, cfg.loss))
            } else {
              const x = tf.tensor(rows, [b.items.length, ...data.itemShape])
              step = optimiseStep(optimizer, vars, () => itemBatchOutput(net, x, masks, cfg.loss, cfg.frozenLayers))
              x.dispose()
            }
          } finally {
            disposeMasks(masks)
          }
          pairs += (b.items.length * (b.items.length - 1)) / 2
        }
        diag.add(step)
      }
      const diagnostics = await diag.end(epoch + 1, net, vars, data, split.train)
      const trainLoss = diagnostics.loss
      const seconds = (performance.now() - t0) / 1000

      let valLoss: number | null = null
      let valAccuracy: number | null = null
      if (split.val.length > 0) {
        const v = validate(net, data, split, cfg.loss, labelIds, valRng)
        valLoss = v.loss
        valAccuracy = v.accuracy
        const better = !best || valAccuracy > best.valAccuracy + 1e-9 || (Math.abs(valAccuracy - best.valAccuracy) <= 1e-9 && valLoss < best.valLoss)
        if (better) {
          best = { epoch: epoch + 1, valAccuracy, valLoss }
          bestWeights?.forEach((t) => t.dispose())
          bestWeights = net.getWeights().map((w) => w.clone())
          sinceBest = 0
        } else sinceBest++
      }
      const report: EpochReport = {
        epoch: epoch + 1,
        epochs: cfg.epochs,
        trainLoss,
        valLoss,
        valAccuracy,
        pairsPerSecond: pairs / seconds,
        resumed: epoch === startEpoch && startEpoch > 0,
        diagnostics,
      }
      history.push(report)
      const stop = cfg.patience > 0 && split.val.length > 0 && sinceBest >= cfg.patience
      if (ctx.checkpointDir) {
        await saveCheckpoint(
          ctx.checkpointDir,
          { configKey, epoch: stop ? cfg.epochs : epoch + 1, rngState: rng.state(), history, best, sinceBest },
          { weights: net.getWeights(), bestWeights, optimizer: await optimizer.getWeights(), phaseStart: diag.start },
        )
      }
      ctx.onEpoch?.(report)
      await yieldToLoop()
      if (stop) break
    }
  } finally {
    await parallel?.close()
    diag.dispose()
  }
  if (bestWeights) {
    net.setWeights(bestWeights)
    bestWeights.forEach((t) => t.dispose())
  }
  optimizer.dispose()
  return { history, best, resumedFromEpoch: startEpoch, trainIndices: split.train, valIndices: split.val }
}

/**
 * Starts the data-parallel workers. When the thread count was asked for, a failure is the
 * run's failure; when it is only the default, the run goes on single-threaded and says so
 * on stderr (slower, same results up to float rounding).
 */
async function startParallel(threads: number, cfg: TrainConfig, itemShape: number[], requested: boolean): Promise<DataParallelTrainer | null> {
  try {
    return await DataParallelTrainer.start(threads, cfg.arch, itemShape)
  } catch (err) {
    if (requested) throw err
    console.warn(`training: ${threads} threads unavailable, training on one (${(err as Error).message})`)
    return null
  }
}

function validate(
  net: EmbeddingModel,
  data: ItemSet,
  split: { train: number[]; val: number[] },
  loss: LossConfig,
  labelIds: Map<string, number>,
  _rng: Rng,
): { loss: number; accuracy: number } {
  const sup = split.train.length > 2000 ? split.train.filter((_, i) => i % Math.ceil(split.train.length / 2000) === 0) : split.train
  const val = split.val.length > 1000 ? split.val.filter((_, i) => i % Math.ceil(split.val.length / 1000) === 0) : split.val
  const es = net.embedItems(data, sup)
  const ev = net.embedItems(data, val)
  const accuracy = prototypeAccuracy(es, sup.map((i) => data.labels[i]), ev, val.map((i) => data.labels[i]), net.embeddingDim)
  // Validation loss: the distance loss on the validation items (needs labels only), so both
  // losses are compared on one scale; contrastive runs report it too.
  const m = batchMasks(val.map((i) => labelIds.get(data.labels[i])!))
  try {
    if (m.nValid === 0) return { loss: NaN, accuracy }
    const l = tf.tidy(() => {
      const o = balancedLoss(tf.tensor2d(ev, [val.length, net.embeddingDim]), m, valLoss(loss))
      return o.loss.dataSync()[0]
    })
    return { loss: l, accuracy }
  } finally {
    disposeMasks(m)
  }
}

/** The loss the validation items are scored with: the run's own, or the distance loss for contrastive (pairs). */
function valLoss(loss: LossConfig): LossConfig {
  return loss.name === 'contrastive' ? lossConfigFor('distance') : loss
}

/** Embeddings of all items of `data` after the model's normaliser. */
export function embedAll(model: TrainedModel, data: ItemSet, indices?: ArrayLike<number>): Float32Array {
  return model.net.embedItems(normaliseSet(data, model.normaliser), indices)
}

/** Embeddings plus each item's raw output norm (see EmbeddingModel.embedWithNorms). */
export function embedAllWithNorms(model: TrainedModel, data: ItemSet, indices?: ArrayLike<number>): { emb: Float32Array; norms: Float32Array } {
  return model.net.embedWithNorms(normaliseSet(data, model.normaliser), indices)
}

export interface FinetuneOptions {
  frozenLayers: number
  /** Labelled examples per class from the target's training speakers (null = all). */
  shots: number | null
  loss: LossConfig
  seed: number
  /** Items of `target` that may be used (the test speakers excluded by the caller). */
  indices?: number[]
  /** The caller's shots and early-stopping items (model/roles.ts); overrides indices, shots and validationSpeakers. */
  split?: { train: number[]; val: number[] }
  overrides?: Partial<TrainConfig>
}

/** Pre-trains an embedding network on a source corpus (`split`: the caller's speaker split, model/roles.ts). */
export async function pretrain(source: ItemSet, config: TrainConfig, ctx: TrainOptions = {}, given?: { train: number[]; val: number[] }): Promise<TrainedModel> {
  const rng = makeRng(`${config.seed}-split`)
  const split = given ? { train: given.train, heldOut: given.val } : speakerSplit(rng, source.speakers, config.validationSpeakers)
  const normaliser = fitNormaliser(source, split.train)
  const data = normaliseSet(source, normaliser)
  const net = buildNetwork(config.arch, config.seed)
  const r = await trainSiamese(net, data, config, { train: split.train, val: split.heldOut }, ctx)
  return finish(net, normaliser, source, config, null, r)
}

function finish(net: EmbeddingModel, normaliser: Normaliser | null, data: ItemSet, config: TrainConfig, shots: number | null, r: TrainResult): TrainedModel {
  const metrics: Record<string, number> = { epochs: r.history.length }
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

const FINETUNE_DEFAULTS: Partial<TrainConfig> = { epochs: 30, stepsPerEpoch: 10, patience: 8, pairsPerBatch: 64, learningRate: 1e-3, validationSpeakers: 0.25 }

/** Fine-tunes a copy of a pre-trained model on the target set with the first N layers frozen. */
export async function finetune(base: TrainedModel, target: ItemSet, opts: FinetuneOptions, ctx: TrainOptions = {}): Promise<TrainedModel> {
  const cfg = defaultTrainConfig(base.net.arch, { ...FINETUNE_DEFAULTS, ...opts.overrides, loss: opts.loss, seed: opts.seed, frozenLayers: opts.frozenLayers })
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
  const cfg = defaultTrainConfig(arch, { ...FINETUNE_DEFAULTS, ...opts.overrides, loss: opts.loss, seed: opts.seed, frozenLayers: 0 })
  const split = targetSplit(target, { ...opts, frozenLayers: 0 }, cfg.validationSpeakers)
  const normaliser = fitNormaliser(target, split.train)
  const net = buildNetwork(arch, opts.seed)
  const t = trainingData(target, normaliser, split, opts.seed)
  const r = await trainSiamese(net, t.data, cfg, t.split, ctx)
  return finish(net, normaliser, t.data, cfg, opts.shots, r)
}
