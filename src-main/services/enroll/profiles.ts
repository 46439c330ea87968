/**
 * Saved profiles: the `profiles` table (migrations 301 + 503) plus each profile's
 * folder (model.json, weights.bin, card.json, profile.json, enroll.json). The
 * shipped default model's own profile is listed too, as id 'default'.
 */
import fs from 'node:fs'
import path from 'node:path'
import { EXTRACTOR_VERSION } from '../features/index'
import { defaultModelDir } from '../model/default-model'
import type { Profile } from '../model/inference'
import { deleteModelRow, getModel, ModelRegistryError, resolveModelDir } from '../model/registry'
import { loadModel, loadProfile, readCard } from '../model/storage'
import type { TrainedModel } from '../model/trained'
import type { ModelCardData } from '../model/types'
import type { Workspace } from '../store/workspace'
import { deleteProfileRow, profileNameTaken as nameTaken, profileRow, profileRows, type ProfileRow as StoredProfile } from '../store/profiles'
import { EnrollResultSchema, type EnrollResult, type ProfileListItem } from '../../../src-shared/contract/enroll'
import { EnrollError } from './examples'

/** The folder of a base model: the shipped default, or a row of the models table. */
export function baseModelDir(ws: Workspace, ref: string): string {
  try {
    return resolveModelDir(ws, ref)
  } catch (err) {
    if (err instanceof ModelRegistryError) throw new EnrollError(err.message)
    throw err
  }
}

type ProfileRow = StoredProfile & { model_name: string | null; model_dir: string | null }

/** A profile row with its model's name and folder from the registry (null when the model is gone). */
function withModel(ws: Workspace, r: Omit<ProfileRow, 'model_name' | 'model_dir'> | undefined): ProfileRow | undefined {
  if (!r) return undefined
  const m = r.model_id === null ? null : getModel(ws, r.model_id)
  return { ...r, model_name: m?.name ?? null, model_dir: m?.dir ?? null }
}

function parseResult(json: string | null): EnrollResult | null {
  if (!json) return null
  const r = EnrollResultSchema.safeParse(JSON.parse(json))
  return r.success ? r.data : null
}

export function profileNameTaken(ws: Workspace, name: string): boolean {
  return nameTaken(ws.db, name)
}

/** Saved profiles, newest first, then the shipped default's (when this build has one). */
export function listProfiles(ws: Workspace): ProfileListItem[] {
  const rows = profileRows(ws.db).map((r) => withModel(ws, r)!)
  const out: ProfileListItem[] = rows.map((r) => {
    const res = parseResult(r.result_json)
    return {
      id: String(r.id),
      name: r.name,
      person: r.person,
      builtIn: false,
      classes: JSON.parse(r.classes_json) as string[],
      modelId: r.model_id === null ? '' : String(r.model_id),
      modelName: r.model_name ?? '(model removed)',
      createdAt: r.created_at,
      examples: res ? res.heldOut.predictions.length : null,
      heldOutAccuracy: res ? res.heldOut.accuracy : null,
      sessions: res?.basis?.sessions ?? null,
    }
  })
  try {
    const dir = defaultModelDir()
    const card = readCard(dir)
    const p = JSON.parse(fs.readFileSync(path.join(dir, 'profile.json'), 'utf8')) as { classes: string[]; support?: unknown[] }
    out.push({
      id: 'default',
      name: 'default',
      person: null,
      builtIn: true,
      classes: p.classes,
      modelId: 'default',
      modelName: card.name,
      createdAt: card.createdAt,
      examples: p.support?.length ?? null,
      heldOutAccuracy: null,
      sessions: null,
    })
  } catch {
    /* no shipped model in this build */
  }
  return out
}

/** The stored enrollment result of a profile (what the Enroll view shows for it). */
export function profileResult(ws: Workspace, id: number): EnrollResult {
  const r = withModel(ws, profileRow(ws.db, id))
  if (!r) throw new EnrollError(`no profile with id ${id}`)
  const res = parseResult(r.result_json)
  if (!res) throw new EnrollError(`profile ${r.name} has no stored enrollment result`)
  return res
}

/** A profile with its model, ready for services/model predict(model, profile, items). */
export async function loadEnrolledProfile(ws: Workspace, id: string): Promise<{ model: TrainedModel; card: ModelCardData; profile: Profile; name: string }> {
  if (id === 'default') {
    const dir = defaultModelDir()
    const { model, card } = await loadModel(dir, { extractorVersion: EXTRACTOR_VERSION })
    return { model, card, profile: loadProfile(path.join(dir, 'profile.json'), card), name: 'default' }
  }
  const r = withModel(ws, profileRow(ws.db, Number(id)))
  if (!r) throw new EnrollError(`no profile with id ${id}`)
  if (!r.model_dir) throw new EnrollError(`the model of profile ${r.name} was removed`)
  const { model, card } = await loadModel(r.model_dir, { extractorVersion: EXTRACTOR_VERSION })
  return { model, card, profile: loadProfile(r.profile_path, card), name: r.name }
}

/** Removes a profile's row, its model row and its folder (only folders under the workspace's profiles/). */
export function removeProfile(ws: Workspace, id: number): void {
  const r = withModel(ws, profileRow(ws.db, id))
  if (!r) throw new EnrollError(`no profile with id ${id}`)
  const root = ws.subdir('profiles')
  const dir = path.dirname(r.profile_path)
  const inside = !path.relative(root, dir).startsWith('..') && path.dirname(dir) === root
  ws.db.transaction(() => {
    deleteProfileRow(ws.db, id)
    if (inside && r.model_id !== null && r.model_dir === dir) deleteModelRow(ws, r.model_id)
  })()
  if (inside) fs.rmSync(dir, { recursive: true, force: true })
}
