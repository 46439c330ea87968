/**
 * The experiment grid: parsing the CLI's lists, choosing the classes, the size cap, and
 * expanding a configuration into evaluations, one per (method, source, pretrain_loss,
 * finetune_loss, pretrain_seed, frozen, shots, fold, seed). The arms:
 *   finetune         source x pretrain_loss x pretrain_seed (a base) x finetune_loss x frozen
 *   pretrained_only  source x pretrain_loss x pretrain_seed (the base unchanged)
 *   target_only      finetune_loss (no base)
 *   softmax          (no base, no loss)
 *   recommended      source x pretrain_loss x pretrain_seed: the recipe chosen among pretrained_only and the finetune settings
 * each at every (shots, fold, seed). The support set of a (fold, seed, shots) is the same
 * for every arm (a paired comparison); plan.ts groups evaluations into tasks.
 */
import { EMOTIONS } from '../../../src-shared/emotions'
import { LOSS_NAMES, LossNameSchema, type LossName } from '../../../src-shared/losses'
import {
  ExperimentConfigSchema,
  type CorpusRef,
  type ExperimentConfig,
  type ExperimentConfigInput,
  type Method,
  type Shots,
} from '../../../src-shared/contract/experiments'

export interface Evaluation {
  key: string
  method: Method
  source: string | null
  pretrain_loss: LossName | null
  finetune_loss: LossName | null
  pretrain_seed: number | null
  frozen: number | null
  shots: Shots
  fold: number
  seed: number
}
/** Back-compatible name. */
export type Task = Evaluation

type ConfigPart = Pick<Evaluation, 'method' | 'source' | 'pretrain_loss' | 'finetune_loss' | 'frozen' | 'shots'>

/** The configuration part of a record key (no pretrain seed, fold, seed): one row of the summary. */
export function configKey(r: ConfigPart): string {
  return [r.method, r.source ?? '-', r.pretrain_loss ?? '-', r.finetune_loss ?? '-', r.frozen ?? '-', r.shots].join('|')
}

export function taskKey(r: Omit<Evaluation, 'key'>): string {
  return `${configKey(r)}|p${r.pretrain_seed ?? '-'}|f${r.fold}|s${r.seed}`
}
export const evaluationKey = taskKey

/** Seeds are 1..n. */
export function seedList(config: Pick<ExperimentConfig, 'seeds'>): number[] {
  return Array.from({ length: config.seeds }, (_, i) => i + 1)
}
export function pretrainSeedList(config: Pick<ExperimentConfig, 'pretrainSeeds'>): number[] {
  return Array.from({ length: config.pretrainSeeds }, (_, i) => i + 1)
}
export function pretrainLossesOf(c: Pick<ExperimentConfig, 'losses' | 'pretrainLosses'>): LossName[] {
  return c.pretrainLosses ?? c.losses
}
export function finetuneLossesOf(c: Pick<ExperimentConfig, 'losses' | 'finetuneLosses'>): LossName[] {
  return c.finetuneLosses ?? c.losses
}

/**
 * The evaluations of one pre-trained base at one (shots, fold, seed): pretrained_only, finetune per loss x frozen, then recommended (its choice is among
 * those).
 */
export function baseEvaluations(
  config: ExperimentConfig,
  b: { source: string; pretrain_loss: LossName; pretrain_seed: number },
  at: { shots: Shots; fold: number; seed: number },
): Evaluation[] {
  const out: Omit<Evaluation, 'key'>[] = [{ method: 'pretrained_only', ...b, finetune_loss: null, frozen: null, ...at }]
  for (const fl of finetuneLossesOf(config)) for (const frozen of config.frozen) out.push({ method: 'finetune', ...b, finetune_loss: fl, frozen, ...at })
  if (config.recommended) out.push({ method: 'recommended', ...b, finetune_loss: null, frozen: null, ...at })
  return out.map((e) => ({ ...e, key: taskKey(e) }))
}

/** The evaluations without a base at one (shots, fold, seed): softmax, then target_only per loss. */
export function targetEvaluations(config: ExperimentConfig, at: { shots: Shots; fold: number; seed: number }): Evaluation[] {
  const none = { source: null, pretrain_loss: null, pretrain_seed: null, frozen: null }
  const out: Omit<Evaluation, 'key'>[] = [{ method: 'softmax', ...none, finetune_loss: null, ...at }]
  for (const fl of finetuneLossesOf(config)) out.push({ method: 'target_only', ...none, finetune_loss: fl, ...at })
  return out.map((e) => ({ ...e, key: taskKey(e) }))
}

export interface BaseRef {
  source: string
  pretrain_loss: LossName
  pretrain_seed: number
}

export function baseList(config: ExperimentConfig): BaseRef[] {
  return config.sources.flatMap((s) =>
    pretrainLossesOf(config).flatMap((l) => pretrainSeedList(config).map((ps) => ({ source: s.name, pretrain_loss: l, pretrain_seed: ps }))),
  )
}

/** (shots, fold, seed) triples in plan order. */
export function drawList(config: ExperimentConfig): { shots: Shots; fold: number; seed: number }[] {
  return Array.from({ length: config.folds }, (_, fold) => fold).flatMap((fold) =>
    seedList(config).flatMap((seed) => config.shots.map((shots) => ({ shots, fold, seed }))),
  )
}

