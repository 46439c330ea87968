/**
 * One training run as the app, the CLI and the worker see it: load features from the
 * workspace, pre-train on the source dataset, optionally fine-tune on the target's
 * K shots per class with N frozen layers, enrol a profile, calibrate it on held-out
 * speakers, and save model + card + profile. Checkpoints go to `<out>/.checkpoints`,
 * so the same spec started again after a crash or kill resumes.
 */
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { DEFAULT_LOSS, LossNameSchema } from '../../../src-shared/losses'
import { initBackend } from '../engine/backend'
import { openWorkspace } from '../store/workspace'
import { makeCard } from './card'
import { datasetItems, EXTRACTOR_VERSION } from './data'
import { buildProfile, calibrate, evaluateProfile } from './inference'
import { defaultArchitecture } from './networks'
import { makeRng, selectShots, speakerSplit } from './sampling'
import { saveModel, saveProfile } from './storage'
import { defaultTrainConfig, finetune, pretrain } from './train'
import type { EpochReport, ItemSet } from './types'
import { removeCheckpoint } from './checkpoint'
import { lossConfigFor } from './losses'

export const TrainSpecSchema = z.object({
  workspace: z.string(),
  source: z.string(),
  target: z.string().nullable().default(null),
  out: z.string(),
  name: z.string().default('model'),
  arch: z.enum(['mlp', 'cnn']).default('mlp'),
  loss: LossNameSchema.default(DEFAULT_LOSS),
  margin: z.number().positive().optional(),
  temperature: z.number().positive().default(0.1),
  epochs: z.number().int().positive().default(30),
  stepsPerEpoch: z.number().int().positive().default(50),
  shots: z.number().int().positive().nullable().default(5),
  frozenLayers: z.number().int().min(0).default(1),
  seed: z.number().int().default(1),
})
export type TrainSpec = z.input<typeof TrainSpecSchema>

export interface RunProgress {
  phase: 'features' | 'pretrain' | 'finetune' | 'calibrate' | 'save'
  fraction: number | null
  message: string
  epoch?: EpochReport
}

function subset(d: ItemSet, idx: number[]): ItemSet {
  const per = d.itemShape.reduce((a, b) => a * b, 1)
  const x = new Float32Array(idx.length * per)
  idx.forEach((i, r) => x.set(d.x.subarray(i * per, (i + 1) * per), r * per))
  return { x, itemShape: d.itemShape, labels: idx.map((i) => d.labels[i]), speakers: idx.map((i) => d.speakers[i]) }
}

export async function runTraining(specIn: TrainSpec, onProgress: (p: RunProgress) => void = () => {}, signal?: AbortSignal) {
  const spec = TrainSpecSchema.parse(specIn)
  const backend = await initBackend()
  const ws = openWorkspace(spec.workspace)
  const runId = Number(
    ws.db.prepare("INSERT INTO training_runs (spec_json, out_dir, state, backend) VALUES (?, ?, 'running', ?)").run(JSON.stringify(spec), spec.out, backend.name).lastInsertRowid,
  )
  try {
    const extractor = spec.arch === 'mlp' ? 'egemaps' : 'logmel'
    onProgress({ phase: 'features', fraction: 0, message: `features of ${spec.source}` })
    const src = await datasetItems(ws, spec.source, { extractor, signal, onProgress: (f, m) => onProgress({ phase: 'features', fraction: f, message: m ?? '' }) })
    const tgt = spec.target ? await datasetItems(ws, spec.target, { extractor, signal }) : null
    const arch = defaultArchitecture(spec.arch, src.itemShape)
    const loss = lossConfigFor(spec.loss, { temperature: spec.temperature, ...(spec.margin !== undefined ? { margin: spec.margin } : {}) })
    const ckpt = path.join(spec.out, '.checkpoints')
    const epochs = spec.epochs
    const base = await pretrain(src, defaultTrainConfig(arch, { epochs, stepsPerEpoch: spec.stepsPerEpoch, loss, seed: spec.seed }), {
      signal,
      checkpointDir: path.join(ckpt, 'pretrain'),
      onEpoch: (r) => onProgress({ phase: 'pretrain', fraction: r.epoch / r.epochs, message: `pre-training epoch ${r.epoch}/${r.epochs}`, epoch: r }),
    })
    let model = base
    // Support and calibration data: the target when given (its own speakers for calibration), else the source.
    const enrolSet = tgt ?? src
    const split = speakerSplit(makeRng(`${spec.seed}-enrol`), enrolSet.speakers, 0.25)
    if (tgt) {
      model = await finetune(base, tgt, { frozenLayers: spec.frozenLayers, shots: spec.shots, loss, seed: spec.seed, indices: split.train }, {
        signal,
        checkpointDir: path.join(ckpt, 'finetune'),
        onEpoch: (r) => onProgress({ phase: 'finetune', fraction: r.epoch / r.epochs, message: `fine-tuning epoch ${r.epoch}/${r.epochs}`, epoch: r }),
      })
    }
    onProgress({ phase: 'calibrate', fraction: null, message: 'enrolling and calibrating' })
    const supportIdx = selectShots(makeRng(`${spec.seed}-support`), enrolSet.labels, split.train, spec.shots ?? 20)
    const profile = buildProfile(model, subset(enrolSet, supportIdx))
    const heldOut = subset(enrolSet, split.heldOut)
    const cal = split.heldOut.length ? calibrate(model, profile, heldOut) : null
    const evalHeld = split.heldOut.length ? evaluateProfile(model, profile, heldOut) : null
    onProgress({ phase: 'save', fraction: null, message: `saving to ${spec.out}` })
    const metrics: Record<string, number> = {}
    if (evalHeld) Object.assign(metrics, { heldOutAccuracy: evalHeld.accuracy, heldOutUar: evalHeld.uar, heldOutMacroF1: evalHeld.macroF1, heldOutEce: evalHeld.ece })
    if (cal) metrics.eceBeforeCalibration = cal.eceBefore
    const card = await saveModel(
      spec.out,
      model,
      await makeCard(model, {
        name: spec.name,
        extractor: { name: extractor, version: EXTRACTOR_VERSION },
        sourceCorpus: spec.source,
        targetCorpus: spec.target,
        calibration: profile,
        metrics,
      }),
    )
    saveProfile(path.join(spec.out, 'profile.json'), profile, { modelName: card.name })
    for (const sub of ['pretrain', 'finetune']) removeCheckpoint(path.join(ckpt, sub))
    fs.rmSync(ckpt, { recursive: true, force: true })
    const modelId = Number(
      ws.db
        .prepare('INSERT INTO models (name, dir, card_json) VALUES (?, ?, ?) ON CONFLICT(dir) DO UPDATE SET name = excluded.name, card_json = excluded.card_json RETURNING id')
        .pluck()
        .get(card.name, path.resolve(spec.out), JSON.stringify(card)),
    )
    ws.db
      .prepare("UPDATE training_runs SET state = 'done', model_id = ?, history_json = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?")
      .run(modelId, JSON.stringify(model.history), runId)
    return { dir: spec.out, card, backend: backend.name, history: model.history, modelId }
  } catch (err) {
    ws.db
      .prepare("UPDATE training_runs SET state = ?, error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?")
      .run(signal?.aborted ? 'cancelled' : 'failed', (err as Error).message, runId)
    throw err
  } finally {
    ws.close()
  }
}
