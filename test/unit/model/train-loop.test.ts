/**
 * The training loop with callbacks (model/train-loop.ts, train-callbacks.ts): the loop reproduces
 * the numbers trainSiamese gave before it was restructured (fixtures/train-reference.json, captured
 * from the old code), and each callback does its one job alone.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { buildNetwork } from '../../../src-main/services/model/networks'
import { makeRng } from '../../../src-main/services/model/sampling'
import { loadCheckpoint } from '../../../src-main/services/model/checkpoint'
import { runTrainingLoop, type EpochLogs, type LoopState, type TrainCallback } from '../../../src-main/services/model/train-loop'
import { Checkpoint, Diagnostics, EarlyStopping, History, Progress, StoppedTraining, Validation } from '../../../src-main/services/model/train-callbacks'
import { lossConfigFor } from '../../../src-main/services/model/losses'
import { makeSyntheticCorpus } from '../../../src-main/services/model/synthetic'
import { CASES, REFERENCE_FILE, runCase, type CaseResult } from './train-reference'

const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)))

describe('training loop: same results as before the restructuring', () => {
  const ref = JSON.parse(fs.readFileSync(REFERENCE_FILE, 'utf8')) as CaseResult[]
  for (const c of CASES) {
    it(c.name, async () => {
      const want = ref.find((r) => r.name === c.name)!
      const got = await runCase(c)
      expect(got.history.length).toBe(want.history.length)
      expect(got.best).toEqual(want.best && { ...want.best, valLoss: expect.closeTo(want.best.valLoss, 4) })
      got.history.forEach((h, i) => {
        const w = want.history[i]
        for (const k of ['trainLoss', 'valLoss', 'valAccuracy', 'active', 'grad', 'norm', 'change'] as const)
          expect(close(h[k], w[k]), `${k} at epoch ${h.epoch}: ${h[k]} vs ${w[k]}`).toBe(true)
      })
      expect(close(got.weightSum, want.weightSum)).toBe(true)
    })
  }
})

/** A loop state on a tiny network (the callbacks' tests need no data). */
function tinyState(epochs = 5): LoopState {
  const net = buildNetwork({ kind: 'mlp', inputDim: 4, hidden: [6], embedding: 3 }, 1)
  return { net, vars: net.trainableVariables(0), optimizer: tf.train.adam(1e-3), epochs, rng: makeRng(1), startEpoch: 0, history: [], stopTraining: false }
}
const logs = (epoch: number, extra: Partial<EpochLogs> = {}): EpochLogs => ({
  epoch,
  epochs: 5,
  pairs: 10,
  seconds: 1,
  resumed: false,
  valLoss: null,
  valAccuracy: null,
  ...extra,
})
const diag = (active: number) => ({ epoch: 1, loss: 1, active_fraction: active, grad_norm: 1, embedding_norm: 1, weight_change: 0 })
const noSteps = async () => 0

