/** The one owner of the `settings` table (migration 001): small JSON values by key. */
import type { Db } from './workspace'

export function readSetting(db: Db, key: string): unknown {
  const v = db.prepare('SELECT value_json FROM settings WHERE key = ?').pluck().get(key) as string | undefined
  return v === undefined ? undefined : JSON.parse(v)
}

/** Stores a value; `replace: false` keeps a value already there (first writer wins). */
export function writeSetting(db: Db, key: string, value: unknown, replace = true): void {
  const conflict = replace ? 'DO UPDATE SET value_json = excluded.value_json' : 'DO NOTHING'
  db.prepare(`INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT(key) ${conflict}`).run(key, JSON.stringify(value))
}

export function countSettings(db: Db): number {
  return db.prepare('SELECT count(*) FROM settings').pluck().get() as number
}
