/**
 * Merging a plan folder: the records of every finished evaluate task, the pre-training
 * and tuning records, and from them results.json, results.csv and report.html (and the
 * same tables and plots for the Experiments view). The records depend only on the task
 * results, so a merge of tasks run on a cluster equals a single-process run.
 */
import fs from 'node:fs'
import path from 'node:path'
import {
  EmbeddingMapSchema,
  type CurvePoint,
  type EmbeddingMap,
  type ExperimentConfig,
  type LossTuning,
  type PretrainRecord,
  type ResultRecord,
} from '../../../src-shared/contract/experiments'
import { evaluateClaims } from './claims'
import { recommendedSummary } from './recommended'
import { renderReport, type RunMeta, type RunTables } from './report'
import { markdownTable, writeAtomic, writeResults, RESULTS_FORMAT } from './results'
import { aggregate, headline, lossTable, sortRecords } from './summary'
import { readPlan, readTaskResult } from './plan-io'
import type { Plan } from './plan-format'
import type { EvaluateResult } from './evaluate'
import type { PretrainResult } from './train-tasks'
import { classesOf, readFeatures, subset, indicesWhere, targetFolds, type FeaturesResult } from './task-data'
import { makeConfig } from './grid'
import { markDone, readManifest } from './state'
import { trainingHealth } from './training-health'

export const META_FILE = 'meta.json'

/** The run's tables and plots, and results.md's text. */
export interface RunOutputs extends RunTables {
  markdown: string
}

export interface PlanResults {
  config: ExperimentConfig
  records: ResultRecord[]
  pretraining: PretrainRecord[]
  tuning: LossTuning[]
  curves: CurvePoint[]
  features: FeaturesResult[]
  backends: string[]
  tasksDone: number
  tasksTotal: number
}

/** Everything the finished tasks of a plan folder hold (unfinished tasks are left out). */
export function collectResults(dir: string, plan: Plan = readPlan(dir)): PlanResults {
  const config = makeConfig(plan.config as never)
  const out: PlanResults = {
    config,
    records: [],
    pretraining: [],
    tuning: [],
    curves: [],
    features: [],
    backends: [],
    tasksDone: 0,
    tasksTotal: plan.tasks.length,
  }
  const backends = new Set<string>()
  for (const t of plan.tasks) {
    const r = readTaskResult(dir, t.id)
    if (!r) continue
    out.tasksDone++
    backends.add(r.backend)
    if (t.stage === 'features') out.features.push(r.result as FeaturesResult)
    else if (t.stage === 'tune') out.tuning.push(r.result as LossTuning)
    else if (t.stage === 'pretrain') {
      const { history, ...rec } = r.result as PretrainResult
      out.pretraining.push(rec)
      out.curves.push(...history.map((h) => ({ source: rec.source, loss: rec.pretrain_loss, pretrainSeed: rec.pretrain_seed, ...h })))
    } else out.records.push(...(r.result as EvaluateResult).records)
  }
  out.records = sortRecords(out.records)
  out.backends = [...backends].sort()
  return out
}

export function readEmbedding(outDir: string): EmbeddingMap | null {
  const f = path.join(outDir, 'embeddings.json')
  if (!fs.existsSync(f)) return null
  const p = EmbeddingMapSchema.safeParse(JSON.parse(fs.readFileSync(f, 'utf8')))
  return p.success ? p.data : null
}

export function readMeta(outDir: string): RunMeta | null {
  const f = path.join(outDir, META_FILE)
  return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as RunMeta) : null
}

