/**
 * The one owner of the `profiles` table (migrations 301, 503): enrolled profiles, each on a
 * model row (the registry's), with its profile.json path, classes and enrollment result.
 */
import type { Db } from './workspace'

export interface ProfileRow {
  id: number
  name: string
  person: string | null
  model_id: number | null
  profile_path: string
  classes_json: string
  result_json: string | null
  created_at: string
}

const COLUMNS = 'SELECT id, name, person, model_id, profile_path, classes_json, result_json, created_at FROM profiles'

export function profileRow(db: Db, id: number): ProfileRow | undefined {
  return db.prepare(`${COLUMNS} WHERE id = ?`).get(id) as ProfileRow | undefined
}

/** Every profile, newest first. */
export function profileRows(db: Db): ProfileRow[] {
  return db.prepare(`${COLUMNS} ORDER BY id DESC`).all() as ProfileRow[]
}

export function profileNameTaken(db: Db, name: string): boolean {
  return db.prepare('SELECT 1 FROM profiles WHERE name = ?').get(name.trim()) !== undefined
}

/** Names of the profiles built on a model (such a model is not deleted on its own). */
export function profileNamesOnModel(db: Db, modelId: number): string[] {
  return db.prepare('SELECT name FROM profiles WHERE model_id = ? ORDER BY name').pluck().all(modelId) as string[]
}

export function insertProfile(db: Db, p: { name: string; modelId: number; profilePath: string; classes: string[]; person: string | null }): number {
  const sql = 'INSERT INTO profiles (name, model_id, profile_path, classes_json, person) VALUES (?, ?, ?, ?, ?)'
  return Number(db.prepare(sql).run(p.name, p.modelId, p.profilePath, JSON.stringify(p.classes), p.person).lastInsertRowid)
}

export function setProfileResult(db: Db, id: number, result: unknown): void {
  db.prepare('UPDATE profiles SET result_json = ? WHERE id = ?').run(JSON.stringify(result), id)
}

export function deleteProfileRow(db: Db, id: number): void {
  db.prepare('DELETE FROM profiles WHERE id = ?').run(id)
}