describe('training callbacks, each alone', () => {
  it('EarlyStopping: keeps the best epoch, stops after patience, never before minEpochs, restores the best weights', () => {
    const s = tinyState()
    const es = new EarlyStopping({ patience: 2, minEpochs: 4 })
    const w0 = s.net.getWeights().map((w) => w.clone())
    es.onEpochEnd(logs(1, { valAccuracy: 0.5, valLoss: 1 }), s)
    s.net.setWeights(s.net.getWeights().map((w) => tf.add(w, 1)))
    es.onEpochEnd(logs(2, { valAccuracy: 0.4, valLoss: 1 }), s)
    es.onEpochEnd(logs(3, { valAccuracy: 0.4, valLoss: 1 }), s)
    expect(es.sinceBest).toBe(2)
    expect(s.stopTraining).toBe(false) // patience reached at epoch 3 but minEpochs is 4
    es.onEpochEnd(logs(4, { valAccuracy: 0.45, valLoss: 0.5 }), s)
    expect(s.stopTraining).toBe(true)
    expect(es.best).toEqual({ epoch: 1, valAccuracy: 0.5, valLoss: 1 })
    es.onTrainEnd(s)
    s.net.getWeights().forEach((w, i) => expect(tf.max(tf.abs(tf.sub(w, w0[i]))).dataSync()[0]).toBe(0))
  })

  it('EarlyStopping: equal accuracy with a lower loss is better; patience 0 never stops', () => {
    const s = tinyState()
    const es = new EarlyStopping({ patience: 0 })
    es.onEpochEnd(logs(1, { valAccuracy: 0.5, valLoss: 1 }), s)
    es.onEpochEnd(logs(2, { valAccuracy: 0.5, valLoss: 0.9 }), s)
    for (let e = 3; e < 20; e++) es.onEpochEnd(logs(e, { valAccuracy: 0.1, valLoss: 2 }), s)
    expect(es.best?.epoch).toBe(2)
    expect(s.stopTraining).toBe(false)
    es.dispose()
  })

  it('StoppedTraining: notes the first epoch whose active fraction is <= 0.01', () => {
    const st = new StoppedTraining()
    st.onEpochEnd({ ...logs(1), diagnostics: diag(0.5) })
    expect(st.stoppedAt).toBeNull()
    st.onEpochEnd({ ...logs(2), diagnostics: diag(0.01) })
    st.onEpochEnd({ ...logs(3), diagnostics: diag(0) })
    expect(st.stoppedAt).toBe(2)
  })

  it('History: one report per epoch from the logs; it needs the diagnostics', () => {
    const s = tinyState()
    const h = new History()
    h.onEpochEnd({ ...logs(1, { valAccuracy: 0.3, valLoss: 2 }), diagnostics: diag(0.7) }, s)
    expect(s.history).toEqual([{ epoch: 1, epochs: 5, trainLoss: 1, valLoss: 2, valAccuracy: 0.3, pairsPerSecond: 10, resumed: false, diagnostics: diag(0.7) }])
    expect(() => h.onEpochEnd(logs(2), s)).toThrow(/Diagnostics/)
  })

  it('Progress: hands the last report to the caller', async () => {
    const s = tinyState()
    const seen: number[] = []
    s.history.push({ epoch: 3, epochs: 5, trainLoss: 1, valLoss: null, valAccuracy: null, pairsPerSecond: 1, resumed: false, diagnostics: diag(1) })
    await new Progress((r) => seen.push(r.epoch)).onEpochEnd(logs(3), s)
    expect(seen).toEqual([3])
  })

  const data = makeSyntheticCorpus({ classes: ['a', 'b', 'c'], speakers: 4, perSpeakerPerClass: 3, seed: 5, dim: 4, speakerPrefix: 's' })
  const idx = data.labels.map((_, i) => i)
  const lastSpeaker = data.speakers[data.speakers.length - 1]
  const split = { train: idx.filter((i) => data.speakers[i] !== lastSpeaker), val: idx.filter((i) => data.speakers[i] === lastSpeaker) }

  it('Validation: fills the validation accuracy and loss; nothing without validation items', () => {
    const s = tinyState()
    const l = logs(1)
    new Validation(data, split, lossConfigFor('distance')).onEpochEnd(l, s)
    expect(l.valAccuracy).toBeGreaterThanOrEqual(0)
    expect(l.valLoss).toBeGreaterThan(0)
    const none = logs(1)
    new Validation(data, { train: idx, val: [] }, lossConfigFor('distance')).onEpochEnd(none, s)
    expect(none.valAccuracy).toBeNull()
  })

  it('Diagnostics: averages the steps of an epoch and measures the weight change from the phase start', async () => {
    const s = tinyState()
    const d = new Diagnostics(data, split.train)
    d.onEpochBegin(0, s)
    for (const v of [1, 3]) d.onBatchEnd({ loss: tf.scalar(v), active: tf.scalar(v / 4), gradNorm: tf.scalar(2 * v) })
    const l = logs(1)
    await d.onEpochEnd(l, s)
    expect(l.diagnostics).toMatchObject({ epoch: 1, loss: 2, active_fraction: 0.5, grad_norm: 4, weight_change: 0 })
    d.dispose()
  })

  it('Checkpoint: saves after each epoch and a second run resumes where the first stopped', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-cb-'))
    try {
      const run = async (stopAfter: number | null) => {
        const s = tinyState(4)
        const d = new Diagnostics(data, split.train)
        const stopper: TrainCallback = { onEpochEnd: (l, st) => void (l.epoch === stopAfter && (st.stopTraining = true)) }
        const cbs = [
          d,
          { onEpochEnd: (l: EpochLogs) => void (l.diagnostics = diag(1)) },
          new History(),
          stopper,
          new Checkpoint(dir, 'key', { diagnostics: d, early: null }),
        ]
        await runTrainingLoop(s, noSteps, cbs)
        return s
      }
      await run(2)
      expect(loadCheckpoint(dir)?.state.epoch).toBe(4) // a stopped run is saved as finished
      fs.rmSync(dir, { recursive: true })
      const first = await run(null)
      expect(first.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4])
      const ck = loadCheckpoint(dir)!
      expect(ck.state.epoch).toBe(4)
      tf.dispose([...ck.tensors.weights, ...(ck.tensors.phaseStart ?? [])])
      ck.tensors.optimizer.forEach((o) => o.tensor.dispose())
      const again = await run(null)
      expect(again.startEpoch).toBe(4)
      expect(again.history.length).toBe(4)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('the loop: hooks in order, stops when a callback asks, disposes callbacks after an error', async () => {
    const s = tinyState(5)
    const calls: string[] = []
    const cb: TrainCallback = {
      onTrainBegin: () => void calls.push('begin'),
      onEpochBegin: (e) => void calls.push(`epoch${e}`),
      onEpochEnd: (l, st) => {
        calls.push(`end${l.epoch}`)
        if (l.epoch === 2) st.stopTraining = true
      },
      onTrainEnd: () => void calls.push('trainEnd'),
      dispose: () => void calls.push('dispose'),
    }
    await runTrainingLoop(s, noSteps, [cb])
    expect(calls).toEqual(['begin', 'epoch0', 'end1', 'epoch1', 'end2', 'trainEnd', 'dispose'])
    const disposed: string[] = []
    const failing = runTrainingLoop(tinyState(3), async () => {
      throw new Error('step failed')
    }, [{ dispose: () => void disposed.push('x') }])
    await expect(failing).rejects.toThrow('step failed')
    expect(disposed).toEqual(['x'])
  })
})
