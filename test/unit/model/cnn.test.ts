/**
 * The convolutional network trains on the wasm backend (which ships without
 * Conv2DBackpropFilter): synthetic "spectrograms" whose class is a frequency band
 * pattern become separable after a few epochs of Siamese training.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { buildNetwork, defaultTrainConfig, makeRng, trainSiamese, type ItemSet } from '../../../src-main/services/model/index'

beforeAll(async () => {
  const b = await initBackend()
  expect(b.name).toBe('wasm')
})

function spectrograms(n: number, seed: number): ItemSet {
  const frames = 16
  const mels = 12
  const r = makeRng(seed)
  const x = new Float32Array(n * frames * mels)
  const labels: string[] = []
  const speakers: string[] = []
  for (let i = 0; i < n; i++) {
    const c = i % 3
    const spk = i % 5
    for (let t = 0; t < frames; t++) {
      for (let m = 0; m < mels; m++) {
        const band = Math.floor(m / 4) === c ? 1.5 : 0
        x[(i * frames + t) * mels + m] = band + 0.3 * spk * (m % 2) + (r() - 0.5)
      }
    }
    labels.push(`c${c}`)
    speakers.push(`s${spk}`)
  }
  return { x, itemShape: [frames, mels], labels, speakers }
}

describe('CNN on wasm', () => {
  it('Siamese training lowers the loss and separates the classes', async () => {
    const data = spectrograms(90, 1)
    const net = buildNetwork({ kind: 'cnn', frames: 16, mels: 12, channels: [4, 8], embedding: 8 }, 1)
    const idx = data.labels.map((_, i) => i)
    const cfg = defaultTrainConfig(net.arch, { epochs: 6, stepsPerEpoch: 10, pairsPerBatch: 16, patience: 0, learningRate: 3e-3 })
    const r = await trainSiamese(net, data, cfg, { train: idx.filter((i) => data.speakers[i] !== 's4'), val: idx.filter((i) => data.speakers[i] === 's4') })
    expect(r.history[r.history.length - 1].trainLoss).toBeLessThan(r.history[0].trainLoss)
    expect(Math.max(...r.history.map((h) => h.valAccuracy ?? 0))).toBeGreaterThan(0.8)
  })
})
