/**
 * Held-out means held out: each model has one speaker split (services/model/roles.ts),
 * its card lists the speakers of every role, and no held-out speaker appears in any
 * other role, for the split itself, for a real training run, and for the shipped
 * default model. The held-out figure carries n, 95% intervals and the chance level.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { closeFeaturePool } from '../../../src-main/services/features/index'
import { defaultModelDir } from '../../../src-main/services/model/default-model'
import { bootstrapUar, chanceLevels, describeUar, wilson } from '../../../src-main/services/model/estimate'
import { MIN_INTERVAL_UNITS } from '../../../src-shared/units'
import { evaluateModel } from '../../../src-main/services/model/evaluate'
import { heldOutLeaks, planSplit } from '../../../src-main/services/model/roles'
import { runTraining } from '../../../src-main/services/model/run'
import { loadModel, readCard } from '../../../src-main/services/model/storage'
import type { ItemSet } from '../../../src-main/services/model/types'
import { tinyWorkspace } from './trained-workspace'

function items(speakers: number, perSpeaker: number, classes = ['a', 'b', 'c']): ItemSet {
  const labels: string[] = []
  const spk: string[] = []
  for (let s = 1; s <= speakers; s++) for (let k = 0; k < perSpeaker; k++) labels.push(classes[k % classes.length]), spk.push(String(s))
  return { x: new Float32Array(labels.length), itemShape: [1], labels, speakers: spk }
}

const speakersAt = (d: ItemSet, idx: number[], ds: string) => new Set(idx.map((i) => `${ds}:${d.speakers[i]}`))

describe('the speaker split', () => {
  it('source only: held-out speakers are in no other role, and every index set matches its role', () => {
    for (const n of [2, 3, 4, 9, 24]) {
      const src = items(n, 6)
      const s = planSplit(src, null, { seed: 1, shots: 2, sourceName: 'src' })
      expect(heldOutLeaks(s.roles)).toEqual([])
      expect(speakersAt(src, s.pretrain.train, 'src')).toEqual(new Set(s.roles.pretrain))
      expect(speakersAt(src, s.pretrain.val, 'src')).toEqual(new Set(s.roles.validation))
      expect(speakersAt(src, s.calibration, 'src')).toEqual(new Set(s.roles.calibration))
      expect(speakersAt(src, s.heldOut, 'src')).toEqual(new Set(s.roles.heldOut))
      // Calibration and the held-out estimate never share a clip.
      expect(s.calibration.filter((i) => s.heldOut.includes(i))).toEqual([])
      if (n >= 2) expect(s.roles.heldOut.length).toBeGreaterThan(0)
    }
  })

  it(
    'with a target: source speakers pre-train, the target gives shots, validation, calibration and held-out; the profile support is the fine-tuning shots',
    () => {
      const src = items(10, 6)
      const tgt = items(8, 9)
      const s = planSplit(src, tgt, { seed: 3, shots: 2, sourceName: 'src', targetName: 'tgt' })
      expect(heldOutLeaks(s.roles)).toEqual([])
      expect(s.finetune!.train).toEqual(s.shots)
      // K shots per class in all, not up to 2K.
      for (const c of ['a', 'b', 'c']) expect(s.shots.filter((i) => tgt.labels[i] === c)).toHaveLength(2)
      expect([...speakersAt(tgt, s.heldOut, 'tgt')].every((x) => x.startsWith('tgt:'))).toBe(true)
      expect(s.roles.pretrain.every((x) => x.startsWith('src:'))).toBe(true)
      expect(() => planSplit(src, tgt, { seed: 1, shots: 2, sourceName: 'same', targetName: 'same' })).toThrow(/must differ/)
    },
  )

  it('heldOutLeaks names a held-out speaker that also trained', () => {
    expect(heldOutLeaks({ pretrain: ['d:1', 'd:2'], validation: [], finetune: [], calibration: ['d:3'], heldOut: ['d:2', 'd:4'] })).toEqual([
      { speaker: 'd:2', role: 'pretrain' },
    ])
  })
})

describe('held-out figures', () => {
  it('Wilson interval of 8/10 and 0/5; chance levels', () => {
    const w = wilson(8, 10)
    expect(w.low).toBeCloseTo(0.4902, 3)
    expect(w.high).toBeCloseTo(0.9433, 3)
    expect(wilson(0, 5).low).toBe(0)
    expect(wilson(0, 5).high).toBeCloseTo(0.4345, 3)
    expect(chanceLevels(['a', 'a', 'a', 'b'])).toEqual({ accuracy: 0.75, uar: 0.5 })
  })

  it('no UAR interval over fewer than 5 speakers: each speaker\'s UAR instead, and says so', () => {
    const truth = ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']
    const pred = ['a', 'b', 'a', 'b', 'b', 'a', 'b', 'a']
    const two = bootstrapUar(truth, pred, ['1', '1', '1', '1', '2', '2', '2', '2'])
    expect(two.value).toBeCloseTo(0.5)
    expect(two.low).toBeNull()
    expect(two.high).toBeNull()
    expect(two.method).toBe(`too few speakers for an interval (2, at least ${MIN_INTERVAL_UNITS})`)
    expect(two.perSpeaker).toEqual([{ speaker: '1', value: 1, n: 4 }, { speaker: '2', value: 0, n: 4 }])
    // one speaker: no bootstrap over clips either
    expect(bootstrapUar(truth, pred, truth.map(() => 'x')).low).toBeNull()
    expect(describeUar(two)).toBe('0.500 (too few speakers for an interval (2, at least 5); per speaker: 1 1.000, 2 0.000)')
  })

  it('the UAR bootstrap resamples speakers (and says so) from 5 speakers on', () => {
    const spk = ['1', '2', '3', '4', '5']
    const truth = spk.flatMap(() => ['a', 'b', 'a', 'b'])
    const pred = spk.flatMap((s) => (Number(s) % 2 ? ['a', 'b', 'a', 'b'] : ['b', 'a', 'b', 'a']))
    const five = bootstrapUar(truth, pred, spk.flatMap((s) => [s, s, s, s]))
    expect(five.method).toBe('bootstrap over 5 speakers')
    expect(five.low).toBeLessThan(five.value)
    expect(five.high).toBeGreaterThan(five.value)
    expect(five.perSpeaker).toBeUndefined()
  })
})

describe('a trained model and its card', () => {
  let ws: Awaited<ReturnType<typeof tinyWorkspace>>
  beforeAll(async () => {
    await initBackend()
    ws = await tinyWorkspace()
  }, 240_000)
  afterAll(async () => {
    await closeFeaturePool()
    ws?.cleanup()
  })

  it('lists every role, holds held-out speakers out of all of them, and scores exactly their clips', async () => {
    const out = path.join(ws.dir, 'models', 'm1')
    const r = await runTraining({ workspace: ws.dir, source: ws.dataset, out, name: 'heldout-test', epochs: 3, stepsPerEpoch: 10, shots: 3, seed: 2 })
    const card = readCard(out)
    expect(card.speakers).toBeDefined()
    const roles = card.speakers!
    for (const role of ['pretrain', 'validation', 'finetune', 'calibration', 'heldOut'] as const) expect(roles[role].length).toBeGreaterThan(0)
    expect(heldOutLeaks(roles)).toEqual([])
    const ho = card.heldOut!
    // n = the clips of the held-out speakers: 8 speakers x 16 clips, 2 held out.
    const perSpeaker = ws.db.prepare('SELECT COUNT(*) FROM clips c JOIN speakers s ON s.id = c.speaker_id WHERE s.code = ?').pluck()
    expect(ho.n).toBe(roles.heldOut.reduce((a, s) => a + Number(perSpeaker.get(s.split(':')[1])), 0))
    expect(ho.speakers).toBe(roles.heldOut.length)
    expect(ho.accuracy.low).toBeLessThanOrEqual(ho.accuracy.value)
    expect(ho.accuracy.high).toBeGreaterThanOrEqual(ho.accuracy.value)
    expect(ho.accuracy.method).toBe('Wilson, over clips: ignores speaker variation')
    // 2 held-out speakers: no UAR interval
    expect(ho.uar.method).toMatch(/too few speakers for an interval \(2, at least 5\)/)
    expect(ho.uar.low).toBeNull()
    expect(ho.chance.uar).toBeCloseTo(1 / 6)
    expect(card.metrics.heldOutAccuracy).toBe(ho.accuracy.value)
    // The card's ECE is the held-out one, not the calibration speakers' own.
    expect(card.calibration!.ece).toBe(ho.ece)
    expect(r.card.name).toBe('heldout-test')

    // `ser evaluate` on the same dataset tests only on speakers the model never used.
    const { model } = await loadModel(out)
    const ev = await evaluateModel(ws, model, card, ws.dataset, { shots: 2, seeds: [1, 2], testSpeakers: 0.33, method: 'prototype' })
    for (const run of ev.runs) expect(run.testSpeakers.map((s) => `${ws.dataset}:${s}`).sort()).toEqual([...roles.heldOut].sort())
    expect(ev.runs[0].estimate.n).toBe(ho.n)
    expect(ev.warning).toBeNull()
    // `ser evaluate` says how many test clips it withholds as unfamiliar, at the card's threshold, and the accuracy of the rest (issue 21)
    for (const run of ev.runs) {
      expect(run.unfamiliar.threshold).toBe(card.unfamiliarity!.threshold)
      expect(run.unfamiliar.n).toBe(run.estimate.n)
      expect(run.unfamiliar.answered + run.unfamiliar.flagged).toBe(run.unfamiliar.n)
      expect(run.unfamiliar.accuracyAll).toBeCloseTo(run.estimate.accuracy.value, 10)
      expect(run.unfamiliar.share.low).toBeLessThanOrEqual(run.unfamiliar.share.value)
    }
  }, 300_000)
})

describe('the shipped default model', () => {
  it('lists the speakers of every role, with held-out speakers in none of the others, and a held-out figure with n, interval and chance', () => {
    const card = readCard(defaultModelDir())
    expect(card.speakers).toBeDefined()
    expect(heldOutLeaks(card.speakers!)).toEqual([])
    expect(card.speakers!.heldOut.length).toBeGreaterThanOrEqual(3)
    const ho = card.heldOut!
    expect(ho.n).toBeGreaterThan(50)
    expect(ho.accuracy.low).toBeLessThan(ho.accuracy.high)
    expect(ho.chance.uar).toBeCloseTo(1 / 6)
    expect(fs.existsSync(path.join(defaultModelDir(), 'profile.json'))).toBe(true)
  })
})
