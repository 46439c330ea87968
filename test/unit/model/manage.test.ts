/**
 * Model management through the registry (services/model/registry.ts) and the training
 * request check (request-check.ts): names unique ignoring case, delete that says why it
 * refuses and leaves folders it did not make, per-epoch curves kept in the run's row, and
 * shots refused above what the fine-tune speakers of the target have.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  beginRun,
  deleteModel,
  finishRun,
  listRuns,
  modelHistory,
  recordEpoch,
  registerModel,
  renameModel,
  undeletableReason,
  getModel,
  uniqueModelName,
} from '../../../src-main/services/model/registry'
import { checkTrainRequest, shotBudgetOf } from '../../../src-main/services/model/request-check'
import { labelledClips } from '../../../src-main/services/model/data'
import { planSplit } from '../../../src-main/services/model/roles'
import type { EpochReport } from '../../../src-main/services/model/types'
import { tempDir, tempWorkspace } from '../../helpers/workspace'
import { card, modelDir } from './model-folder'
import { tinyWorkspace } from './trained-workspace'


const epoch = (e: number, trainLoss: number, valLoss: number | null = 0.5): EpochReport =>
  ({ epoch: e, epochs: 3, trainLoss, valLoss, valAccuracy: 0.4, pairsPerSecond: 100, resumed: false }) as EpochReport

let ws: ReturnType<typeof tempWorkspace>
afterEach(() => ws?.cleanup())

describe('model names, rename and delete', () => {
  it('refuses a name that differs only in case, at registration and at rename; a model may change its own case', () => {
    ws = tempWorkspace()
    const a = registerModel(ws, { name: 'alpha', dir: modelDir(ws.subdir('models'), 'a', 'alpha'), card: card('alpha') })
    expect(() => registerModel(ws, { name: 'Alpha', dir: modelDir(ws.subdir('models'), 'b', 'Alpha'), card: card('Alpha') })).toThrow(
      /a model named 'Alpha' already exists/,
    )
    expect(uniqueModelName(ws, 'ALPHA', path.join(ws.subdir('models'), 'c'), new Date('2026-12-01T12:00:00Z'))).toBe('ALPHA 2026-12-01 12:00')
    const b = registerModel(ws, { name: 'beta', dir: modelDir(ws.subdir('models'), 'b2', 'beta'), card: card('beta') })
    expect(() => renameModel(ws, b, 'ALPHA')).toThrow(/already exists/)
    expect(renameModel(ws, a, 'Alpha').name).toBe('Alpha')
  })

  it('says why a model in use cannot go; deletes its own folder, leaves a folder registered from elsewhere, keeps its runs', () => {
    ws = tempWorkspace()
    const own = modelDir(ws.subdir('models'), 'own', 'own')
    const id = registerModel(ws, { name: 'own', dir: own, card: card('own') })
    const run = beginRun(ws, { out: own }, 'cpu')
    expect(undeletableReason(ws, getModel(ws, id)!)).toMatch(/is being trained/)
    finishRun(ws, run, { state: 'done', modelId: id, history: [{ ...epoch(1, 1), phase: 'pretrain' }] })
    ws.db.prepare("INSERT INTO profiles (name, model_id, profile_path, classes_json) VALUES ('Ann', ?, 'x', '[]')").run(id)
    expect(undeletableReason(ws, getModel(ws, id)!)).toMatch(/belongs to profile 'Ann'/)
    expect(() => deleteModel(ws, id)).toThrow(/belongs to profile 'Ann'/)
    ws.db.prepare('DELETE FROM profiles').run()
    expect(undeletableReason(ws, getModel(ws, id)!)).toBeNull()
    deleteModel(ws, id)
    expect(fs.readdirSync(ws.subdir('models'))).toEqual([]) // no folder, and nothing left aside
    expect(listRuns(ws)[0]).toMatchObject({ id: run, modelId: null, state: 'done' })

    const elsewhere = modelDir(tempDir(), 'ext', 'ext')
    const ext = registerModel(ws, { name: 'ext', dir: elsewhere, card: card('ext') })
    deleteModel(ws, ext)
    expect(getModel(ws, ext)).toBeNull()
    expect(fs.existsSync(path.join(elsewhere, 'card.json'))).toBe(true)
    fs.rmSync(path.dirname(elsewhere), { recursive: true, force: true })
  })
})

describe('training history', () => {
  it('keeps each epoch of both phases in the run row while it trains; a re-run epoch replaces the later ones', () => {
    ws = tempWorkspace()
    const out = path.join(ws.subdir('models'), 'r')
    const run = beginRun(ws, { out }, 'cpu')
    for (const e of [1, 2, 3]) recordEpoch(ws, run, { ...epoch(e, 1 / e), phase: 'pretrain' })
    recordEpoch(ws, run, { ...epoch(1, 0.2, NaN), phase: 'finetune' })
    // restarted from the checkpoint of pre-training epoch 1
    recordEpoch(ws, run, { ...epoch(2, 0.9), phase: 'pretrain' })
    const h = listRuns(ws)[0].history
    expect(h.map((p) => `${p.phase}${p.epoch}:${p.trainLoss}`)).toEqual(['pretrain1:1', 'pretrain2:0.9', 'finetune1:0.2'])
    expect(h[2].valLoss).toBeNull()
    const id = registerModel(ws, { name: 'r', dir: modelDir(ws.subdir('models'), 'r', 'r'), card: card('r') })
    finishRun(ws, run, { state: 'done', modelId: id, history: h })
    expect(modelHistory(ws, id)).toEqual({ runId: run, history: h })
  })
})

describe('training request check', () => {
  let tiny: Awaited<ReturnType<typeof tinyWorkspace>>
  beforeAll(async () => {
    tiny = await tinyWorkspace('tiny-a')
  }, 300_000)
  afterAll(() => tiny?.cleanup())

  it('counts the clips per class of the speakers the shots come from, and refuses more shots or source = target', () => {
    const { clips } = labelledClips(tiny, 'tiny-a')
    const d = { labels: clips.map((c) => c.emotion), speakers: clips.map((c) => c.speaker), x: new Float32Array(0), itemShape: [0] }
    // 8 speakers, no target: 2 held out, 1 calibration, 1 validation, 4 give the shots
    const roles = planSplit(d, null, { seed: 1, shots: 1, sourceName: 'tiny-a' }).roles
    const shotSpeakers = new Set(roles.pretrain.map((s) => s.slice('tiny-a:'.length)))
    expect(shotSpeakers.size).toBe(4)
    const perClass: Record<string, number> = {}
    clips.forEach((c) => shotSpeakers.has(c.speaker) && (perClass[c.emotion] = (perClass[c.emotion] ?? 0) + 1))
    const b = shotBudgetOf(tiny, { source: 'tiny-a', target: null, seed: 1 })
    expect(b).toEqual({ dataset: 'tiny-a', speakers: 4, perClass, max: Math.min(...Object.values(perClass)) })
    expect(b.max).toBeGreaterThan(0)
    expect(checkTrainRequest(tiny, { source: 'tiny-a', target: null, seed: 1, shots: b.max }).max).toBe(b.max)
    expect(() => checkTrainRequest(tiny, { source: 'tiny-a', target: null, seed: 1, shots: b.max + 1 })).toThrow(
      new RegExp(`${b.max + 1} shots per class asked, but the 4 fine-tune speakers of 'tiny-a' have fewer clips of: .*Choose at most ${b.max} shots`),
    )
    expect(() => checkTrainRequest(tiny, { source: 'tiny-a', target: 'tiny-a', seed: 1, shots: 1 })).toThrow(/target dataset must differ from the source/)
    expect(() => shotBudgetOf(tiny, { source: 'nope', target: null, seed: 1 })).toThrow(/no dataset 'nope'/)
  })
})
