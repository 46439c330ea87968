/**
 * Data-parallel training on the wasm backend (model/data-parallel.ts): a step split over
 * this thread and a worker thread must give the gradient of the whole batch, and a
 * training run must be reproducible from its seed at a given thread count.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { JobCancelledError } from '../../../src-main/services/jobs/registry'
import { DataParallelTrainer, pairShares, trainThreads } from '../../../src-main/services/model/data-parallel'
import { buildNetwork, defaultTrainConfig, makeRng, trainSiamese, type ItemSet } from '../../../src-main/services/model/index'
import { balancedLoss, disposeMasks, lossConfigFor } from '../../../src-main/services/model/losses'
import { batchMasks, itemBatchOutput, optimiseStep, pairBatchOutput, pairStep, type StepResult } from '../../../src-main/services/model/step'
import type { Architecture } from '../../../src-main/services/model/types'

const arch: Architecture = { kind: 'cnn', frames: 16, mels: 12, channels: [4, 8], embedding: 8 }
const loss = { name: 'contrastive' as const, margin: 1, temperature: 0.1 }
let trainer: DataParallelTrainer

beforeAll(async () => {
  expect((await initBackend()).name).toBe('wasm')
  trainer = await DataParallelTrainer.start(2, arch, [16, 12])
}, 60_000)
afterAll(async () => {
  await trainer?.close()
})

function rand(n: number, seed: number): Float32Array {
  const r = makeRng(seed)
  return Float32Array.from({ length: n }, () => r() * 2 - 1)
}

/** Loss, active share and gradient norm of a two-thread step equal the single-thread step's. */
function expectSameStep(a: StepResult, b: StepResult): void {
  for (const k of ['loss', 'active', 'gradNorm'] as const) expect(b[k].dataSync()[0]).toBeCloseTo(a[k].dataSync()[0], 5)
  expect(a.gradNorm.dataSync()[0]).toBeGreaterThan(0)
  tf.dispose([a.loss, a.active, a.gradNorm, b.loss, b.active, b.gradNorm])
}

