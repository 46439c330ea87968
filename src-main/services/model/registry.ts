/**
 * The model registry, over the `models` and `training_runs` tables (their SQL is in
 * store/models.ts and store/training-runs.ts): lists
 * models, resolves an id (or 'default') to a folder, registers a model with one upsert
 * (keyed by folder, so a resumed run never adds a second row), keeps names unique,
 * renames and deletes, and records training runs with the pid of the process that runs
 * them, so a run whose process died shows as 'interrupted' and can be resumed.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ModelCardSchema, type ModelListItem } from '../../../src-shared/contract/models'
import type { Workspace } from '../store/workspace'
import {
  deleteModelRow as deleteStoredModel,
  dirsNamed,
  modelRow,
  modelRows,
  modelRowsWithCards,
  renameModelRow,
  upsertModel,
  type ModelRow,
} from '../store/models'
import { profileNamesOnModel } from '../store/profiles'
import { runningRunFor } from '../store/training-runs'
import { defaultModelDir } from './default-model'
import { readCard, writeAtomic } from './storage'
import type { ModelCardData } from './types'
import { serviceErrorClass } from '../../../src-shared/errors'

export class ModelRegistryError extends serviceErrorClass('ModelRegistryError') {}

export type { ModelRow }

export function listModels(ws: Workspace): ModelRow[] {
  return modelRows(ws.db)
}

export function getModel(ws: Workspace, id: number): ModelRow | null {
  return modelRow(ws.db, id)
}

/** The folder of 'default' (the shipped model) or of a row's id; a clear error otherwise. */
export function resolveModelDir(ws: Workspace, ref: string | number): string {
  if (ref === 'default') return defaultModelDir()
  const id = Number(ref)
  const row = Number.isInteger(id) && id > 0 ? getModel(ws, id) : null
  if (!row) throw new ModelRegistryError(`no model with id ${ref} (choose one from the model list, or 'default')`, 'not_found')
  return row.dir
}

function summary(id: string, card: ModelCardData, builtIn: boolean): ModelListItem {
  return {
    id,
    name: card.name,
    builtIn,
    createdAt: card.createdAt,
    arch: card.arch.kind,
    sourceCorpus: card.sourceCorpus,
    targetCorpus: card.targetCorpus,
    loss: card.loss.name,
    frozenLayers: card.frozenLayers,
    shots: card.shots,
    backend: card.backend.name,
    labels: card.labels,
    metrics: card.metrics,
    speakers: card.speakers ?? null,
    heldOut: card.heldOut ?? null,
  }
}

/** The shipped default (when this build has one) and every workspace model whose card reads. */
export function modelListItems(ws: Workspace): ModelListItem[] {
  const out: ModelListItem[] = []
  try {
    out.push(summary('default', readCard(defaultModelDir()), true))
  } catch {
    /* no shipped model in this build: nothing to list */
  }
  for (const r of modelRowsWithCards(ws.db)) {
    if (!fs.existsSync(path.join(r.dir, 'card.json'))) continue
    try {
      // the registry's copy of the card (written with the row, renamed with it); the folder's when the copy does not parse
      const stored = ModelCardSchema.safeParse(JSON.parse(r.cardJson))
      out.push(summary(String(r.id), stored.success ? stored.data : readCard(r.dir), false))
    } catch {
      /* a damaged model folder is reported when it is opened, not in the list */
    }
  }
  return out
}

/** Whether another model has this name; case is ignored ('Model' and 'model' look the same in a list). */
export function modelNameTaken(ws: Workspace, name: string, exceptDir?: string): boolean {
  const dirs = dirsNamed(ws.db, name)
  return dirs.some((dir) => exceptDir === undefined || dir !== path.resolve(exceptDir))
}

/** The one message for a name that is taken, at training time and at rename. */
export const nameTakenMessage = (name: string) =>
  `a model named '${name}' already exists: choose another name, or rename or delete the old one on its model page`

/**
 * `name` when it is free (or already this folder's), else `name` + the date and time, and a
 * counter if even that is taken: a second `ser train --name model` never fails after training.
 */
export function uniqueModelName(ws: Workspace, name: string, dir: string, now = new Date()): string {
  const base = name.trim()
  if (!modelNameTaken(ws, base, dir)) return base
  const stamped = `${base} ${now.toISOString().slice(0, 16).replace('T', ' ')}`
  let candidate = stamped
  for (let k = 2; modelNameTaken(ws, candidate, dir); k++) candidate = `${stamped} #${k}`
  return candidate
}

