/**
 * What a researcher asks Slurm for (`ser experiment slurm --partition ... --gpus ...`),
 * checked here so a typo fails before anything is submitted, with the option's name.
 */

export interface SlurmOptions {
  partition?: string
  /** Slurm time limit: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS. */
  time?: string
  /** CPUs per task; also the task's training and feature threads. */
  cpus: number
  /** Memory per node, a number with an optional K/M/G/T suffix. */
  mem?: string
  /** GPUs per array element: a count, or TYPE:COUNT. */
  gpus?: string
  /** At most this many array elements of one stage run at once (`--array=...%L`). */
  arrayLimit?: number
  /** Plan tasks run one after another by one array element (one Node start-up for all of them). */
  tasksPerJob: number
  /** At most this many array elements per stage: its tasks are dealt over them (one Node start-up each). */
  jobsPerStage?: number
  /** Extra `#SBATCH` lines, e.g. `--account=abc` or `--qos=short` (each must start with --). */
  extra?: string[]
}

const NAME = /^[A-Za-z0-9_.,-]+$/
const TIME = /^(\d+-)?\d+(:\d{1,2}){0,2}$/
const MEM = /^\d+[KMGT]?$/i
const GPUS = /^([A-Za-z0-9_.-]+:)?\d+$/

function positiveInt(v: unknown, what: string): number {
  const n = typeof v === 'string' ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new Error(`${what}: expected a positive whole number, got '${String(v)}'`)
  return n
}

/** Raw strings (from the CLI) or numbers to checked options; throws naming the bad option. */
export function parseSlurmOptions(raw: {
  partition?: string
  time?: string
  cpus?: string | number
  mem?: string
  gpus?: string | number
  arrayLimit?: string | number
  tasksPerJob?: string | number
  jobsPerStage?: string | number
  extra?: string[]
}): SlurmOptions {
  const o: SlurmOptions = { cpus: positiveInt(raw.cpus ?? 1, '--cpus'), tasksPerJob: positiveInt(raw.tasksPerJob ?? 1, '--tasks-per-job') }
  if (raw.partition !== undefined) {
    if (!NAME.test(raw.partition)) throw new Error(`--partition: not a partition name: '${raw.partition}'`)
    o.partition = raw.partition
  }
  if (raw.time !== undefined) {
    if (!TIME.test(raw.time)) throw new Error(`--time: expected MM, HH:MM:SS or D-HH:MM:SS, got '${raw.time}'`)
    o.time = raw.time
  }
  if (raw.mem !== undefined) {
    if (!MEM.test(raw.mem)) throw new Error(`--mem: expected a size such as 8G or 4000M, got '${raw.mem}'`)
    o.mem = raw.mem.toUpperCase()
  }
  if (raw.gpus !== undefined) {
    const g = String(raw.gpus)
    if (!GPUS.test(g) || /(^|:)0+$/.test(g)) throw new Error(`--gpus: expected a count such as 1 or TYPE:COUNT such as a100:1, got '${g}'`)
    o.gpus = g
  }
  if (raw.arrayLimit !== undefined) o.arrayLimit = positiveInt(raw.arrayLimit, '--array-limit')
  if (raw.jobsPerStage !== undefined) o.jobsPerStage = positiveInt(raw.jobsPerStage, '--jobs-per-stage')
  for (const line of raw.extra ?? []) {
    if (!/^--[a-z][a-z-]*(=\S+)?$/.test(line)) throw new Error(`--sbatch: expected an sbatch option such as --account=abc, got '${line}'`)
  }
  if (raw.extra?.length) o.extra = [...raw.extra]
  return o
}

/**
 * Array indices as Slurm's --array value: consecutive runs collapsed ("0-9", "3,7,9-12"),
 * then "%L" when a limit is set.
 */
export function arraySpec(indices: number[], limit?: number): string {
  if (indices.length === 0) throw new Error('an array job needs at least one index')
  const sorted = [...new Set(indices)].sort((a, b) => a - b)
  const parts: string[] = []
  let start = sorted[0]
  let prev = start
  for (const i of [...sorted.slice(1), Number.NaN]) {
    if (i === prev + 1) {
      prev = i
      continue
    }
    parts.push(start === prev ? `${start}` : `${start}-${prev}`)
    start = prev = i
  }
  return parts.join(',') + (limit ? `%${limit}` : '')
}

/** The inverse of arraySpec for the forms Slurm prints ("5", "3,7,9-12", "0-9%4", "[0-9%4]"). */
export function parseArraySpec(spec: string): number[] {
  const body = spec.replace(/^\[|\]$/g, '').replace(/%\d+$/, '')
  const out: number[] = []
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part.trim())
    if (!m) throw new Error(`not a Slurm array index list: '${spec}'`)
    const a = Number(m[1])
    const b = m[2] === undefined ? a : Number(m[2])
    const step = m[3] === undefined ? 1 : Number(m[3])
    for (let i = a; i <= b; i += step) out.push(i)
  }
  return out
}
