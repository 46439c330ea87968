import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import {
  calibrateFromRows,
  checkExamples,
  listProfiles,
  loadEnrolledProfile,
  removeProfile,
  runEnrollment,
  stratifiedFolds,
  type EnrollRunProgress,
} from '../../../src-main/services/enroll/index'
import { filesToItems, predict } from '../../../src-main/services/model/index'
import { saveRecording } from '../../../src-main/services/recordings/index'
import { readCard } from '../../../src-main/services/model/storage'
import { setLabelRule } from '../../../src-main/services/store/label-rule'
import type { EnrollResult } from '../../../src-shared/contract/enroll'
import { tempWorkspace } from '../../helpers/workspace'
import { recordExamples } from './helpers'

const ws = tempWorkspace('ser-enroll-')
afterAll(() => ws.cleanup())

describe('leave-some-out folds', () => {
  it('hold every example out exactly once, each class spread over the folds', () => {
    const labels = [...Array(5).fill('a'), ...Array(3).fill('b'), ...Array(4).fill('c')]
    const fold = stratifiedFolds(labels, 3, 1)
    expect(fold.every((f) => f >= 0 && f < 3)).toBe(true)
    for (const c of ['a', 'b', 'c']) {
      const per = [0, 1, 2].map((f) => labels.filter((l, i) => l === c && fold[i] === f).length)
      expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1)
    }
    const sizes = [0, 1, 2].map((f) => fold.filter((x) => x === f).length)
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
    expect(stratifiedFolds(labels, 3, 1)).toEqual(fold)
    expect(stratifiedFolds(labels, 3, 2)).not.toEqual(fold)
  })

  it('calibrate the temperature so confident answers are right about as often as they claim', () => {
    // Separated rows: own class at distance ~1, others at ~3; one row in ten is wrong.
    const rows = Array.from({ length: 40 }, (_, i) => (i % 10 === 0 ? { d: [1, 3], y: 1 } : { d: [1 + (i % 3) * 0.1, 3], y: 0 }))
    const c = calibrateFromRows(rows)
    expect(c.temperature).toBeGreaterThan(0)
    expect(c.ece).toBeLessThan(0.15)
    expect(c.uncertainDistance).toBeGreaterThan(3)
  })

  it('gives no ECE when the rows cannot be split into a calibration half and a scoring half', () => {
    // The ECE is cross-fitted (each half scored with the temperature of the other half),
    // so with fewer than 2 rows per half there is nothing disjoint to measure it on.
    expect(calibrateFromRows([{ d: [1, 3], y: 0 }, { d: [1, 3], y: 1 }]).ece).toBeNull()
    expect(calibrateFromRows(Array.from({ length: 8 }, (_, i) => ({ d: [1, 3], y: i % 2 }))).ece).not.toBeNull()
  })
})

describe('examples are checked before any work', () => {
  it('names what is wrong with the chosen clips', async () => {
    const s = new Int16Array(8000).map((_, i) => Math.round(8000 * Math.sin(i / 9)))
    const a1 = saveRecording(ws, { person: 'Chk', emotion: 'angry', samples: s }).clipId
    const a2 = saveRecording(ws, { person: 'Chk', emotion: 'angry', samples: s.map((v) => v >> 1) }).clipId
    const b1 = saveRecording(ws, { person: 'Chk', emotion: 'sad', samples: s.map((v) => v >> 2) }).clipId
    const u = saveRecording(ws, { person: 'Chk', emotion: null, samples: s.map((v) => v >> 3) }).clipId
    expect(() => checkExamples(ws, [a1, a2])).toThrow(/at least 2 emotions, got only angry/)
    expect(() => checkExamples(ws, [a1, a2, b1])).toThrow(/at least 2 examples .*sad has 1/)
    expect(() => checkExamples(ws, [a1, a2, b1, u])).toThrow(/have no emotion label/)
    expect(() => checkExamples(ws, [a1, a2, b1, 999999])).toThrow(/no clip with id 999999/)
    expect(() => checkExamples(ws, [a1, a1, b1])).toThrow(/chosen twice/)
  })
})

