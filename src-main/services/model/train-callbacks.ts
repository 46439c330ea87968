/**
 * The callbacks of the training loop (train-loop.ts), each one concern:
 * - History: turns an epoch's logs into an EpochReport and appends it to the run's history.
 * - Diagnostics: the epoch's EpochDiagnostics (loss, active fraction, gradient norm ...).
 * - StoppedTraining: notes the first epoch whose active_fraction fell to STOPPED_ACTIVE or below.
 * - Validation: prototype accuracy and loss on the speaker-independent validation items.
 * - EarlyStopping: keeps the best validation epoch's weights, stops after `patience` epochs
 *   without improvement (never before `minEpochs`), restores the best weights at the end.
 * - Checkpoint: resumes from the checkpoint folder at the start, saves after every epoch.
 * - Progress: hands each report to the caller and yields to the event loop.
 */
import * as tf from '@tensorflow/tfjs'
import { loadCheckpoint, saveCheckpoint, type CheckpointState } from './checkpoint'
import { PhaseDiagnostics } from './diagnostics'
import { prototypeAccuracy } from './inference-core'
import { balancedLoss, disposeMasks } from './losses'
import { makeRng } from './sampling'
import { batchMasks } from './step'
import type { EpochLogs, LoopState, TrainCallback } from './train-loop'
import type { EpochReport, ItemSet, LossConfig } from './types'

/** An active fraction at or below this means the loss no longer trains the network. */
export const STOPPED_ACTIVE = 0.01

export class History implements TrainCallback {
  onEpochEnd(logs: EpochLogs, state: LoopState): void {
    if (!logs.diagnostics) throw new Error('History needs the Diagnostics callback before it')
    const report: EpochReport = {
      epoch: logs.epoch,
      epochs: logs.epochs,
      trainLoss: logs.diagnostics.loss,
      valLoss: logs.valLoss,
      valAccuracy: logs.valAccuracy,
      pairsPerSecond: logs.pairs / logs.seconds,
      resumed: logs.resumed,
      diagnostics: logs.diagnostics,
    }
    state.history.push(report)
  }
}

export class Diagnostics implements TrainCallback {
  private phase: PhaseDiagnostics | null = null
  constructor(
    private readonly data: ItemSet,
    private readonly train: number[],
  ) {}
  /** The phase's starting weights, from a checkpoint (weight_change spans the resume). */
  restore(start: tf.Tensor[], vars: tf.Variable[]): void {
    if (start.length !== vars.length) return void tf.dispose(start)
    this.phase?.dispose()
    this.phase = new PhaseDiagnostics(start)
  }
  get start(): tf.Tensor[] {
    if (!this.phase) throw new Error('diagnostics: the phase has not begun')
    return this.phase.start
  }
  onEpochBegin(_epoch: number, state: LoopState): void {
    this.phase ??= PhaseDiagnostics.begin(state.vars)
  }
  onBatchEnd(step: Parameters<NonNullable<TrainCallback['onBatchEnd']>>[0]): void {
    this.phase!.add(step)
  }
  async onEpochEnd(logs: EpochLogs, state: LoopState): Promise<void> {
    logs.diagnostics = await this.phase!.end(logs.epoch, state.net, state.vars, this.data, this.train)
  }
  dispose(): void {
    this.phase?.dispose()
    this.phase = null
  }
}

export class StoppedTraining implements TrainCallback {
  /** First epoch (1-based) with active_fraction <= STOPPED_ACTIVE, or null. */
  stoppedAt: number | null = null
  onEpochEnd(logs: EpochLogs): void {
    if (this.stoppedAt === null && logs.diagnostics && logs.diagnostics.active_fraction <= STOPPED_ACTIVE) this.stoppedAt = logs.epoch
  }
}

export class Validation implements TrainCallback {
  private readonly labelIds = new Map<string, number>()
  constructor(
    private readonly data: ItemSet,
    private readonly split: { train: number[]; val: number[] },
    private readonly loss: LossConfig,
  ) {
    for (const l of data.labels) if (!this.labelIds.has(l)) this.labelIds.set(l, this.labelIds.size)
  }
  onEpochEnd(logs: EpochLogs, state: LoopState): void {
    if (this.split.val.length === 0) return
    const v = validate(state, this.data, this.split, this.loss, this.labelIds)
    logs.valLoss = v.loss
    logs.valAccuracy = v.accuracy
  }
}

function validate(state: LoopState, data: ItemSet, split: { train: number[]; val: number[] }, loss: LossConfig, labelIds: Map<string, number>) {
  const net = state.net
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
      const o = balancedLoss(tf.tensor2d(ev, [val.length, net.embeddingDim]), m, loss.name === 'contrastive' ? PAIR_VALIDATION_LOSS : loss)
      return o.loss.dataSync()[0]
    })
    return { loss: l, accuracy }
  } finally {
    disposeMasks(m)
  }
}

