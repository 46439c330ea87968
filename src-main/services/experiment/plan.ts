/**
 * A configuration as a plan of tasks with stable ids (plan-format.ts), in four stages:
 *   features/<corpus>                          import + features of one corpus (scratch workspace)
 *   tune/<source>/<loss>                       that loss's hyper-parameters, on source speakers held out from pre-training
 *   pretrain/<source>/<loss>/s<seed>           one pre-trained base
 *   evaluate/<source>/<loss>/s<seed>/f<fold>/r<draw>/k<shots>   every arm on that base at one support draw
 *   evaluate/target/f<fold>/r<draw>/k<shots>   the arms without a base (softmax, target-only per loss)
 * Every random choice inside a task is seeded from these ids' parts, so a task computes
 * the same result in any process, alone or in a single-process run.
 */
import type { ExperimentConfig, Shots } from '../../../src-shared/contract/experiments'
import type { LossName } from '../../../src-shared/losses'
import { PLAN_FORMAT, STAGES, type Plan, type PlanTask, type StageName } from './plan-format'
import { baseList, drawList, finetuneLossesOf, pretrainLossesOf, type BaseRef } from './grid'

export interface FeaturesParams {
  corpus: string
  role: 'source' | 'target'
}
export interface TuneParams {
  source: string
  loss: LossName
}
export type PretrainParams = BaseRef
export interface EvaluateParams {
  /** null: the arms without a pre-trained base. */
  base: BaseRef | null
  shots: Shots
  fold: number
  seed: number
}

export const featuresId = (corpus: string) => `features/${corpus}`
export const tuneId = (source: string, loss: LossName) => `tune/${source}/${loss}`
export const pretrainId = (b: BaseRef) => `pretrain/${b.source}/${b.pretrain_loss}/s${b.pretrain_seed}`
export const evaluateId = (p: EvaluateParams) =>
  `evaluate/${p.base ? pretrainId(p.base).slice('pretrain/'.length) : 'target'}/f${p.fold}/r${p.seed}/k${p.shots}`

/** The losses whose hyper-parameters a source needs: every pre-training and fine-tuning loss. */
export function tunedLosses(config: ExperimentConfig): LossName[] {
  return [...new Set([...pretrainLossesOf(config), ...finetuneLossesOf(config)])]
}

/** The source whose tuned values the target-only arm uses (it has no source of its own): the first. */
export const targetTuningSource = (config: ExperimentConfig) => config.sources[0].name

export function buildPlan(config: ExperimentConfig, createdAt = new Date().toISOString()): Plan {
  const tasks: PlanTask[] = []
  const corpora = [...config.sources.map((s) => ({ corpus: s.name, role: 'source' as const })), { corpus: config.target.name, role: 'target' as const }]
  const allFeatures = corpora.map((c) => featuresId(c.corpus))
  for (const c of corpora) tasks.push({ id: featuresId(c.corpus), stage: 'features', deps: [], params: { ...c } })
  for (const s of config.sources)
    for (const loss of tunedLosses(config)) tasks.push({ id: tuneId(s.name, loss), stage: 'tune', deps: [...allFeatures], params: { source: s.name, loss } })
  const bases = baseList(config)
  for (const b of bases) tasks.push({ id: pretrainId(b), stage: 'pretrain', deps: [...allFeatures, tuneId(b.source, b.pretrain_loss)], params: { ...b } })
  const ftTunes = (source: string) => finetuneLossesOf(config).map((l) => tuneId(source, l))
  for (const at of drawList(config)) {
    const t: EvaluateParams = { base: null, ...at }
    tasks.push({ id: evaluateId(t), stage: 'evaluate', deps: [...allFeatures, ...ftTunes(targetTuningSource(config))], params: { ...t } })
    for (const b of bases) {
      const p: EvaluateParams = { base: b, ...at }
      tasks.push({ id: evaluateId(p), stage: 'evaluate', deps: [...allFeatures, pretrainId(b), ...new Set(ftTunes(b.source))], params: { ...p } })
    }
  }
  const ids = new Set<string>()
  for (const t of tasks) {
    if (ids.has(t.id)) throw new Error(`duplicate task id ${t.id}`)
    ids.add(t.id)
  }
  const stages = STAGES.map((name: StageName) => ({ name, tasks: tasks.filter((t) => t.stage === name).map((t) => t.id) }))
  return { format: PLAN_FORMAT, createdAt, config: config as unknown as Record<string, unknown>, stages, tasks }
}