describe('enrollment on a person\'s recordings (real features, real fine-tuning)', () => {
  let clipIds: number[] = []
  let result: EnrollResult
  const progress: EnrollRunProgress[] = []
  const out = path.join(ws.dir, 'profiles', 'ada-test')

  beforeAll(async () => {
    await initBackend()
    clipIds = await recordExamples(ws, 'Ada', ['angry', 'sad', 'happy'], 4)
    result = await runEnrollment(
      { workspace: ws.dir, out, name: 'Ada three moods', person: 'Ada', clipIds, baseModel: 'default', epochs: 6, folds: 5, seed: 3 },
      (p) => progress.push(p),
    )
  }, 600_000)

  it('estimates held-out accuracy with every example held out once, well above chance', () => {
    const h = result.heldOut
    // 4 examples per emotion, so at most 4 folds although 5 were asked for.
    expect(h.folds).toBe(4)
    expect(h.method).toMatch(/stratified 4-fold leave-some-out on the 12 examples/)
    expect(h.predictions.map((p) => p.clipId).sort((a, b) => a - b)).toEqual([...clipIds].sort((a, b) => a - b))
    const right = h.predictions.filter((p) => p.predicted === p.label).length / h.predictions.length
    expect(h.accuracy).toBeCloseTo(right, 10)
    console.log(
      `held-out accuracy ${h.accuracy.toFixed(3)} (base network without fine-tuning ${h.baseAccuracy.toFixed(3)}); ${result.elapsedSec}s on ${result.backend}`,
    )
    expect(h.accuracy).toBeGreaterThan(0.6) // chance is 1/3
    expect(result.classes).toEqual(['angry', 'happy', 'sad'])
    expect(result.counts).toEqual({ angry: 4, sad: 4, happy: 4 })
  })

  it('reports progress through features, every fold and the final fine-tuning', () => {
    const phases = [...new Set(progress.map((p) => p.detail.phase))]
    expect(phases).toEqual(['features', 'folds', 'final', 'save'])
    const folds = new Set(progress.filter((p) => p.detail.phase === 'folds').map((p) => p.detail.step))
    expect([...folds].sort()).toEqual([1, 2, 3, 4])
    expect(progress.some((p) => p.detail.epoch === 6 && p.detail.trainLoss !== null)).toBe(true)
    const fractions = progress.map((p) => p.fraction ?? 0)
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1] - 1e-9)
  })

  it('draws an embedding map of every example, classes apart', () => {
    const m = result.map
    expect(m.points).toHaveLength(12)
    expect(m.explained[0]).toBeGreaterThan(0)
    expect(m.explained[0] + m.explained[1]).toBeLessThanOrEqual(1 + 1e-9)
    expect(m.explained[0]).toBeGreaterThanOrEqual(m.explained[1])
    // Each point is nearer its own emotion's prototype than the others' on average.
    const d = (p: { x: number; y: number }, q: { x: number; y: number }) => Math.hypot(p.x - q.x, p.y - q.y)
    let own = 0
    let other = 0
    for (const p of m.points) {
      for (const q of m.prototypes) (q.label === p.label ? (own += d(p, q)) : (other += d(p, q) / 2))
    }
    expect(own).toBeLessThan(other)
    // And the same examples before fine-tuning, for comparison.
    expect(result.baseMap?.points.map((p) => p.clipId)).toEqual(m.points.map((p) => p.clipId))
    expect(result.baseMap?.points).not.toEqual(m.points)
  })

  it('saves a named profile that loads and classifies the person\'s own recordings', async () => {
    expect(fs.existsSync(path.join(out, 'profile.json'))).toBe(true)
    expect(fs.existsSync(path.join(out, 'enroll.json'))).toBe(true)
    const listed = listProfiles(ws).find((p) => p.name === 'Ada three moods')
    expect(listed).toMatchObject({
      id: String(result.profileId),
      person: 'Ada',
      builtIn: false,
      classes: ['angry', 'happy', 'sad'],
      examples: 12,
      heldOutAccuracy: result.heldOut.accuracy,
    })
    expect(listProfiles(ws).at(-1)).toMatchObject({ id: 'default', builtIn: true })
    const { model, card, profile } = await loadEnrolledProfile(ws, String(result.profileId))
    expect(card.targetCorpus).toBe('recordings of Ada')
    expect(profile.temperature).toBeCloseTo(result.calibration.temperature, 8)
    // The card lists the roles (the base model's plus the person) and the out-of-fold figure
    // with n, intervals and chance; held out by clip, so no speaker is listed as held out.
    expect(card.speakers?.finetune).toContain('person:Ada')
    expect(card.speakers?.heldOut).toEqual([])
    expect(card.heldOut).toMatchObject({ n: 12, speakers: 1, chance: { uar: 1 / 3 } })
    expect(card.heldOut!.accuracy.value).toBeCloseTo(result.heldOut.accuracy, 10)
    expect(card.heldOut!.uar.method).toMatch(/too few speakers for an interval \(1, at least 5\)/)
    expect(card.heldOut!.uar.low).toBeNull()
    expect(card.heldOut!.accuracy.low).toBeLessThanOrEqual(card.heldOut!.accuracy.value)
    const paths = ws.db.prepare(`SELECT path FROM clips WHERE id IN (${clipIds.join(',')}) ORDER BY id`).pluck().all() as string[]
    const preds = predict(model, profile, await filesToItems(paths, card))
    const truth = ws.db.prepare(`SELECT emotion FROM labels WHERE clip_id IN (${clipIds.join(',')}) ORDER BY clip_id`).pluck().all() as string[]
    const right = preds.filter((p, i) => p.top === truth[i]).length
    expect(right).toBeGreaterThanOrEqual(10) // its own support set: nearly all right
  })

  it('refuses a second profile of the same name and removes a profile with its folder', async () => {
    await expect(
      runEnrollment({ workspace: ws.dir, out: path.join(ws.dir, 'profiles', 'dup'), name: 'Ada three moods', person: 'Ada', clipIds, finetune: false }),
    ).rejects.toThrow(/already exists/)
    expect(fs.existsSync(path.join(ws.dir, 'profiles', 'dup'))).toBe(false)
    // Prototypes only (no fine-tuning): fast, and held-out accuracy is the base network's.
    const quick = await runEnrollment({
      workspace: ws.dir,
      out: path.join(ws.dir, 'profiles', 'quick'),
      name: 'Ada quick',
      person: 'Ada',
      clipIds,
      finetune: false,
    })
    expect(quick.finetuned).toBe(false)
    expect(quick.baseMap).toBeNull()
    expect(quick.heldOut.accuracy).toBeCloseTo(quick.heldOut.baseAccuracy, 10)
    removeProfile(ws, quick.profileId)
    expect(fs.existsSync(path.join(ws.dir, 'profiles', 'quick'))).toBe(false)
    expect(listProfiles(ws).map((p) => p.name)).not.toContain('Ada quick')
    await expect(loadEnrolledProfile(ws, String(quick.profileId))).rejects.toThrow(/no profile with id/)
  }, 120_000)

  it('does not leak held-out examples: with labels that ignore the audio, held-out accuracy falls to chance', async () => {
    // Relabel the same 12 clips so each label holds a mix of the real emotions, and make the shuffler's labels count (the dataset's label rule).
    const mixed = ['angry', 'sad', 'happy', 'angry', 'sad', 'happy', 'angry', 'sad', 'happy', 'angry', 'sad', 'happy']
    const add = ws.db.prepare("INSERT INTO labels (clip_id, emotion, annotator, source) VALUES (?, ?, 'shuffler', 'annotator')")
    clipIds.forEach((id, i) => add.run(id, mixed[i]))
    setLabelRule(ws, ws.db.prepare('SELECT dataset_id FROM clips WHERE id = ?').pluck().get(clipIds[0]) as number, { kind: 'annotator', annotator: 'shuffler' })
    const r = await runEnrollment({
      workspace: ws.dir,
      out: path.join(ws.dir, 'profiles', 'mixed'),
      name: 'Ada mixed',
      person: 'Ada',
      clipIds,
      epochs: 6,
      seed: 3,
    })
    console.log(`held-out accuracy with audio-blind labels ${r.heldOut.accuracy.toFixed(3)} (base ${r.heldOut.baseAccuracy.toFixed(3)})`)
    expect(r.heldOut.accuracy).toBeLessThan(0.5)
    // Yet the profile fits its own support set: why held-out, not training, accuracy is what the view shows.
    expect(r.counts).toEqual({ angry: 4, sad: 4, happy: 4 })
    // the enrolled model's card says whose labels the examples carried
    expect(readCard(path.join(ws.dir, 'profiles', 'mixed')).labelRule?.target).toEqual({ kind: 'annotator', annotator: 'shuffler' })
  }, 120_000)
})