describe('data-parallel training steps', () => {
  it('splits P pairs into contiguous shares covering the batch', () => {
    expect(pairShares(16, 2)).toEqual([[0, 8], [8, 16]])
    expect(pairShares(7, 3)).toEqual([[0, 3], [3, 5], [5, 7]])
    expect(pairShares(1, 2)).toEqual([[0, 1]])
  })

  it('chooses threads: explicit request, then SER_TRAIN_THREADS, then 2 for the CNN on wasm only', () => {
    const mlp: Architecture = { kind: 'mlp', inputDim: 88, hidden: [8], embedding: 4 }
    expect(trainThreads(3, arch, 'wasm')).toBe(3)
    expect(trainThreads(3, arch, 'tensorflow')).toBe(1)
    expect(trainThreads(undefined, mlp, 'wasm')).toBe(1)
    expect(trainThreads(undefined, arch, 'wasm')).toBeLessThanOrEqual(2)
    expect(() => trainThreads(0, arch, 'wasm')).toThrow(/positive integer/)
    const before = process.env.SER_TRAIN_THREADS
    process.env.SER_TRAIN_THREADS = '1'
    try {
      expect(trainThreads(undefined, arch, 'wasm')).toBe(1)
    } finally {
      if (before === undefined) delete process.env.SER_TRAIN_THREADS
      else process.env.SER_TRAIN_THREADS = before
    }
  })

  it('a step over two threads equals the single-thread step (SGD, several steps, frozen first layer too)', async () => {
    for (const frozen of [0, 1]) {
      const a = buildNetwork(arch, 7)
      const b = buildNetwork(arch, 7)
      const optA = tf.train.sgd(0.05)
      const optB = tf.train.sgd(0.05)
      const P = 7 // odd: unequal shares (4 + 3), so the weighting by share size matters
      for (let s = 0; s < 3; s++) {
        const x = rand(2 * P * 16 * 12, 100 + s)
        const same = Float32Array.from({ length: P }, (_, i) => (i + s) % 2)
        const xt = tf.tensor(x, [2 * P, 16, 12])
        const st = tf.tensor1d(same)
        const lA = optimiseStep(optA, a.trainableVariables(frozen), () => pairBatchOutput(a, xt, st, loss))
        tf.dispose([xt, st])
        const lB = await trainer.pairStep(b, frozen, optB, x, same, 16 * 12, loss)
        expectSameStep(lA, lB)
      }
      const wa = a.getWeights()
      const wb = b.getWeights()
      wa.forEach((w, i) => {
        const d = tf.tidy(() => tf.max(tf.abs(tf.sub(w, wb[i]))).dataSync()[0])
        expect(d).toBeLessThan(1e-5)
      })
      // frozen layers stay as initialised on both
      if (frozen) {
        const fresh = buildNetwork(arch, 7)
        expect(tf.tidy(() => tf.max(tf.abs(tf.sub(wb[0], fresh.getWeights()[0]))).dataSync()[0])).toBe(0)
        fresh.dispose()
      }
      // getWeights() returns the variables themselves: disposing the models frees them
      a.dispose()
      b.dispose()
    }
  }, 60_000)

  it.each(['distance', 'triplet', 'protonet', 'supcon'] as const)(
    'an item-batch step (%s loss, two passes) over two threads equals the single-thread step',
    async (name) => {
      const dl = lossConfigFor(name)
      for (const frozen of [0, 1]) {
        const a = buildNetwork(arch, 9)
        const b = buildNetwork(arch, 9)
        const optA = tf.train.sgd(0.05)
        const optB = tf.train.sgd(0.05)
        const n = 9 // odd: unequal shares
        const ids = Array.from({ length: n }, (_, i) => i % 3)
        const masks = batchMasks(ids)
        for (let s = 0; s < 3; s++) {
          const x = rand(n * 16 * 12, 200 + s)
          const xt = tf.tensor(x, [n, 16, 12])
          const lA = optimiseStep(optA, a.trainableVariables(frozen), () => itemBatchOutput(a, xt, masks, dl, frozen))
          xt.dispose()
          const lB = await trainer.itemStep(b, frozen, optB, x, 16 * 12, (e) => balancedLoss(e, masks, dl))
          expectSameStep(lA, lB)
        }
        const wa = a.getWeights()
        const wb = b.getWeights()
        let moved = 0
        const init = buildNetwork(arch, 9).getWeights()
        wa.forEach((w, i) => {
          expect(tf.tidy(() => tf.max(tf.abs(tf.sub(w, wb[i]))).dataSync()[0])).toBeLessThan(1e-5)
          moved = Math.max(
            moved,
            tf.tidy(() => tf.max(tf.abs(tf.sub(w, init[i]))).dataSync()[0]),
          )
        })
        expect(moved).toBeGreaterThan(1e-4)
        disposeMasks(masks)
        tf.dispose(init)
        a.dispose()
        b.dispose()
      }
    },
    60_000,
  )

  it('MLP: a two-thread fused step (fused grads in both threads, fused Adam) equals the composed single-thread step', async () => {
    const mlp: Architecture = { kind: 'mlp', inputDim: 10, hidden: [12, 8], embedding: 6 }
    const dp = await DataParallelTrainer.start(2, mlp, [10])
    try {
      for (const frozen of [0, 1]) {
        const a = buildNetwork(mlp, 9)
        const b = buildNetwork(mlp, 9)
        const optA = tf.train.adam(0.01)
        const optB = tf.train.adam(0.01)
        const P = 9
        for (let s = 0; s < 3; s++) {
          const x = rand(2 * P * 10, 300 + s)
          const same = Float32Array.from({ length: P }, (_, i) => (i + s) % 2)
          const before = process.env.SER_FUSED_KERNELS
          process.env.SER_FUSED_KERNELS = '0'
          let lA: StepResult
          try {
            lA = pairStep(a, optA, a.trainableVariables(frozen), x, same, [10], loss, frozen)
          } finally {
            if (before === undefined) delete process.env.SER_FUSED_KERNELS
            else process.env.SER_FUSED_KERNELS = before
          }
          const lB = await dp.pairStep(b, frozen, optB, x, same, 10, loss)
          expectSameStep(lA, lB)
        }
        const wb = b.getWeights()
        a.getWeights().forEach((w, i) => expect(tf.tidy(() => tf.max(tf.abs(tf.sub(w, wb[i]))).dataSync()[0])).toBeLessThan(1e-5))
        a.dispose()
        b.dispose()
      }
    } finally {
      await dp.close()
    }
  }, 60_000)

  it('a two-thread training run is reproducible from its seed', async () => {
    const n = 60
    const x = rand(n * 16 * 12, 5)
    const data: ItemSet = {
      x,
      itemShape: [16, 12],
      labels: Array.from({ length: n }, (_, i) => `c${i % 3}`),
      speakers: Array.from({ length: n }, (_, i) => `s${i % 5}`),
    }
    const idx = data.labels.map((_, i) => i)
    const cfg = defaultTrainConfig(arch, { epochs: 2, stepsPerEpoch: 4, pairsPerBatch: 8, patience: 0 })
    const run = async () => {
      const net = buildNetwork(arch, 3)
      const r = await trainSiamese(net, data, cfg, { train: idx.slice(0, 48), val: idx.slice(48) }, { threads: 2 })
      const w = net.getWeights().map((t) => Array.from(t.dataSync()))
      net.dispose()
      return { losses: r.history.map((h) => h.trainLoss), w }
    }
    const r1 = await run()
    const r2 = await run()
    expect(r1.losses).toEqual(r2.losses)
    expect(r1.w).toEqual(r2.w)
  }, 120_000)

  it('a two-thread run cancels cleanly and resumes from its checkpoint', async () => {
    const n = 60
    const data: ItemSet = {
      x: rand(n * 16 * 12, 6),
      itemShape: [16, 12],
      labels: Array.from({ length: n }, (_, i) => `c${i % 3}`),
      speakers: Array.from({ length: n }, (_, i) => `s${i % 5}`),
    }
    const idx = data.labels.map((_, i) => i)
    const split = { train: idx.slice(0, 48), val: idx.slice(48) }
    const cfg = defaultTrainConfig(arch, { epochs: 3, stepsPerEpoch: 3, pairsPerBatch: 8, patience: 0 })
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-dp-'))
    try {
      const ac = new AbortController()
      const first = buildNetwork(arch, 3)
      await expect(trainSiamese(first, data, cfg, split, { threads: 2, checkpointDir: dir, signal: ac.signal, onEpoch: () => ac.abort() })).rejects.toThrow(
        JobCancelledError,
      )
      first.dispose()
      const second = buildNetwork(arch, 3)
      const r = await trainSiamese(second, data, cfg, split, { threads: 2, checkpointDir: dir })
      expect(r.resumedFromEpoch).toBe(1)
      expect(r.history.map((h) => h.epoch)).toEqual([1, 2, 3])
      second.dispose()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
