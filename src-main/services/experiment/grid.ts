/**
 * The experiment grid: parsing the CLI's lists, choosing the classes, and expanding a
 * configuration into tasks, one per (method, source, loss, frozen, shots, fold, seed).
 * The order keeps everything that shares a fold, seed and shots together, so the
 * support set drawn for them is the same for every method (a paired comparison).
 */
import { EMOTIONS } from '../../../src-shared/emotions'
import { ExperimentConfigSchema, type CorpusRef, type ExperimentConfig, type ExperimentConfigInput, type Method, type Shots } from '../../../src-shared/contract/experiments'

export interface Task {
  key: string
  method: Method
  source: string | null
  loss: 'contrastive' | 'distance' | null
  frozen: number | null
  shots: Shots
  fold: number
  seed: number
}

/** The configuration part of a record key (no fold/seed): groups the records of one row of the summary. */
export function configKey(r: { method: Method; source: string | null; loss: string | null; frozen: number | null; shots: Shots }): string {
  return [r.method, r.source ?? '-', r.loss ?? '-', r.frozen ?? '-', r.shots].join('|')
}

export function taskKey(r: Omit<Task, 'key'>): string {
  return `${configKey(r)}|f${r.fold}|s${r.seed}`
}

/** Seeds are 1..n. */
export function seedList(config: Pick<ExperimentConfig, 'seeds'>): number[] {
  return Array.from({ length: config.seeds }, (_, i) => i + 1)
}

export function expandGrid(config: ExperimentConfig): Task[] {
  const tasks: Task[] = []
  const push = (t: Omit<Task, 'key'>) => tasks.push({ ...t, key: taskKey(t) })
  for (let fold = 0; fold < config.folds; fold++) {
    for (const seed of seedList(config)) {
      for (const shots of config.shots) {
        push({ method: 'softmax', source: null, loss: null, frozen: null, shots, fold, seed })
        for (const loss of config.losses) push({ method: 'target_only', source: null, loss, frozen: null, shots, fold, seed })
        for (const src of config.sources) {
          for (const loss of config.losses) {
            for (const frozen of config.frozen) push({ method: 'finetune', source: src.name, loss, frozen, shots, fold, seed })
          }
        }
      }
    }
  }
  return tasks
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
    throw new Error(`the experiment needs at least two classes; the target has ${order(t).join(', ')} and the sources ${sources.map((s) => order(s).join(' ')).join(' / ')} (mode ${JSON.stringify(mode)})`)
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

export function parseLoss(s: string): 'contrastive' | 'distance' {
  if (s !== 'contrastive' && s !== 'distance') throw new Error(`unknown loss '${s}' (contrastive or distance)`)
  return s
}

/** Validates a configuration (zod) with readable messages. */
export function makeConfig(input: ExperimentConfigInput): ExperimentConfig {
  const r = ExperimentConfigSchema.safeParse(input)
  if (!r.success) throw new Error(`invalid experiment configuration: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`)
  const c = r.data
  const names = [...c.sources.map((s) => s.name), c.target.name]
  if (new Set(names).size !== names.length) throw new Error(`corpus names must differ (got ${names.join(', ')})`)
  const dedupe = <T>(xs: T[]) => [...new Set(xs)]
  return { ...c, losses: dedupe(c.losses), frozen: dedupe(c.frozen), shots: dedupe(c.shots) }
}