/** One upsert keyed by folder: a model trained again (or resumed) into the same folder keeps its id. */
export function registerModel(ws: Workspace, m: { name: string; dir: string; card: ModelCardData }): number {
  if (modelNameTaken(ws, m.name, m.dir)) throw new ModelRegistryError(nameTakenMessage(m.name), 'conflict')
  try {
    return upsertModel(ws.db, m)
  } catch (err) {
    if (/UNIQUE constraint failed: models\.name/.test((err as Error).message)) {
      throw new ModelRegistryError(nameTakenMessage(m.name), 'conflict')
    }
    throw err
  }
}

/** Renames a model: its row, its card.json and the profile.json next to it (a profile names its model). */
export function renameModel(ws: Workspace, id: number, newName: string): ModelRow {
  const row = getModel(ws, id)
  if (!row) throw new ModelRegistryError(`no model with id ${id}`, 'not_found')
  const name = newName.trim()
  if (!name) throw new ModelRegistryError('a model needs a name')
  if (name === row.name) return row
  if (modelNameTaken(ws, name, row.dir)) throw new ModelRegistryError(nameTakenMessage(name), 'conflict')
  const card = { ...readCard(row.dir), name }
  const parsed = ModelCardSchema.parse(card)
  ws.db.transaction(() => {
    renameModelRow(ws.db, id, name, parsed)
    writeAtomic(path.join(row.dir, 'card.json'), JSON.stringify(parsed, null, 2))
    const profile = path.join(row.dir, 'profile.json')
    if (fs.existsSync(profile)) {
      const p = JSON.parse(fs.readFileSync(profile, 'utf8')) as { model?: string }
      if (p.model === row.name) writeAtomic(profile, JSON.stringify({ ...p, model: name }))
    }
  })()
  return { ...row, name }
}

/** The profiles built on a model (enrollment); such a model is not deleted on its own. */
export function modelUsers(ws: Workspace, id: number): string[] {
  return profileNamesOnModel(ws.db, id)
}

/** Why a model may not be deleted now (null: it may). */
export function undeletableReason(ws: Workspace, row: ModelRow): string | null {
  const users = modelUsers(ws, row.id)
  if (users.length) return `model '${row.name}' belongs to profile ${users.map((u) => `'${u}'`).join(', ')}: remove the profile in the Enroll view instead`
  if (runningRunFor(ws, row.dir)) return `model '${row.name}' is being trained: cancel the run first`
  return null
}

/** Whether delete removes the model's folder: one the workspace made directly under models/ (never a link, never the shipped model). */
export function ownsFolder(ws: Workspace, row: ModelRow): boolean {
  const dir = path.resolve(row.dir)
  return (
    path.dirname(dir) === path.resolve(ws.subdir('models')) &&
    dir !== path.resolve(defaultModelDir()) &&
    fs.existsSync(dir) &&
    !fs.lstatSync(dir).isSymbolicLink()
  )
}

/**
 * Removes a model's row, and its folder when the workspace made it directly under models/
 * (a folder registered from elsewhere is left on disk). Refused while a profile uses it or it
 * trains. The folder is first renamed aside, so a failed removal never leaves a half model
 * under its own name; its training runs stay listed, without a model (ON DELETE SET NULL).
 */
export function deleteModel(ws: Workspace, id: number): void {
  const row = getModel(ws, id)
  if (!row) throw new ModelRegistryError(`no model with id ${id}`, 'not_found')
  const why = undeletableReason(ws, row)
  if (why) throw new ModelRegistryError(why, 'conflict')
  const dir = path.resolve(row.dir)
  const owned = ownsFolder(ws, row)
  const aside = path.join(path.dirname(dir), `.deleting-${id}-${Date.now().toString(36)}`)
  if (owned) fs.renameSync(dir, aside)
  try {
    deleteModelRow(ws, id)
  } catch (err) {
    if (owned) fs.renameSync(aside, dir)
    throw err
  }
  if (owned) fs.rmSync(aside, { recursive: true, force: true })
}

/** The row only (enroll/profiles.ts removes a profile and its model in one transaction). */
export function deleteModelRow(ws: Workspace, id: number): void {
  deleteStoredModel(ws.db, id)
}

export {
  beginRun, endRunOf, finishRun, listRuns, markInterruptedRuns, modelHistory, processAlive, recordEpoch, runSpecForResume,
} from '../store/training-runs'
