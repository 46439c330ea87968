/**
 * A recorded results folder of a default-size experiment grid (945 evaluations: 795 plus the
 * recommended arm), written
 * through the real code path: the plan of `buildPlan`, one task result per planned task
 * (features, tuning, pre-training with curves, evaluate records with confusion matrices and
 * metrics from `classificationMetrics`), then `writeOutputs` (results.json, results.csv,
 * report.html, the same tables and plots the Experiments view serves) and, given a
 * workspace, the run's row. Only the training is skipped: UAR comes from a known model
 * (arm effect + fold + base + draw + noise), so no corpus is needed.
 *
 *   node --import tsx test/helpers/recorded-grid.ts <workspace> <out-dir> [pretrain losses, e.g. contrastive,distance]
 */
import fs from 'node:fs'
import path from 'node:path'
import seedrandom from 'seedrandom'
import { buildPlan, type EvaluateParams } from '../../src-main/services/experiment/plan'
import { writePlan, writeTaskResult } from '../../src-main/services/experiment/plan-io'
import { expandGrid, gridSize, makeConfig, type Evaluation } from '../../src-main/services/experiment/grid'
import { classificationMetrics } from '../../src-main/services/model/metrics'
import { MARKER, hashConfig, writeManifest } from '../../src-main/services/experiment/state'
import { writeOutputs } from '../../src-main/services/experiment/finish'
import { writeFeatures } from '../../src-main/services/experiment/task-data'
import { finishRun, upsertRun } from '../../src-main/services/experiment/runs'
import { openWorkspace, type Workspace } from '../../src-main/services/store/workspace'
import type { ExperimentConfigInput, LossTuning, ResultRecord } from '../../src-shared/contract/experiments'
import type { LossName } from '../../src-shared/losses'

const CLASSES = ['angry', 'happy', 'neutral', 'sad']
const PER_CLASS = 24

export function recordedGridConfig(overrides: Partial<ExperimentConfigInput> = {}) {
  // the default grid: only the corpora are named
  return makeConfig({ sources: [{ name: 'cremad', ref: '/data/cremad' }], target: { name: 'ravdess', ref: '/data/ravdess' }, ...overrides })
}

function recordOf(
  e: Evaluation,
  rnd: () => number,
  effects: { fold: number[]; base: Map<string, number>; draw: Map<string, number> },
): Omit<ResultRecord, 'model'> {
  const arm =
    e.method === 'softmax'
      ? 0.35
      : e.method === 'target_only'
        ? 0.32
        : e.method === 'pretrained_only'
          ? 0.4
          : e.method === 'recommended'
            ? 0.43
            : 0.42 + (e.finetune_loss === 'distance' ? 0.02 : 0) - 0.01 * (e.frozen ?? 0)
  const shots = e.shots === 'all' ? 0.12 : e.shots === 5 ? 0.06 : 0
  const base = e.pretrain_seed === null ? 0 : effects.base.get(`${e.source}|${e.pretrain_loss}|${e.pretrain_seed}`)!
  const p = Math.min(0.95, Math.max(0.05, arm + shots + effects.fold[e.fold] + base + effects.draw.get(`${e.fold}|${e.seed}`)! + 0.02 * (rnd() - 0.5)))
  const truth: string[] = []
  const pred: string[] = []
  for (const [i, c] of CLASSES.entries())
    for (let k = 0; k < PER_CLASS; k++) {
      truth.push(c)
      pred.push(rnd() < p ? c : CLASSES[(i + 1 + Math.floor(rnd() * 3)) % 4])
    }
  const m = classificationMetrics(CLASSES, truth, pred)
  const src = e.source !== null
  const { key: _k, ...rest } = e
  return {
    ...rest,
    classes: CLASSES,
    n_support: e.shots === 'all' ? 120 : 4 * e.shots,
    n_test: truth.length,
    accuracy: m.accuracy,
    uar: m.uar,
    macro_f1: m.macroF1,
    speakers: {
      pretrain: src ? ['c01', 'c02', 'c03'] : [],
      validation: src ? ['c04'] : [],
      tuning: src ? ['c05'] : [],
      support: [`r${e.fold}a`],
      test: [`r${e.fold}b`],
    },
    diagnostics:
      e.method === 'finetune' || e.method === 'target_only'
        ? [{ epoch: 1, loss: 0.5, active_fraction: 0.6, grad_norm: 1, embedding_norm: 1, weight_change: 0.01 }]
        : [],
    confusion: m.confusion,
    seconds: 0.1,
    ...(e.method === 'recommended'
      ? {
          recipe: {
            label: 'fine-tune distance, frozen 0',
            finetune: true,
            loss: 'distance' as const,
            frozen: 0,
            reason: 'best cross-validated UAR over the support speakers',
            rotations: 3,
            shots: null,
            unit: 'speaker' as const,
            speakers: [`r${e.fold}a`],
            candidates: [],
          },
        }
      : {}),
  }
}

