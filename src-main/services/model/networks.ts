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
 */
import * as tf from '@tensorflow/tfjs'
import { convBlockWasm } from '../engine/conv-block'
import type { Architecture, ItemSet } from './types'

export function defaultArchitecture(kind: 'mlp' | 'cnn', input: number[]): Architecture {
  if (kind === 'mlp') return { kind: 'mlp', inputDim: input[0], hidden: [256, 128], embedding: 64 }
  return { kind: 'cnn', frames: input[0], mels: input[1], channels: [16, 32, 64], embedding: 64 }
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
  constructor(
    readonly arch: Architecture,
    readonly model: tf.LayersModel,
  ) {
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
   * Forward pass on a batch [n, ...itemShape] -> [n, embedding]. `frozen` (the first N
   * weighted layers are not trained) only lets the wasm CNN path skip gradients nobody needs.
   */
  embed(x: tf.Tensor, frozen = 0): tf.Tensor2D {
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
  embedItems(data: ItemSet, indices?: ArrayLike<number>, batch = 256): Float32Array {
    const idx = indices ?? Int32Array.from(data.labels.keys())
    const per = data.itemShape.reduce((p, q) => p * q, 1)
    const out = new Float32Array(idx.length * this.embeddingDim)
    for (let s = 0; s < idx.length; s += batch) {
      const n = Math.min(batch, idx.length - s)
      const buf = new Float32Array(n * per)
      for (let r = 0; r < n; r++) buf.set(data.x.subarray(idx[s + r] * per, (idx[s + r] + 1) * per), r * per)
      const e = tf.tidy(() => this.embed(tf.tensor(buf, [n, ...data.itemShape])))
      out.set(e.dataSync(), s * this.embeddingDim)
      e.dispose()
    }
    return out
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

export function buildNetwork(arch: Architecture, seed = 1): EmbeddingModel {
  return new EmbeddingModel(arch, buildLayersModel(arch, seed))
}
