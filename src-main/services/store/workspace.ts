import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { inRunOrder, MIGRATIONS, type Migration } from './migrations/index'

export type Db = Database.Database

/** A workspace is a folder holding one SQLite database plus models and run outputs. */
export interface Workspace {
  dir: string
  dbPath: string
  db: Db
  /** Sub-folder of the workspace, created on first use (models, runs, recordings...). */
  subdir(name: string): string
  close(): void
}

export const DB_FILE = 'workspace.sqlite'

/** The default workspace for the CLI and the browser shell (Electron uses its user-data folder). */
export function defaultWorkspaceDir(): string {
  if (process.env.SER_WORKSPACE) return path.resolve(process.env.SER_WORKSPACE)
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share')
  return path.join(base, 'siamese-ser', 'workspace')
}

export class WorkspaceError extends Error {
  override name = 'WorkspaceError'
}

export function openWorkspace(dir: string = defaultWorkspaceDir(), migrations: Migration[] = MIGRATIONS): Workspace {
  const resolved = path.resolve(dir)
  if (fs.existsSync(resolved) && !fs.statSync(resolved).isDirectory()) {
    throw new WorkspaceError(`workspace path is not a folder: ${resolved}`)
  }
  fs.mkdirSync(resolved, { recursive: true })
  const dbPath = path.join(resolved, DB_FILE)
  let db: Db
  try {
    db = new Database(dbPath)
    db.pragma('journal_mode = WAL')
    // FULL: every acknowledged write (a label shown as saved) survives a power cut, not only a crash.
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    migrate(db, migrations)
  } catch (err) {
    throw new WorkspaceError(`cannot open workspace database ${dbPath}: ${(err as Error).message}`)
  }
  return {
    dir: resolved,
    dbPath,
    db,
    subdir(name: string) {
      const p = path.join(resolved, name)
      fs.mkdirSync(p, { recursive: true })
      return p
    },
    close() {
      if (db.open) db.close()
    },
  }
}

export function migrate(db: Db, migrations: Migration[]): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  )`)
  const applied = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[])
  const ids = migrations.map((m) => m.id)
  if (new Set(ids).size !== ids.length) throw new WorkspaceError('duplicate migration id')
  const pending = inRunOrder(migrations).filter((m) => !applied.has(m.id))
  for (const m of pending) {
    db.transaction(() => {
      db.exec(m.up)
      db.prepare('INSERT INTO schema_migrations (id) VALUES (?)').run(m.id)
    })()
  }
  return pending.map((m) => m.id)
}

/** The ids of the migrations applied to this workspace (the doctor's report). */
export function appliedMigrations(db: Db): string[] {
  return db.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all() as string[]
}
