/**
 * Fault suite (c), import: `ser import` runs as a child process on a generated corpus
 * and is killed with SIGKILL mid-import, again and again; a last run completes it.
 * Afterwards every clip is present exactly once (by content hash and by path), each
 * with one corpus label, and the database passes PRAGMA integrity_check. `npm test`
 * runs a few kills; the soak calls runImportKill({ kills }) with more.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { encodeWav16 } from '../../../src-main/services/audio/index'

const repo = path.resolve(import.meta.dirname, '..', '..', '..')
const EMOTIONS = ['angry', 'sad', 'happy', 'neutral']

export interface ImportKillReport {
  files: number
  kills: number
  /** kills that landed while the import was writing (some clips in, not all) */
  midImportKills: number
  clips: number
  duplicateHashes: number
  duplicatePaths: number
  labels: number
  integrity: string
  elapsedSec: number
}

function corpus(dir: string, files: number): void {
  for (let i = 0; i < files; i++) {
    const e = EMOTIONS[i % EMOTIONS.length]
    fs.mkdirSync(path.join(dir, `spk${i % 5}`, e), { recursive: true })
    // distinct content per file: a different tone each
    const f = 200 + i * 3.7
    const x = Float32Array.from({ length: 8000 }, (_, k) => 0.3 * Math.sin((2 * Math.PI * f * k) / 16000))
    fs.writeFileSync(path.join(dir, `spk${i % 5}`, e, `c${i}.wav`), encodeWav16(x, 16000))
  }
}

function runCli(wsDir: string, corpusDir: string) {
  return spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repo, 'src-main/cli/index.ts'), '-w', wsDir, 'import', corpusDir, '--layout', 'folder', '--name', 'killed'],
    {
      cwd: repo,
      env: { ...process.env, SER_THREADS: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
}

function count(dbFile: string): number {
  if (!fs.existsSync(dbFile)) return 0
  try {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true })
    try {
      return db.prepare('SELECT COUNT(*) FROM clips').pluck().get() as number
    } finally {
      db.close()
    }
  } catch {
    return 0 // schema not there yet
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function runImportKill(opts: { files?: number; kills?: number; log?: (s: string) => void } = {}): Promise<ImportKillReport> {
  const files = opts.files ?? 240
  const kills = opts.kills ?? 3
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-import-kill-'))
  const corpusDir = path.join(root, 'corpus')
  const wsDir = path.join(root, 'ws')
  const dbFile = path.join(wsDir, 'workspace.sqlite')
  const t0 = performance.now()
  try {
    corpus(corpusDir, files)
    let done = 0
    let mid = 0
    for (let k = 0; k < kills; k++) {
      const before = count(dbFile)
      if (before >= files) break
      const child = runCli(wsDir, corpusDir)
      let stderr = ''
      child.stderr!.on('data', (d: Buffer) => (stderr += d))
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
      let finished = false
      void exited.then(() => (finished = true))
      // kill once this run has written something more (so the kill lands mid-import), or after a deadline
      const deadline = Date.now() + 60_000
      while (!finished && Date.now() < deadline && count(dbFile) <= before) await sleep(15)
      await sleep(Math.floor(Math.random() * 40))
      if (!finished) {
        child.kill('SIGKILL')
        done++
        const now = count(dbFile)
        if (now > 0 && now < files) mid++
      } else if ((await exited) !== 0) throw new Error(`ser import failed: ${stderr.slice(-500)}`)
      await exited
    }
    const last = runCli(wsDir, corpusDir)
    let stderr = ''
    last.stderr!.on('data', (d: Buffer) => (stderr += d))
    const code = await new Promise<number | null>((r) => last.on('exit', (c) => r(c)))
    if (code !== 0) throw new Error(`the final ser import exited with ${code}: ${stderr.slice(-500)}`)
    const db = new Database(dbFile, { readonly: true })
    try {
      const report: ImportKillReport = {
        files,
        kills: done,
        midImportKills: mid,
        clips: db.prepare('SELECT COUNT(*) FROM clips').pluck().get() as number,
        duplicateHashes: db
          .prepare('SELECT COUNT(*) FROM (SELECT content_hash FROM clips GROUP BY dataset_id, content_hash HAVING COUNT(*) > 1)')
          .pluck()
          .get() as number,
        duplicatePaths: db
          .prepare('SELECT COUNT(*) FROM (SELECT rel_path FROM clips GROUP BY dataset_id, rel_path HAVING COUNT(*) > 1)')
          .pluck()
          .get() as number,
        labels: db.prepare("SELECT COUNT(*) FROM labels WHERE source = 'corpus'").pluck().get() as number,
        integrity: db.pragma('integrity_check', { simple: true }) as string,
        elapsedSec: +((performance.now() - t0) / 1000).toFixed(1),
      }
      opts.log?.(
        `import kill -9: ${report.kills} kills (${report.midImportKills} mid-import) over ${files} files; afterwards ${report.clips} clips, ` +
          `${report.duplicateHashes} duplicate hashes, ${report.duplicatePaths} duplicate paths, ${report.labels} corpus labels, ` +
          `integrity ${report.integrity}; ${report.elapsedSec} s`,
      )
      return report
    } finally {
      db.close()
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
}