/** Every evaluation of the grid, in a fixed order. */
export function expandGrid(config: ExperimentConfig): Evaluation[] {
  return drawList(config).flatMap((at) => [...targetEvaluations(config, at), ...baseList(config).flatMap((b) => baseEvaluations(config, b, at))])
}

/** Counts before anything is expanded (the size cap is checked on these). */
export function gridSize(config: ExperimentConfig): { evaluations: number; bases: number; tunings: number; draws: number } {
  const pl = pretrainLossesOf(config).length
  const fl = finetuneLossesOf(config).length
  const bases = config.sources.length * pl * config.pretrainSeeds
  const draws = config.folds * config.seeds * config.shots.length
  return {
    evaluations: draws * (1 + fl + bases * (1 + fl * config.frozen.length + (config.recommended ? 1 : 0))),
    bases,
    tunings: config.sources.length * new Set([...pretrainLossesOf(config), ...finetuneLossesOf(config)]).size,
    draws,
  }
}

/** The largest grid one configuration may describe (each evaluation trains a network). */
export const MAX_EVALUATIONS = 20_000

export function checkGridSize(config: ExperimentConfig): void {
  const g = gridSize(config)
  if (g.evaluations > MAX_EVALUATIONS) {
    throw new Error(
      `the grid is too large: ${g.evaluations} evaluations (${g.draws} support draws = ${config.folds} folds x ${config.seeds} seeds x ` +
        `${config.shots.length} shots values, ${g.bases} pre-trained bases); the limit is ${MAX_EVALUATIONS}. Use fewer shots values, folds, seeds, ` +
        `losses or frozen settings.`,
    )
  }
}

/**
 * The classes of the experiment. 'common' (the default): the classes the target and
 * every source share, so chance level and difficulty are the same for every source;
 * 'all': every class of the target (the Siamese models enrol classes a source lacks);
 * or an explicit list (each must occur in the target). Returned in canonical order.
 */
export function chooseClasses(mode: ExperimentConfig['classes'], target: string[], sources: string[][]): string[] {
  const order = (xs: Iterable<string>) => {
    const set = new Set(xs)
    const canon = EMOTIONS.filter((e) => set.has(e)) as string[]
    return [...canon, ...[...set].filter((e) => !canon.includes(e)).sort()]
  }
  const t = new Set(target)
  let chosen: string[]
  if (mode === 'all') chosen = order(t)
  else if (mode === 'common') chosen = order([...t].filter((c) => sources.every((s) => s.includes(c))))
  else {
    const missing = mode.filter((c) => !t.has(c))
    if (missing.length) throw new Error(`class(es) ${missing.join(', ')} do not occur in the target (it has ${order(t).join(', ')})`)
    chosen = order(mode)
  }
  if (chosen.length < 2) {
    throw new Error(
      `the experiment needs at least two classes; the target has ${order(t).join(', ')} and the sources ` +
        `${sources.map((s) => order(s).join(' ')).join(' / ')} (mode ${JSON.stringify(mode)})`,
    )
  }
  return chosen
}

// ---- parsing the CLI's lists ----

export function parseCorpusArg(value: string): CorpusRef {
  const eq = value.indexOf('=')
  if (eq <= 0 || eq === value.length - 1) throw new Error(`expected NAME=DIR (e.g. cremad=/data/CREMA-D), got '${value}'`)
  return { name: value.slice(0, eq).trim(), ref: value.slice(eq + 1).trim() }
}

export function parseList<T>(value: string, item: (s: string) => T, what: string): T[] {
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean)
  if (parts.length === 0) throw new Error(`${what}: empty list`)
  return parts.map((p) => {
    try {
      return item(p)
    } catch (err) {
      throw new Error(`${what}: ${(err as Error).message}`)
    }
  })
}

export function parseInteger(s: string): number {
  if (!/^-?\d+$/.test(s)) throw new Error(`'${s}' is not an integer`)
  return Number(s)
}

export function parseShots(s: string): Shots {
  return s === 'all' ? 'all' : parseInteger(s)
}

export function parseLoss(s: string): LossName {
  const r = LossNameSchema.safeParse(s)
  if (!r.success) throw new Error(`unknown loss '${s}' (${LOSS_NAMES.join(', ')})`)
  return r.data
}

/** Validates a configuration (zod) with readable messages. */
export function makeConfig(input: ExperimentConfigInput): ExperimentConfig {
  const r = ExperimentConfigSchema.safeParse(input)
  if (!r.success) throw new Error(`invalid experiment configuration: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`)
  const c = r.data
  const names = [...c.sources.map((s) => s.name), c.target.name]
  if (new Set(names).size !== names.length) throw new Error(`corpus names must differ (got ${names.join(', ')})`)
  const dedupe = <T>(xs: T[]) => [...new Set(xs)]
  const out: ExperimentConfig = { ...c, losses: dedupe(c.losses), frozen: dedupe(c.frozen), shots: dedupe(c.shots) }
  if (c.pretrainLosses) out.pretrainLosses = dedupe(c.pretrainLosses)
  if (c.finetuneLosses) out.finetuneLosses = dedupe(c.finetuneLosses)
  checkGridSize(out)
  return out
}
