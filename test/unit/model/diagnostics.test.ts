/**
 * Per-epoch diagnostics (model/diagnostics.ts) of pre-training and fine-tuning, for every loss:
 * one entry per epoch with sane values, weight_change measured from the phase's start (also
 * across a resume from a checkpoint), and only over the trainable layers when some are frozen.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { EpochDiagnosticsSchema, LOSS_NAMES } from '../../../src-shared/losses'
import { JobCancelledError } from '../../../src-main/services/jobs/registry'
import { weightChange } from '../../../src-main/services/model/diagnostics'
import { lossConfigFor } from '../../../src-main/services/model/losses'
import { buildNetwork } from '../../../src-main/services/model/networks'
import { makeSyntheticCorpus } from '../../../src-main/services/model/synthetic'
import { defaultTrainConfig, finetune, pretrain, trainSiamese } from '../../../src-main/services/model/train'
import type { Architecture } from '../../../src-main/services/model/types'

const data = makeSyntheticCorpus({ classes: ['neutral', 'happy', 'sad', 'angry'], speakers: 6, perSpeakerPerClass: 5, seed: 3, speakerPrefix: 's' })
const arch: Architecture = { kind: 'mlp', inputDim: data.itemShape[0], hidden: [24], embedding: 8 }

beforeAll(async () => {
  await initBackend()
})

describe('per-epoch diagnostics', () => {
  for (const name of LOSS_NAMES) {
    it(`${name}: pre-training and fine-tuning record one valid entry per epoch`, async () => {
      const cfg = defaultTrainConfig(arch, {
        epochs: 3,
        stepsPerEpoch: 4,
        pairsPerBatch: 16,
        classesPerBatch: 4,
        perClass: 4,
        patience: 0,
        loss: lossConfigFor(name),
      })
      const base = await pretrain(data, cfg)
      expect(base.diagnostics.map((d) => d.epoch)).toEqual([1, 2, 3])
      for (const d of base.diagnostics) {
        expect(EpochDiagnosticsSchema.parse(d)).toEqual(d)
        expect(d.grad_norm).toBeGreaterThan(0)
        expect(d.weight_change).toBeGreaterThan(0)
        expect(d.embedding_norm).toBeGreaterThan(0)
        expect(d.active_fraction).toBeGreaterThan(0)
      }
      expect(base.diagnostics.map((d) => d.loss)).toEqual(base.history.map((h) => h.trainLoss))
      const tuned = await finetune(base, data, {
        frozenLayers: 1,
        shots: 3,
        loss: lossConfigFor(name),
        seed: 2,
        overrides: { epochs: 2, stepsPerEpoch: 3, patience: 0 },
      })
      expect(tuned.diagnostics.map((d) => d.epoch)).toEqual([1, 2])
      for (const d of tuned.diagnostics) expect(d.weight_change).toBeGreaterThan(0)
      base.net.dispose()
      tuned.net.dispose()
    })
  }

  it('weight_change is ||w - w0|| / ||w0|| over the given variables', () => {
    const a = tf.variable(tf.tensor1d([3, 4]))
    const start = [tf.tensor1d([0, 4])]
    expect(weightChange([a], start)).toBeCloseTo(3 / 4, 6)
    expect(() => weightChange([a], [])).toThrow(/1 variables, 0 starting values/)
    tf.dispose([a, ...start])
  })

  it('a resumed run keeps measuring weight_change from the phase start (w0 is in the checkpoint)', async () => {
    const cfg = defaultTrainConfig(arch, { epochs: 3, stepsPerEpoch: 4, pairsPerBatch: 16, patience: 0, validationSpeakers: 0 })
    const split = { train: data.labels.map((_, i) => i), val: [] }
    const whole = buildNetwork(arch, 4)
    const ref = await trainSiamese(whole, data, cfg, split)
    whole.dispose()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-diag-'))
    try {
      const ac = new AbortController()
      const first = buildNetwork(arch, 4)
      await expect(
        trainSiamese(first, data, cfg, split, { checkpointDir: dir, signal: ac.signal, onEpoch: (r) => r.epoch === 1 && ac.abort() }),
      ).rejects.toThrow(JobCancelledError)
      first.dispose()
      const second = buildNetwork(arch, 9) // other weights: the resume must take w and w0 from the checkpoint
      const r = await trainSiamese(second, data, cfg, split, { checkpointDir: dir })
      second.dispose()
      expect(r.resumedFromEpoch).toBe(1)
      expect(r.history.map((h) => h.diagnostics.weight_change)).toEqual(
        ref.history.map((h) => h.diagnostics.weight_change).map((v, k) => expect.closeTo(v, k === 0 ? 9 : 4)),
      )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('with frozen layers, weight_change covers the trainable layers only', async () => {
    const net = buildNetwork(arch, 5)
    const frozenBefore = net.layers[0].kernel.dataSync().slice()
    const cfg = defaultTrainConfig(arch, { epochs: 1, stepsPerEpoch: 3, pairsPerBatch: 16, patience: 0, validationSpeakers: 0, frozenLayers: 1 })
    const start = net.trainableVariables(1).map((v) => tf.clone(v))
    const r = await trainSiamese(net, data, cfg, { train: data.labels.map((_, i) => i), val: [] })
    expect(Array.from(net.layers[0].kernel.dataSync())).toEqual(Array.from(frozenBefore))
    expect(r.history[0].diagnostics.weight_change).toBeCloseTo(weightChange(net.trainableVariables(1), start), 5)
    tf.dispose(start)
    net.dispose()
  })
})