/** The contrastive runs' validation loss: the distance loss at fixed settings (one scale, whatever the defaults). */
const PAIR_VALIDATION_LOSS: LossConfig = { name: 'distance', margin: 0.5, temperature: 0.1 }

export type Best = CheckpointState['best']

export class EarlyStopping implements TrainCallback {
  best: Best = null
  sinceBest = 0
  bestWeights: tf.Tensor[] | null = null
  /** `patience` 0: never stops, still keeps and restores the best epoch. `minEpochs`: no stop before it. */
  constructor(readonly opts: { patience: number; minEpochs?: number }) {}
  restore(best: Best, sinceBest: number, bestWeights: tf.Tensor[] | null): void {
    this.bestWeights?.forEach((t) => t.dispose())
    Object.assign(this, { best, sinceBest, bestWeights })
  }
  onEpochEnd(logs: EpochLogs, state: LoopState): void {
    if (logs.valAccuracy === null || logs.valLoss === null) return
    const { valAccuracy, valLoss } = logs
    const best = this.best
    const better = !best || valAccuracy > best.valAccuracy + 1e-9 || (Math.abs(valAccuracy - best.valAccuracy) <= 1e-9 && valLoss < best.valLoss)
    if (better) {
      this.best = { epoch: logs.epoch, valAccuracy, valLoss }
      this.bestWeights?.forEach((t) => t.dispose())
      this.bestWeights = state.net.getWeights().map((w) => w.clone())
      this.sinceBest = 0
    } else this.sinceBest++
    if (this.opts.patience > 0 && this.sinceBest >= this.opts.patience && logs.epoch >= (this.opts.minEpochs ?? 0)) state.stopTraining = true
  }
  onTrainEnd(state: LoopState): void {
    if (!this.bestWeights) return
    state.net.setWeights(this.bestWeights)
    this.dispose()
  }
  dispose(): void {
    this.bestWeights?.forEach((t) => t.dispose())
    this.bestWeights = null
  }
}

/**
 * Resumes a run from `dir` (same configKey only; another configuration's checkpoint is ignored)
 * and saves after every epoch. Restores the weights, the optimizer's slots, the sampler's state,
 * the history, the early-stopping state and the diagnostics' starting weights.
 */
export class Checkpoint implements TrainCallback {
  constructor(
    private readonly dir: string,
    private readonly configKey: string,
    private readonly parts: { diagnostics: Diagnostics; early: EarlyStopping | null },
  ) {}
  async onTrainBegin(state: LoopState): Promise<void> {
    const ck = loadCheckpoint(this.dir)
    if (!ck) return
    if (ck.state.configKey !== this.configKey) {
      ck.tensors.weights.forEach((t) => t.dispose())
      ck.tensors.bestWeights?.forEach((t) => t.dispose())
      ck.tensors.optimizer.forEach((t) => t.tensor.dispose())
      tf.dispose(ck.tensors.phaseStart ?? [])
      return
    }
    state.net.setWeights(ck.tensors.weights)
    ck.tensors.weights.forEach((t) => t.dispose())
    // Adam creates its slots on the first step; set them directly (same order as the variables).
    await state.optimizer.setWeights(ck.tensors.optimizer)
    if (this.parts.early) this.parts.early.restore(ck.state.best, ck.state.sinceBest, ck.tensors.bestWeights)
    else ck.tensors.bestWeights?.forEach((t) => t.dispose())
    state.rng = makeRng(0, ck.state.rngState)
    state.history = ck.state.history as EpochReport[]
    state.startEpoch = ck.state.epoch
    // older checkpoints have no phase start: weight_change is then measured from the resume
    if (ck.tensors.phaseStart) this.parts.diagnostics.restore(ck.tensors.phaseStart, state.vars)
  }
  async onEpochEnd(logs: EpochLogs, state: LoopState): Promise<void> {
    const early = this.parts.early
    await saveCheckpoint(
      this.dir,
      {
        configKey: this.configKey,
        epoch: state.stopTraining ? state.epochs : logs.epoch,
        rngState: state.rng.state(),
        history: state.history,
        best: early?.best ?? null,
        sinceBest: early?.sinceBest ?? 0,
      },
      {
        weights: state.net.getWeights(),
        bestWeights: early?.bestWeights ?? null,
        optimizer: await state.optimizer.getWeights(),
        phaseStart: this.parts.diagnostics.start,
      },
    )
  }
}

export class Progress implements TrainCallback {
  constructor(private readonly onEpoch?: (r: EpochReport) => void) {}
  async onEpochEnd(_logs: EpochLogs, state: LoopState): Promise<void> {
    this.onEpoch?.(state.history[state.history.length - 1])
    await new Promise<void>((r) => setImmediate(r))
  }
}