/** The run's description for results.json and the report, from the task results. */
export function buildMeta(dir: string, res: PlanResults, createdAt: string): RunMeta {
  const { config } = res
  const haveAll = res.features.length === config.sources.length + 1
  const classes = haveAll ? classesOf(config, res.features) : []
  let folds: RunMeta['folds'] = []
  if (haveAll) {
    const all = readFeatures(dir, config.target.name)
    const target = subset(all, indicesWhere(all, (i) => classes.includes(all.labels[i])))
    const foldOf = targetFolds(target, config.folds)
    folds = Array.from({ length: config.folds }, (_, fold) => ({ fold, speakers: [...foldOf].filter(([, f]) => f === fold).map(([s]) => s) }))
  }
  const extractor = res.features[0]?.extractor
  return {
    classes,
    datasets: res.features.map((f) => ({ name: f.corpus, role: f.role, dataset: f.dataset, clips: f.clips, speakers: f.speakers })),
    folds,
    backend: res.backends.join('; ') || 'unknown',
    createdAt,
    finishedAt: null,
    losses: res.tuning,
    notes: [
      `Features: ${extractor ? `${extractor.name} (${extractor.version})` : 'not extracted yet'}; ` +
        `the ${config.model.toUpperCase()} normalises with the pre-training speakers' statistics (fine-tuned, pre-trained only) ` +
        `or the support set's (baselines).`,
      `Each source's speakers are split once: about 20% (at least 3, and 6 when 8 remain to pre-train) are tuning speakers, held out of every pre-training, ` +
        `on which each loss's margin, temperature and learning rate are chosen with the same budget of ${config.tuneBudget} trials, ` +
        `cross-validated over the tuning speakers; a trial replaces the defaults only when it beats chance and the defaults by more than 2 standard errors ` +
        `("tuning uninformative" otherwise). The target is never used for tuning.`,
      `Pre-training: ${config.pretrainEpochs} epochs x ${config.stepsPerEpoch} steps per base, ${config.pretrainSeeds} seed(s) ` +
        `per source x pre-training loss; early stopping on 20% of the pre-training speakers (at least 3), patience 5, ` +
        `never before epoch 5 (each base's rule and validation set are in results.json pretraining[].early_stopping). Fine-tuning, ` +
        `target-only training and the softmax baseline: the same budget of ${config.finetuneEpochs} epochs x ${config.finetuneSteps} steps on the support ` +
        `clips, no early stopping (no target speaker is spared for validation).`,
      'The softmax baseline is not tuned: the tuning score is few-shot prototype UAR on source speakers, ' +
        'which a classifier of fixed classes has no counterpart of without target data; it trains with the learning rate every loss starts from (Adam, ' +
        '1e-3), and the Siamese arms fall back to their defaults too whenever tuning is uninformative.',
      ...(config.model === 'cnn'
        ? ["The softmax baseline takes vectors: for the CNN's log-mel input it gets each mel band's mean and sd over the frames."]
        : []),
      'With 1 shot per class, each support clip gets one jittered copy (feature noise of 0.05 sd), the same for every loss and method.',
      "The modified distance loss is our reconstruction from the paper's abstract (docs/method.md); the paper's exact formula was not available.",
    ],
  }
}

/** Records, summary, verdicts, per-loss table, headline and plots of a plan folder. */
export async function computeOutputs(dir: string, withPlots = true): Promise<RunOutputs & { results: PlanResults }> {
  const res = collectResults(dir)
  const { records, config } = res
  const summary = aggregate(records)
  const claims = evaluateClaims(records, config.shots, config.target.name)
  const losses = lossTable(records, config.shots)
  const classes = records[0]?.classes.length ?? 0
  const head = headline(records, config.shots, classes ? 1 / classes : null)
  const recommended = recommendedSummary(records, config.shots)
  // Vega is loaded only where plots are drawn: importing it breaks tsx's loader in worker threads.
  const plots = withPlots
    ? await (await import('./plots')).buildPlots({ records, summary, claims, losses, curves: res.curves, embedding: readEmbedding(dir), shots: config.shots })
    : []
  return { records, summary, claims, losses, headline: head, recommended, plots, markdown: markdownTable(summary), results: res }
}

/** `ser experiment merge`: writes results.json, results.csv and report.html, and marks the folder done when every task has finished. */
export async function writeOutputs(dir: string): Promise<RunOutputs & { complete: boolean }> {
  const out = await computeOutputs(dir)
  const manifest = readManifest(dir)
  const meta = { ...buildMeta(dir, out.results, manifest?.createdAt ?? readPlan(dir).createdAt), finishedAt: new Date().toISOString() }
  writeAtomic(path.join(dir, META_FILE), JSON.stringify(meta, null, 2))
  const { results, ...rest } = out
  const training = trainingHealth(out.records, results.pretraining)
  const tasks = { done: results.tasksDone, total: results.tasksTotal }
  writeResults(dir, out.records, {
    config: results.config, meta, headline: out.headline, claims: out.claims, recommended: out.recommended, losses: out.losses, summary: out.summary,
    pretraining: results.pretraining, training, tasks,
  })
  writeAtomic(path.join(dir, 'report.html'), renderReport({ ...rest, config: results.config, pretraining: results.pretraining, meta, tasks }))
  const complete = results.tasksDone === results.tasksTotal
  if (complete && manifest) markDone(dir, manifest)
  return { ...rest, complete }
}

export { RESULTS_FORMAT }
