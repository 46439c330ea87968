import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import {
  buildNetwork,
  buildProfile,
  calibrate,
  defaultArchitecture,
  defaultTrainConfig,
  expectedCalibrationError,
  loadModel,
  makeCard,
  makeRng,
  predict,
  pretrain,
  saveModel,
  selectShots,
  embedAll,
  type TrainedModel,
} from '../../../src-main/services/model/index'
import { classificationMetrics } from '../../../src-main/services/model/metrics'
import { DEFAULT_LOSS } from '../../../src-shared/losses'
import { source, subset, target } from './synthetic'

let model: TrainedModel
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-model-'))

beforeAll(async () => {
  await initBackend()
  model = await pretrain(source(), defaultTrainConfig(defaultArchitecture('mlp', [88]), { epochs: 4, stepsPerEpoch: 30, seed: 2 }))
})
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('metrics', () => {
  it('ECE on a hand-computed case', () => {
    // bin 0.9: conf .9 .9, one right -> |0.5 - 0.9| * 2/4 ; bin 0.6: conf .6 .6 both right -> |1 - .6| * 2/4
    expect(expectedCalibrationError([0.9, 0.9, 0.6, 0.6], [true, false, true, true])).toBeCloseTo(0.2 + 0.2, 6)
    expect(expectedCalibrationError([1, 1], [true, true])).toBeCloseTo(0, 6)
  })
  it('UAR and macro-F1 on a hand-computed case', () => {
    const m = classificationMetrics(null, ['a', 'a', 'a', 'b'], ['a', 'a', 'b', 'b'])
    expect(m.accuracy).toBeCloseTo(0.75)
    expect(m.uar).toBeCloseTo((2 / 3 + 1) / 2)
    expect(m.macroF1).toBeCloseTo((0.8 + 2 / 3) / 2)
  })
})

describe('networks', () => {
  it('the fused fast path equals the Layers model (then L2-normalised) for the MLP and the CNN', () => {
    for (const arch of [defaultArchitecture('mlp', [88]), { kind: 'cnn' as const, frames: 16, mels: 8, channels: [4, 6], embedding: 5 }]) {
      const net = buildNetwork(arch, 3)
      const shape = arch.kind === 'mlp' ? [3, 88] : [3, 16, 8]
      const x = tf.randomNormal(shape, 0, 1, 'float32', 4)
      const fast = net.embed(x).dataSync()
      const out = net.model.predict(arch.kind === 'mlp' ? x : tf.reshape(x, [...shape, 1])) as tf.Tensor2D
      const ref = tf.div(out, tf.norm(out, 2, 1, true)).dataSync()
      fast.forEach((v, i) => expect(v).toBeCloseTo(ref[i], 4))
      // one unit-length row per item, and the raw path is the Layers model's output itself
      for (let r = 0; r < 3; r++) expect(Math.hypot(...fast.slice(r * arch.embedding, (r + 1) * arch.embedding))).toBeCloseTo(1, 5)
      net.embed(x, 0, true).dataSync().forEach((v, i) => expect(v).toBeCloseTo(out.dataSync()[i], 4))
      net.dispose()
    }
  })
})

describe('few-shot inference', () => {
  it('profiles from support examples classify, calibrate, and flag far-away clips as uncertain', () => {
    const { data, pool, test } = target()
    const supIdx = selectShots(makeRng(1), data.labels, pool, 5)
    const support = subset(data, supIdx)
    const profile = buildProfile(model, support)
    // calm and surprised never occurred in the source corpus: classes come from the support set
    expect(profile.classes).toContain('calm')
    expect(profile.classes).toContain('surprised')
    const valIdx = pool.filter((i) => !supIdx.includes(i))
    const cal = calibrate(model, profile, subset(data, valIdx))
    expect(cal.temperature).toBeGreaterThan(0)
    expect(cal.ece).toBeLessThanOrEqual(cal.eceBefore + 1e-9)
    const preds = predict(model, profile, test)
    for (const p of preds) {
      const sum = Object.values(p.probabilities).reduce((a, b) => a + b, 0)
      expect(sum).toBeCloseTo(1, 5)
      expect(Object.keys(p.probabilities)).toHaveLength(8)
    }
    const acc = preds.filter((p, i) => p.top === test.labels[i]).length / preds.length
    expect(acc).toBeGreaterThan(2 / 8)
    // a clip far from everything (features 50 standard deviations out) is 'uncertain'
    const far = { ...test, x: test.x.map((v) => v + 50 * (model.normaliser?.std[0] ?? 1)).slice(0, 88), labels: ['?'], speakers: ['?'] }
    expect(predict(model, profile, far)[0].uncertain).toBe(true)
    expect(preds.filter((p) => p.uncertain).length / preds.length).toBeLessThan(0.3)
  })

  it('kNN profiles give probabilities too', () => {
    const { data, pool, test } = target()
    const support = subset(data, selectShots(makeRng(2), data.labels, pool, 5))
    const p = predict(model, buildProfile(model, support, { method: 'knn', k: 3 }), test)
    expect(p[0].top).toBeTypeOf('string')
  })
})

describe('storage', () => {
  const extractor = { name: 'egemaps' as const, version: 'test-1' }
  it('round-trips a model in the TensorFlow.js format with its card', async () => {
    const dir = path.join(tmp, 'm1')
    const card = await saveModel(dir, model, await makeCard(model, { name: 'test', extractor, sourceCorpus: 'synthetic' }))
    expect(fs.existsSync(path.join(dir, 'model.json'))).toBe(true)
    expect(card.backend.name).toBe('wasm')
    const mj = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'))
    expect(mj.format).toBe('layers-model')
    const { model: loaded, card: c2 } = await loadModel(dir, { extractorVersion: 'test-1' })
    expect(c2.loss.name).toBe(DEFAULT_LOSS)
    expect(c2.arch.normalize).toBe('l2')
    const { test } = target()
    const a = embedAll(model, test)
    const b = embedAll(loaded, test)
    for (let i = 0; i < a.length; i += 97) expect(b[i]).toBeCloseTo(a[i], 5)
  })

  it('refuses a mismatched extractor version, a corrupted file and a broken card, naming the problem', async () => {
    const dir = path.join(tmp, 'm2')
    await saveModel(dir, model, await makeCard(model, { name: 'test', extractor, sourceCorpus: 'synthetic' }))
    await expect(loadModel(dir, { extractorVersion: 'test-2' })).rejects.toThrow(/version test-1.*version test-2/)
    const w = path.join(dir, 'weights.bin')
    const buf = fs.readFileSync(w)
    buf[10] ^= 0xff
    fs.writeFileSync(w, buf)
    await expect(loadModel(dir)).rejects.toThrow(/corrupted.*weights\.bin/)
    fs.writeFileSync(path.join(dir, 'card.json'), '{"format": "ser-siamese/1"}')
    await expect(loadModel(dir)).rejects.toThrow(/model card is invalid/)
  })
})
