/**
 * The run folder and resuming. A run folder holds:
 *   manifest.json   format, status ('running' | 'done'), the configuration and its hash,
 *                   times, the number of planned records (written atomically);
 *   records.jsonl   one completed task per line ({"key", "record"}), appended and fsynced
 *                   as each finishes; a torn last line (killed mid-write) is ignored;
 *   pretrained/     one pre-trained model per source x loss (reused on resume);
 *   results.json, results.csv, report.html, embeddings.json, curves.json  (at the end).
 * Opening a folder: empty or new -> start; unfinished with the same configuration ->
 * resume (completed tasks are skipped); finished, holding another configuration, or
 * holding other files -> refused unless `force`, which removes this run's files first
 * (nothing else in the folder is touched).
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { ExperimentConfig, ResultRecord } from '../../../src-shared/contract/experiments'
import { validateRecord, writeAtomic } from './results'

export const MANIFEST = 'manifest.json'
export const RECORDS = 'records.jsonl'
export const RUN_FILES = [MANIFEST, RECORDS, 'results.json', 'results.csv', 'report.html', 'embeddings.json', 'curves.json', 'pretrained', 'meta.json']

export interface Manifest {
  format: 'ser-experiment/1'
  status: 'running' | 'done'
  configHash: string
  config: ExperimentConfig
  createdAt: string
  finishedAt: string | null
  total: number
}

export class RunFolderError extends Error {
  override name = 'RunFolderError'
}

export function hashConfig(config: ExperimentConfig): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])])) : v
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
  writeAtomic(path.join(outDir, MANIFEST), JSON.stringify(m, null, 2) + '\n')
}

/** Completed records by task key; a torn or invalid line (a kill mid-append) ends the valid prefix. */
export function readRecords(outDir: string): Map<string, ResultRecord> {
  const p = path.join(outDir, RECORDS)
  const done = new Map<string, ResultRecord>()
  if (!fs.existsSync(p)) return done
  const lines = fs.readFileSync(p, 'utf8').split('\n')
  for (const line of lines) {
    if (!line.trim()) continue
    try {
      const { key, record } = JSON.parse(line) as { key: string; record: unknown }
      done.set(key, validateRecord(record))
    } catch {
      break
    }
  }
  return done
}

export interface OpenedRun {
  outDir: string
  manifest: Manifest
  done: Map<string, ResultRecord>
  resumed: boolean
}

/**
 * What opening `outDir` for `config` would do, without touching it: start afresh (clearing
 * this run's files first where `clear`), or resume. Throws RunFolderError when the folder
 * must not be overwritten and `force` is not given (the API checks this before a job starts).
 */
export function checkRunFolder(outDir: string, config: ExperimentConfig, opts: { force?: boolean } = {}): { dir: string; resume: boolean; clear: boolean } {
  const dir = path.resolve(outDir)
  if (!fs.existsSync(dir)) return { dir, resume: false, clear: false }
  if (!fs.statSync(dir).isDirectory()) throw new RunFolderError(`output path is not a folder: ${dir}`)
  const refuse = (why: string) => {
    if (!opts.force) throw new RunFolderError(`${why}; refusing to overwrite ${dir} (use --force to replace it, or another --out)`)
    return { dir, resume: false, clear: true }
  }
  const existing = readManifest(dir)
  if (existing) {
    if (existing.status === 'done') return refuse(`${dir} holds a finished experiment (${existing.finishedAt})`)
    if (existing.configHash !== hashConfig(config)) return refuse(`${dir} holds an unfinished experiment with a different configuration`)
    return opts.force ? { dir, resume: false, clear: true } : { dir, resume: true, clear: false }
  }
  const entries = fs.readdirSync(dir)
  if (entries.length === 0) return { dir, resume: false, clear: false }
  if (!entries.every((e) => RUN_FILES.includes(e) || e.endsWith('.tmp'))) return refuse(`${dir} is not empty and is not an experiment folder`)
  return { dir, resume: false, clear: true }
}

export function openRunFolder(outDir: string, config: ExperimentConfig, total: number, opts: { force?: boolean } = {}): OpenedRun {
  const { dir, resume, clear } = checkRunFolder(outDir, config, opts)
  if (resume) {
    const existing = readManifest(dir)!
    // The records file may have a torn last line (a kill mid-append); rewrite it clean.
    const done = readRecords(dir)
    rewriteRecords(dir, done)
    return { outDir: dir, manifest: { ...existing, total }, done, resumed: true }
  }
  fs.mkdirSync(dir, { recursive: true })
  if (clear) clearRunFiles(dir)
  const manifest: Manifest = { format: 'ser-experiment/1', status: 'running', configHash: hashConfig(config), config, createdAt: new Date().toISOString(), finishedAt: null, total }
  writeManifest(dir, manifest)
  fs.writeFileSync(path.join(dir, RECORDS), '')
  return { outDir: dir, manifest, done: new Map(), resumed: false }
}

function clearRunFiles(dir: string): void {
  for (const e of fs.readdirSync(dir)) if (RUN_FILES.includes(e) || e.endsWith('.tmp')) fs.rmSync(path.join(dir, e), { recursive: true, force: true })
}

function rewriteRecords(dir: string, done: Map<string, ResultRecord>): void {
  writeAtomic(path.join(dir, RECORDS), [...done].map(([key, record]) => JSON.stringify({ key, record }) + '\n').join(''))
}

/** Appends one completed task durably (fsync) before the runner moves on. */
export function appendRecord(outDir: string, key: string, record: ResultRecord): void {
  const fd = fs.openSync(path.join(outDir, RECORDS), 'a')
  try {
    fs.writeSync(fd, JSON.stringify({ key, record }) + '\n')
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

export function markDone(outDir: string, manifest: Manifest): Manifest {
  const m: Manifest = { ...manifest, status: 'done', finishedAt: new Date().toISOString() }
  writeManifest(outDir, m)
  return m
}
