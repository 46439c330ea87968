/**
 * The training loop with callbacks, in the manner of Keras / tfjs-layers: the loop runs epochs
 * of optimisation steps and calls each callback's hooks in list order; what a run does besides
 * stepping (validation, early stopping, checkpointing and resuming, diagnostics, progress) is a
 * callback (train-callbacks.ts), each testable alone.
 *
 * Hooks, in the order the loop calls them:
 *   onTrainBegin (once; a checkpoint callback resumes here) -> per epoch: onEpochBegin ->
 *   onBatchEnd per step -> onEpochEnd(logs) (callbacks fill and read `logs` in list order) ->
 *   onTrainEnd (only when training ended without an error) -> dispose (always).
 * A callback stops training by setting `state.stopTraining`.
 */
import type * as tf from '@tensorflow/tfjs'
import type { EpochDiagnostics } from '../../../src-shared/losses'
import { JobCancelledError } from '../jobs/registry'
import type { EmbeddingModel } from './networks'
import type { Rng } from './sampling'
import type { StepResult } from './step'
import type { EpochReport } from './types'

/** What every callback may read (and some write) during a run. */
export interface LoopState {
  readonly net: EmbeddingModel
  readonly vars: tf.Variable[]
  readonly optimizer: tf.Optimizer
  /** Total epochs of the run. */
  readonly epochs: number
  /** The sampler's generator (restored by a resume). */
  rng: Rng
  /** First epoch (0-based) the loop runs; > 0 after a resume. */
  startEpoch: number
  history: EpochReport[]
  stopTraining: boolean
}

/** One epoch's figures, filled by the callbacks in order (diagnostics, validation ...). */
export interface EpochLogs {
  /** 1-based. */
  epoch: number
  epochs: number
  /** Pairs compared in the epoch's steps (throughput). */
  pairs: number
  seconds: number
  resumed: boolean
  diagnostics?: EpochDiagnostics
  valLoss: number | null
  valAccuracy: number | null
}

export interface TrainCallback {
  onTrainBegin?(state: LoopState): void | Promise<void>
  /** `epoch` is 0-based. */
  onEpochBegin?(epoch: number, state: LoopState): void | Promise<void>
  /** A step's device scalars; the loop disposes them after every callback has seen them. */
  onBatchEnd?(step: StepResult, state: LoopState): void
  onEpochEnd?(logs: EpochLogs, state: LoopState): void | Promise<void>
  onTrainEnd?(state: LoopState): void | Promise<void>
  /** Frees what the callback holds; called once, also after an error or a cancellation. */
  dispose?(): void
}

/** Runs one epoch's steps, handing each step's result to `onStep`; returns the pairs compared. */
export type EpochRunner = (epoch: number, state: LoopState, onStep: (r: StepResult) => void) => Promise<number>

export async function runTrainingLoop(state: LoopState, runEpoch: EpochRunner, callbacks: TrainCallback[], signal?: AbortSignal): Promise<void> {
  try {
    for (const cb of callbacks) await cb.onTrainBegin?.(state)
    for (let epoch = state.startEpoch; epoch < state.epochs; epoch++) {
      if (signal?.aborted) throw new JobCancelledError()
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, state)
      const t0 = performance.now()
      const pairs = await runEpoch(epoch, state, (r) => {
        for (const cb of callbacks) cb.onBatchEnd?.(r, state)
        r.loss.dispose()
        r.active.dispose()
        r.gradNorm.dispose()
      })
      const seconds = (performance.now() - t0) / 1000
      const logs: EpochLogs = {
        epoch: epoch + 1,
        epochs: state.epochs,
        pairs,
        seconds,
        resumed: epoch === state.startEpoch && state.startEpoch > 0,
        valLoss: null,
        valAccuracy: null,
      }
      for (const cb of callbacks) await cb.onEpochEnd?.(logs, state)
      if (state.stopTraining) break
    }
    for (const cb of callbacks) await cb.onTrainEnd?.(state)
  } finally {
    for (const cb of callbacks) cb.dispose?.()
  }
}
