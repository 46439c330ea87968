/**
 * The run folder (= the plan folder, plan-format.ts), marked as an experiment's by the
 * marker file `.ser-experiment`, with manifest.json: format, status ('running' |
 * 'done'), the configuration and its hash, times, the planned evaluations, and `files`:
 * every entry of the folder the experiment writes. Opening a folder:
 *   missing or empty -> start; unfinished with the same configuration -> resume (tasks
 *   whose result exists are skipped); finished or holding another configuration ->
 *   refused unless `force`, which deletes only the entries listed in the folder's own
 *   manifest; a non-empty folder without the marker is never touched, force or not.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { ExperimentConfig } from '../../../src-shared/contract/experiments'
import { writeDurable } from './plan-io'
import { serviceErrorClass } from '../../../src-shared/errors'

export const MARKER = '.ser-experiment'
export const MANIFEST = 'manifest.json'
/** What an experiment writes at the top of its folder (the slurm submitter adds 'slurm'). */
export const RUN_FILES = [
  MARKER,
  MANIFEST,
  'plan.json',
  'tasks',
  'features',
  'bases',
  'scratch',
  'results.json',
  'results.csv',
  'report.html',
  'embeddings.json',
  'meta.json',
]

export interface Manifest {
  format: 'ser-experiment/2'
  status: 'running' | 'done'
  configHash: string
  config: ExperimentConfig
  createdAt: string
  finishedAt: string | null
  /** Planned evaluations (result records). */
  total: number
  /** Entries of the folder this experiment wrote; `force` deletes these and nothing else. */
  files: string[]
}

export class RunFolderError extends serviceErrorClass('RunFolderError', 'conflict') {}

export function hashConfig(config: ExperimentConfig): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v
  return crypto.createHash('sha256').update(JSON.stringify(canon(config))).digest('hex').slice(0, 16)
}

export function readManifest(outDir: string): Manifest | null {
  const p = path.join(outDir, MANIFEST)
  if (!fs.existsSync(p)) return null
  try {
    return JSON.parse(fs.readFileSync(p, 'utf8')) as Manifest
  } catch (err) {
    throw new RunFolderError(`cannot read ${p}: ${(err as Error).message}`)
  }
}

export function writeManifest(outDir: string, m: Manifest): void {
  writeDurable(path.join(outDir, MANIFEST), JSON.stringify(m, null, 2) + '\n')
}

export const hasMarker = (dir: string) => fs.existsSync(path.join(dir, MARKER))

export interface OpenedRun {
  outDir: string
  manifest: Manifest
  resumed: boolean
}

/**
 * What opening `outDir` for `config` would do, without touching it. Throws RunFolderError
 * when the folder must not be overwritten (the API checks this before a job starts).
 */
export function checkRunFolder(outDir: string, config: ExperimentConfig, opts: { force?: boolean } = {}): { dir: string; resume: boolean; clear: boolean } {
  const dir = path.resolve(outDir)
  if (!fs.existsSync(dir)) return { dir, resume: false, clear: false }
  if (!fs.statSync(dir).isDirectory()) throw new RunFolderError(`output path is not a folder: ${dir}`)
  if (fs.readdirSync(dir).length === 0) return { dir, resume: false, clear: false }
  if (!hasMarker(dir))
    throw new RunFolderError(
      `${dir} is not empty and is not an experiment folder (no ${MARKER} marker); choose an empty or new --out folder (--force never deletes outside an ` +
        `experiment folder)`,
    )
  const existing = readManifest(dir)
  const refuse = (why: string) => {
    if (!opts.force) throw new RunFolderError(`${why}; refusing to overwrite ${dir} (use --force to replace it, or another --out)`)
    return { dir, resume: false, clear: true }
  }
  if (!existing) return refuse(`${dir} has the experiment marker but no ${MANIFEST}`)
  if (existing.status === 'done') return refuse(`${dir} holds a finished experiment (${existing.finishedAt})`)
  if (existing.configHash !== hashConfig(config)) return refuse(`${dir} holds an unfinished experiment with a different configuration`)
  return opts.force ? { dir, resume: false, clear: true } : { dir, resume: true, clear: false }
}

export function openRunFolder(outDir: string, config: ExperimentConfig, total: number, opts: { force?: boolean } = {}): OpenedRun {
  const { dir, resume, clear } = checkRunFolder(outDir, config, opts)
  if (resume) return { outDir: dir, manifest: { ...readManifest(dir)!, total }, resumed: true }
  if (clear) clearRunFiles(dir)
  fs.mkdirSync(dir, { recursive: true })
  writeDurable(path.join(dir, MARKER), 'ser-experiment/2\n')
  const manifest: Manifest = {
    format: 'ser-experiment/2',
    status: 'running',
    configHash: hashConfig(config),
    config,
    createdAt: new Date().toISOString(),
    finishedAt: null,
    total,
    files: [...RUN_FILES],
  }
  writeManifest(dir, manifest)
  return { outDir: dir, manifest, resumed: false }
}

/** Deletes the entries the folder's own manifest lists, and only in a folder carrying the marker. */
export function clearRunFiles(dir: string): void {
  if (!hasMarker(dir)) throw new RunFolderError(`${dir} carries no ${MARKER} marker; nothing deleted`)
  const m = readManifest(dir)
  const listed = (m?.files ?? [MARKER, MANIFEST]).filter((e) => e === path.basename(e) && e !== '.' && e !== '..')
  // The marker goes last, so an interrupted clear can be repeated.
  for (const e of listed.filter((x) => x !== MARKER)) fs.rmSync(path.join(dir, e), { recursive: true, force: true })
  fs.rmSync(path.join(dir, MARKER), { force: true })
}

export function markDone(outDir: string, manifest: Manifest): Manifest {
  const m: Manifest = { ...manifest, status: 'done', finishedAt: new Date().toISOString() }
  writeManifest(outDir, m)
  return m
}
