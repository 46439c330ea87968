/**
 * The one owner of the `models` table (migrations 301, 302): a row per model folder, with its
 * name (unique, case ignored) and a copy of its card (card_json), which the model list reads.
 */
import path from 'node:path'
import type { Db } from './workspace'

export interface ModelRow {
  id: number
  name: string
  dir: string
  createdAt: string
}

const ROW = 'SELECT id, name, dir, created_at AS createdAt FROM models'

export function modelRows(db: Db): ModelRow[] {
  return db.prepare(`${ROW} ORDER BY id DESC`).all() as ModelRow[]
}

/** Every row with its stored card (JSON text), newest first. */
export function modelRowsWithCards(db: Db): (ModelRow & { cardJson: string })[] {
  return db.prepare('SELECT id, name, dir, created_at AS createdAt, card_json AS cardJson FROM models ORDER BY id DESC').all() as (ModelRow & {
    cardJson: string
  })[]
}

export function modelRow(db: Db, id: number): ModelRow | null {
  return (db.prepare(`${ROW} WHERE id = ?`).get(id) as ModelRow | undefined) ?? null
}

/** The folders of the models with this name (case ignored). */
export function dirsNamed(db: Db, name: string): string[] {
  return db.prepare('SELECT dir FROM models WHERE lower(name) = lower(?)').pluck().all(name.trim()) as string[]
}

/** One upsert keyed by folder: a model saved again into the same folder keeps its id. */
export function upsertModel(db: Db, m: { name: string; dir: string; card: unknown }): number {
  const sql =
    'INSERT INTO models (name, dir, card_json) VALUES (?, ?, ?) ON CONFLICT(dir) DO UPDATE SET name = excluded.name, ' +
    'card_json = excluded.card_json RETURNING id'
  return Number(db.prepare(sql).pluck().get(m.name, path.resolve(m.dir), JSON.stringify(m.card)))
}

export function renameModelRow(db: Db, id: number, name: string, card: unknown): void {
  db.prepare('UPDATE models SET name = ?, card_json = ? WHERE id = ?').run(name, JSON.stringify(card), id)
}

export function deleteModelRow(db: Db, id: number): void {
  db.prepare('DELETE FROM models WHERE id = ?').run(id)
}
