/**
 * Per-epoch diagnostics of a training phase (EpochDiagnostics, src-shared/losses.ts): the mean
 * loss, the share of anchors or pairs that still have a gradient, the mean global gradient
 * norm, the mean norm of the network's output before its L2 normalisation, and how far the
 * trainable weights moved since the phase began (||w - w0|| / ||w0||). Step figures stay on
 * the device and are read once per epoch.
 */
import * as tf from '@tensorflow/tfjs'
import type { EpochDiagnostics } from '../../../src-shared/losses'
import type { EmbeddingModel } from './networks'
import type { StepResult } from './step'
import type { ItemSet } from './types'

/** Items whose raw embedding norm is measured at the end of each epoch. */
const NORM_SAMPLE = 128

export class PhaseDiagnostics {
  private sums: tf.Scalar[] = [tf.scalar(0), tf.scalar(0), tf.scalar(0)]
  private steps = 0

  /** `start`: the trainable variables' values when the phase began (kept; disposed by dispose()). */
  constructor(readonly start: tf.Tensor[]) {}

  static begin(vars: tf.Variable[]): PhaseDiagnostics {
    return new PhaseDiagnostics(vars.map((v) => tf.clone(v)))
  }

  /** Adds a step's figures (the caller disposes them). */
  add(r: StepResult): void {
    const next = [r.loss, r.active, r.gradNorm].map((t, k) => tf.add(this.sums[k], t) as tf.Scalar)
    tf.dispose(this.sums)
    this.sums = next
    this.steps++
  }

  /** Closes the epoch: reads the sums, measures the embedding norm and the weight change, and resets. */
  async end(epoch: number, net: EmbeddingModel, vars: tf.Variable[], data: ItemSet, train: number[]): Promise<EpochDiagnostics> {
    const [loss, active, grad] = await Promise.all(this.sums.map(async (s) => (await s.data())[0] / Math.max(1, this.steps)))
    tf.dispose(this.sums)
    this.sums = [tf.scalar(0), tf.scalar(0), tf.scalar(0)]
    this.steps = 0
    const step = Math.max(1, Math.floor(train.length / NORM_SAMPLE))
    const sample = train.filter((_, i) => i % step === 0).slice(0, NORM_SAMPLE)
    return {
      epoch,
      loss,
      active_fraction: Math.min(1, Math.max(0, active)),
      grad_norm: grad,
      embedding_norm: rawEmbeddingNorm(net, data, sample),
      weight_change: weightChange(vars, this.start),
    }
  }

  dispose(): void {
    tf.dispose([...this.sums, ...this.start])
  }
}

/** Mean L2 norm of the last layer's output (before normalisation) over `indices`. */
export function rawEmbeddingNorm(net: EmbeddingModel, data: ItemSet, indices: number[]): number {
  if (indices.length === 0) return 0
  return net.embedWithNorms(data, indices).norms.reduce((a, b) => a + b, 0) / indices.length
}

/** ||w - w0|| / ||w0|| over all given variables together (0 when w0 is all zeros). */
export function weightChange(vars: tf.Variable[], start: tf.Tensor[]): number {
  if (vars.length !== start.length) throw new Error(`weight change: ${vars.length} variables, ${start.length} starting values`)
  const [num, den] = tf.tidy(() => {
    const n = tf.addN(vars.map((v, i) => tf.sum(tf.squaredDifference(v, start[i]))))
    const d = tf.addN(start.map((w) => tf.sum(tf.square(w))))
    return [n.dataSync()[0], d.dataSync()[0]]
  })
  return den > 0 ? Math.sqrt(num / den) : 0
}
