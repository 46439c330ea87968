/**
 * Embedding networks. Each is a tf.LayersModel (the persisted TensorFlow.js format)
 * plus a fast forward pass written with fused ops over the same variables: the
 * Layers API's per-call bookkeeping costs more than the arithmetic for small MLPs.
 * A test checks the fast path against model.predict.
 *
 * - MLP on the eGeMAPS vector (default): Dense+ReLU per hidden layer, linear embedding.
 * - CNN on log-mel spectrograms [frames, mels, 1]: Conv3x3+ReLU (+MaxPool 2x2 between
 *   blocks), global average pooling, linear embedding.
 * "Layers" for freezing are the weighted layers in order (Dense / Conv2D).
 *
 * Embeddings are L2-normalised (arch.normalize 'l2', the default): every loss, prototype and
 * distance then lives on the unit sphere, so a margin means the same whatever scale the
 * last layer grows to (docs/engine.md, "Embedding geometry"). The normalisation is not a
 * layer of the LayersModel (the persisted model.json stays a plain Sequential); the card's
 * arch says whether to apply it.
 */
import * as tf from '@tensorflow/tfjs'
import { convBlockWasm } from '../engine/conv-block'
import { denseStackWasm } from '../engine/dense-stack'
import type { Architecture, ItemSet, ResolvedArchitecture } from './types'
import type { ArchitectureKind } from '../../../src-shared/losses'

export function defaultArchitecture(kind: ArchitectureKind, input: number[]): Architecture {
  if (kind === 'mlp') return { kind: 'mlp', inputDim: input[0], hidden: [256, 128], embedding: 64, normalize: 'l2' }
  return { kind: 'cnn', frames: input[0], mels: input[1], channels: [16, 32, 64], embedding: 64, normalize: 'l2' }
}

/** Rows of e scaled to unit length (epsilon keeps the gradient finite at 0). */
export function l2Normalize(e: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(e, tf.rsqrt(tf.add(tf.sum(tf.square(e), 1, true), 1e-12))) as tf.Tensor2D)
}

export function inputShapeOf(arch: Architecture): number[] {
  return arch.kind === 'mlp' ? [arch.inputDim] : [arch.frames, arch.mels]
}

export function buildLayersModel(arch: Architecture, seed: number): tf.LayersModel {
  const m = tf.sequential()
  let s = seed
  const init = () => tf.initializers.glorotUniform({ seed: s++ })
  if (arch.kind === 'mlp') {
    arch.hidden.forEach((units, i) =>
      m.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: init(), ...(i === 0 ? { inputShape: [arch.inputDim] } : {}) })),
    )
    m.add(tf.layers.dense({ units: arch.embedding, kernelInitializer: init(), ...(arch.hidden.length === 0 ? { inputShape: [arch.inputDim] } : {}) }))
  } else {
    arch.channels.forEach((filters, i) => {
      m.add(
        tf.layers.conv2d({
          filters,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: init(),
          ...(i === 0 ? { inputShape: [arch.frames, arch.mels, 1] } : {}),
        }),
      )
      if (i < arch.channels.length - 1) m.add(tf.layers.maxPooling2d({ poolSize: 2 }))
    })
    m.add(tf.layers.globalAveragePooling2d({}))
    m.add(tf.layers.dense({ units: arch.embedding, kernelInitializer: init() }))
  }
  return m
}

interface Weighted {
  kind: 'dense' | 'conv'
  name: string
  kernel: tf.Variable
  bias: tf.Variable
}

export class EmbeddingModel {
  readonly layers: Weighted[]
  /** The architecture with `normalize` made explicit ('l2' when absent). */
  readonly arch: ResolvedArchitecture
  constructor(
    arch: Architecture,
    readonly model: tf.LayersModel,
  ) {
    this.arch = { ...arch, normalize: arch.normalize ?? 'l2' }
    this.layers = model.layers
      .filter((l) => l.getClassName() === 'Dense' || l.getClassName() === 'Conv2D')
      .map((l) => {
        const [k, b] = l.trainableWeights.length ? l.trainableWeights : l.nonTrainableWeights
        return {
          kind: l.getClassName() === 'Dense' ? 'dense' : 'conv',
          name: l.name,
          kernel: (k as unknown as { read(): tf.Variable }).read(),
          bias: (b as unknown as { read(): tf.Variable }).read(),
        }
      })
  }

  get embeddingDim(): number {
    return this.arch.embedding
  }

  /** Variables trained when the first `frozen` weighted layers are frozen. */
  trainableVariables(frozen: number): tf.Variable[] {
    if (frozen < 0 || frozen >= this.layers.length) {
      throw new Error(`frozen layers must be in 0..${this.layers.length - 1} for this network, got ${frozen}`)
    }
    return this.layers.slice(frozen).flatMap((l) => [l.kernel, l.bias])
  }

  /**
   * Forward pass on a batch [n, ...itemShape] -> [n, embedding], L2-normalised unless the
   * architecture says 'none' or `raw` asks for the last layer's output (diagnostics). `frozen`
   * (the first N weighted layers are not trained) only lets the wasm CNN path skip gradients nobody needs.
   */
  embed(x: tf.Tensor, frozen = 0, raw = false): tf.Tensor2D {
    if (this.arch.kind === 'mlp' && tf.getBackend() === 'wasm' && fusedKernels()) return this.mlpWasm(x as tf.Tensor2D, frozen, raw)
    return tf.tidy(() => {
      const e = this.forward(x, frozen)
      return raw || this.arch.normalize === 'none' ? e : l2Normalize(e)
    })
  }

