/**
 * The wasm training kernels this project adds (engine/kernels) against the plain-JS
 * cpu backend, on random data: values must agree to float32 rounding.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { makeRng } from '../../../src-main/services/model/sampling'

function rand(n: number, seed: number): Float32Array {
  const r = makeRng(seed)
  return Float32Array.from({ length: n }, () => r() * 2 - 1)
}

/** Runs f on a backend with inputs re-created there; returns plain arrays. */
async function on(backend: string, f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend)
  const out = tf.tidy(f)
  const list = Array.isArray(out) ? out : [out]
  const data = list.map((t) => t.dataSync() as Float32Array)
  tf.dispose(list)
  return data
}

function expectClose(a: Float32Array[], b: Float32Array[], tol = 1e-4) {
  expect(a.length).toBe(b.length)
  a.forEach((x, k) => {
    expect(x.length).toBe(b[k].length)
    const scale = Math.max(1, ...Array.from(b[k], Math.abs))
    let worst = 0
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - b[k][i]))
    expect(worst / scale).toBeLessThan(tol)
  })
}

async function compare(f: () => tf.Tensor | tf.Tensor[], tol?: number) {
  const w = await on('wasm', f)
  const c = await on('cpu', f)
  await tf.setBackend('wasm')
  expectClose(w, c, tol)
}

beforeAll(async () => {
  const info = await initBackend()
  if (info.name !== 'wasm') throw new Error(`these tests need the wasm backend, got ${info.name}`)
})

describe('wasm training kernels vs cpu', () => {
  it('the wasm backend reports the kernels this project supplies', async () => {
    const info = await initBackend()
    expect(info.customKernels?.join(' ')).toContain('Conv2DBackpropFilter')
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeTruthy()
  })

  const cases: { x: [number, number, number, number]; f: [number, number, number, number]; s: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 9, 7, 3], f: [3, 3, 3, 4], s: 1, pad: 'same' },
    { x: [2, 9, 7, 3], f: [3, 3, 3, 4], s: 1, pad: 'valid' },
    { x: [1, 10, 9, 2], f: [3, 2, 2, 5], s: 2, pad: 'same' },
    { x: [3, 8, 8, 1], f: [5, 5, 1, 2], s: 2, pad: 'valid' },
    // stride 1 takes the shifted-row im2col path: even filter (asymmetric 'same' padding), 1xk filter
    { x: [3, 5, 4, 2], f: [2, 2, 2, 3], s: 1, pad: 'same' },
    { x: [2, 6, 5, 3], f: [1, 3, 3, 2], s: 1, pad: 'valid' },
  ]
  for (const c of cases) {
    it(`Conv2DBackpropFilter and Input: x ${c.x} filter ${c.f} stride ${c.s} ${c.pad}`, async () => {
      const xs = rand(c.x.reduce((a, b) => a * b), 1)
      const fs = rand(c.f.reduce((a, b) => a * b), 2)
      await compare(() => {
        const x = tf.tensor4d(xs, c.x)
        const w = tf.tensor4d(fs, c.f)
        const y = tf.conv2d(x, w, c.s, c.pad)
        const dy = tf.tensor4d(rand(y.size, 3), y.shape as [number, number, number, number])
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), dy)))([x, w])
        return g
      })
    })
  }

  it('BatchMatMul with transposed operands (2D and batched)', async () => {
    const a = rand(6 * 5, 4)
    const b = rand(5 * 7, 5)
    const a3 = rand(3 * 4 * 5, 6)
    const b3 = rand(3 * 6 * 5, 7)
    await compare(() => [
      tf.matMul(tf.tensor2d(a, [5, 6]), tf.tensor2d(b, [5, 7]), true, false),
      tf.matMul(tf.tensor2d(a, [6, 5]), tf.tensor2d(b, [7, 5]), false, true),
      tf.matMul(tf.tensor2d(a, [5, 6]), tf.tensor2d(b, [7, 5]), true, true),
      tf.matMul(tf.tensor3d(a3, [3, 5, 4]), tf.tensor3d(b3, [3, 6, 5]), true, true),
    ])
  })

  for (const p of [
    { k: 2, s: 2, shape: [2, 8, 6, 3] },
    { k: 3, s: 2, shape: [1, 9, 7, 2] },
    { k: 2, s: 1, shape: [1, 5, 5, 2] },
  ]) {
    it(`MaxPoolGrad window ${p.k} stride ${p.s} (after a ReLU, with ties at 0)`, async () => {
      const xs = rand(p.shape.reduce((a, b) => a * b), 8)
      await compare(() => {
        const x = tf.tensor4d(xs, p.shape as [number, number, number, number])
        const y = tf.maxPool(tf.relu(x), p.k, p.s, 'valid')
        const dy = tf.tensor4d(rand(y.size, 9), y.shape as [number, number, number, number])
        return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(tf.relu(a as tf.Tensor4D), p.k, p.s, 'valid'), dy)))(x)
      })
    })
  }

  it('a whole CNN gradient (fused conv + ReLU + pooling + dense) agrees with cpu', async () => {
    const xs = rand(2 * 16 * 12, 10)
    const w1 = rand(3 * 3 * 1 * 4, 11)
    const w2 = rand(3 * 3 * 4 * 6, 12)
    const d = rand(6 * 3, 13)
    await compare(() => {
      const x = tf.tensor4d(xs, [2, 16, 12, 1])
      const vars = [tf.tensor4d(w1, [3, 3, 1, 4]), tf.tensor4d(w2, [3, 3, 4, 6]), tf.tensor2d(d, [6, 3]), tf.zeros([4]), tf.zeros([6])]
      return tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, b1: tf.Tensor, b2: tf.Tensor) => {
        let h = tf.fused.conv2d({ x, filter: a as tf.Tensor4D, strides: 1, pad: 'same', bias: b1, activation: 'relu' })
        h = tf.maxPool(h, 2, 2, 'valid')
        h = tf.fused.conv2d({ x: h, filter: b as tf.Tensor4D, strides: 1, pad: 'same', bias: b2, activation: 'relu' })
        const e = tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, c as tf.Tensor2D)
        return tf.sum(tf.square(e))
      })(vars)
    })
  })
})