/** Writes the folder; returns its evaluations count. */
export async function writeRecordedGrid(outDir: string, overrides: Partial<ExperimentConfigInput> = {}): Promise<number> {
  const config = recordedGridConfig(overrides)
  const plan = buildPlan(config, '2026-01-01T00:00:00.000Z')
  fs.mkdirSync(outDir, { recursive: true })
  fs.writeFileSync(path.join(outDir, MARKER), '')
  writePlan(outDir, plan)
  const rnd = seedrandom('recorded-grid')
  const g = () => rnd() - 0.5
  const bases = new Map<string, number>()
  for (const t of plan.tasks) if (t.stage === 'pretrain') bases.set(`${t.params.source}|${t.params.pretrain_loss}|${t.params.pretrain_seed}`, 0.06 * g())
  const effects = { fold: Array.from({ length: config.folds }, () => 0.06 * g()), base: bases, draw: new Map<string, number>() }
  for (let f = 0; f < config.folds; f++) for (let s = 1; s <= config.seeds; s++) effects.draw.set(`${f}|${s}`, 0.03 * g())
  const evals = expandGrid(config)
  const done = (id: string, result: unknown) =>
    writeTaskResult(outDir, { id, finishedAt: '2026-01-01T00:00:00.000Z', host: 'recorded', backend: 'wasm (recorded)', seconds: 1, result })
  for (const t of plan.tasks) {
    if (t.stage === 'features') {
      const p = t.params as { corpus: string; role: 'source' | 'target' }
      // the target's speakers and labels (the report's fold list reads them); zero feature vectors
      const speakers = Array.from({ length: 480 }, (_, i) => `${p.corpus}-${String(1 + (i % (p.role === 'target' ? 24 : 30))).padStart(2, '0')}`)
      writeFeatures(outDir, p.corpus, {
        x: new Float32Array(480 * 88),
        itemShape: [88],
        labels: speakers.map((_, i) => CLASSES[Math.floor(i / 30) % 4]),
        speakers,
      })
      done(t.id, {
        corpus: p.corpus,
        role: p.role,
        dataset: p.corpus,
        clips: 480,
        speakers: p.role === 'target' ? 24 : 30,
        emotions: CLASSES,
        itemShape: [88],
        extractor: { name: 'egemaps', version: 'v02' },
      })
    } else if (t.stage === 'tune') {
      const p = t.params as { source: string; loss: LossName }
      const tuning: LossTuning = {
        source: p.source,
        loss: p.loss,
        chosen: { margin: 1, temperature: 0.1, learningRate: 0.001 },
        trials: [{ params: { margin: 1 }, score: 0.4 }],
        budget: config.tuneBudget,
        criterion: 'prototype UAR on held-out tuning speakers',
        trainSpeakers: ['c05', 'c06'],
        heldOutSpeakers: ['c07'],
      }
      done(t.id, tuning)
    } else if (t.stage === 'pretrain') {
      const p = t.params as { source: string; pretrain_loss: LossName; pretrain_seed: number }
      const history = Array.from({ length: config.pretrainEpochs }, (_, i) => ({
        epoch: i + 1,
        trainLoss: 1 / (i + 2) + 0.02 * g(),
        valAccuracy: 0.3 + 0.01 * i + 0.02 * g(),
      }))
      done(t.id, {
        ...p,
        speakers: { pretrain: ['c01', 'c02', 'c03'], validation: ['c04'], tuning: ['c05'] },
        epochs: config.pretrainEpochs,
        best_epoch: config.pretrainEpochs - 2,
        val_accuracy: 0.45,
        hyper: { margin: 1, temperature: 0.1, learningRate: 0.001 },
        diagnostics: [{ epoch: 1, loss: 0.5, active_fraction: 0.6, grad_norm: 1, embedding_norm: 1, weight_change: 0.01 }],
        seconds: 5,
        history,
      })
    } else {
      const p = t.params as unknown as EvaluateParams
      const mine = evals.filter(
        (e) =>
          e.fold === p.fold &&
          e.seed === p.seed &&
          e.shots === p.shots &&
          (p.base
            ? e.source === p.base.source && e.pretrain_loss === p.base.pretrain_loss && e.pretrain_seed === p.base.pretrain_seed
            : e.pretrain_seed === null),
      )
      done(t.id, { records: mine.map((e) => ({ ...recordOf(e, rnd, effects), model: config.model })) })
    }
  }
  // the 2-D map of the test clips' embeddings (as the evaluate stage writes it): one point per clip of the target
  const points = Array.from({ length: 480 }, (_, i) => ({
    x: Math.cos(i) * (1 + (i % 4)) + 0.3 * g(),
    y: Math.sin(i) * (1 + (i % 4)) + 0.3 * g(),
    emotion: CLASSES[i % 4],
    speaker: `ravdess-${String(1 + (i % 24)).padStart(2, '0')}`,
    role: i % 5 === 0 ? 'support' : 'test',
  }))
  fs.writeFileSync(path.join(outDir, 'embeddings.json'), JSON.stringify({ title: 'fine-tuned cremad distance -> distance, fold 0', method: 'PCA', points }))
  writeManifest(outDir, {
    format: 'ser-experiment/2',
    status: 'running',
    configHash: hashConfig(config),
    config,
    createdAt: plan.createdAt,
    finishedAt: null,
    total: gridSize(config).evaluations,
    files: ['plan.json', 'tasks'],
  })
  await writeOutputs(outDir)
  return evals.length
}

/** The folder, registered as a finished run of the workspace (what the Experiments view lists). */
export async function recordGridRun(workspace: string | Workspace, outDir: string, overrides: Partial<ExperimentConfigInput> = {}): Promise<number> {
  const n = await writeRecordedGrid(outDir, overrides)
  const ws = typeof workspace === 'string' ? openWorkspace(workspace) : workspace
  try {
    const id = upsertRun(ws, path.resolve(outDir), recordedGridConfig(overrides))
    finishRun(ws, id, 'done')
  } finally {
    if (typeof workspace === 'string') ws.close()
  }
  return n
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const [workspace, out, losses] = process.argv.slice(2)
  const overrides = losses ? { pretrainLosses: losses.split(',') as LossName[] } : {}
  const n = await recordGridRun(workspace, out, overrides)
  console.log(`recorded ${n} evaluations in ${out}`)
}