  /** The MLP on wasm: frozen layers as plain fused matmuls, the trainable rest as one op (engine/dense-stack.ts). */
  private mlpWasm(x: tf.Tensor2D, frozen: number, raw: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const L = this.layers
      const f = Math.min(Math.max(0, frozen), L.length - 1)
      let h = x
      for (let i = 0; i < f; i++) h = tf.fused.matMul({ a: h, b: L[i].kernel as tf.Tensor2D, bias: L[i].bias, activation: 'relu' }) as tf.Tensor2D
      const rest = L.slice(f)
      return denseStackWasm(h, rest.map((l) => l.kernel as tf.Tensor2D), rest.map((l) => l.bias as tf.Tensor1D), !raw && this.arch.normalize !== 'none')
    })
  }

  private forward(x: tf.Tensor, frozen: number): tf.Tensor2D {
    return tf.tidy(() => {
      const L = this.layers
      if (this.arch.kind === 'mlp') {
        let h = x as tf.Tensor2D
        for (let i = 0; i < L.length; i++) {
          h = tf.fused.matMul({ a: h, b: L[i].kernel as tf.Tensor2D, bias: L[i].bias, activation: i < L.length - 1 ? 'relu' : 'linear' }) as tf.Tensor2D
        }
        return h
      }
      const a = this.arch
      let h = tf.reshape(x, [-1, a.frames, a.mels, 1]) as tf.Tensor4D
      const convs = L.filter((l) => l.kind === 'conv')
      // On wasm each conv+ReLU(+pool) block is one op with a fused backward pass (engine/conv-block.ts).
      const wasm = tf.getBackend() === 'wasm'
      convs.forEach((l, i) => {
        const pool = i < convs.length - 1
        if (wasm) {
          h = convBlockWasm(h, l.kernel as tf.Tensor4D, l.bias as tf.Tensor1D, pool, i > frozen)
          return
        }
        h = tf.fused.conv2d({ x: h, filter: l.kernel as tf.Tensor4D, strides: 1, pad: 'same', bias: l.bias, activation: 'relu' })
        if (pool) h = tf.maxPool(h, 2, 2, 'valid')
      })
      const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D
      const d = L[L.length - 1]
      return tf.fused.matMul({ a: pooled, b: d.kernel as tf.Tensor2D, bias: d.bias }) as tf.Tensor2D
    })
  }

  /** Embeddings of the given items (all by default) as a flat Float32Array [n * embedding]. */
  embedItems(data: ItemSet, indices?: ArrayLike<number>, batch = 256, raw = false): Float32Array {
    return this.embedWithNorms(data, indices, batch, raw).emb
  }

  /**
   * Embeddings and the norm of each item's raw output (before the L2 normalisation), from one
   * forward pass: the raw norm grows with how far an input lies outside what the network saw,
   * which the unit-length embedding no longer shows (inference's 'uncertain' check uses it).
   */
  embedWithNorms(data: ItemSet, indices?: ArrayLike<number>, batch = 256, raw = false): { emb: Float32Array; norms: Float32Array } {
    const idx = indices ?? Int32Array.from(data.labels.keys())
    const per = data.itemShape.reduce((p, q) => p * q, 1)
    const D = this.embeddingDim
    const out = new Float32Array(idx.length * D)
    for (let s = 0; s < idx.length; s += batch) {
      const n = Math.min(batch, idx.length - s)
      const buf = new Float32Array(n * per)
      for (let r = 0; r < n; r++) buf.set(data.x.subarray(idx[s + r] * per, (idx[s + r] + 1) * per), r * per)
      const e = tf.tidy(() => this.embed(tf.tensor(buf, [n, ...data.itemShape]), 0, true))
      out.set(e.dataSync(), s * D)
      e.dispose()
    }
    const norms = new Float32Array(idx.length)
    const unit = !raw && this.arch.normalize === 'l2'
    for (let i = 0; i < idx.length; i++) {
      let q = 0
      for (let k = 0; k < D; k++) q += out[i * D + k] ** 2
      norms[i] = Math.sqrt(q)
      // the same arithmetic as l2Normalize, in float64
      if (unit) for (let k = 0; k < D; k++) out[i * D + k] /= Math.sqrt(q + 1e-12)
    }
    return { emb: out, norms }
  }

  /** A deep copy (same architecture, copied weights). */
  clone(): EmbeddingModel {
    const m = buildLayersModel(this.arch, 1)
    m.setWeights(this.model.getWeights())
    return new EmbeddingModel(this.arch, m)
  }

  getWeights(): tf.Tensor[] {
    return this.model.getWeights()
  }

  setWeights(ws: tf.Tensor[]): void {
    this.model.setWeights(ws)
  }

  dispose(): void {
    this.model.dispose()
  }
}

/**
 * Whether the wasm backend uses the fused training ops (engine/dense-stack.ts, engine/pair-head.ts,
 * engine/adam.ts); SER_FUSED_KERNELS=0 runs the composed tfjs ops instead (the reference path).
 */
export function fusedKernels(): boolean {
  return process.env.SER_FUSED_KERNELS !== '0'
}

export function buildNetwork(arch: Architecture, seed = 1): EmbeddingModel {
  return new EmbeddingModel(arch, buildLayersModel(arch, seed))
}
