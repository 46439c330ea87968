/**
 * What the live view can listen with: the shipped default model, every trained
 * model in the workspace (with the profile saved next to it) and every enrolled
 * profile (profiles table; model_id NULL means the default model).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { LiveSource } from '../../../src-shared/contract/live'
import { defaultModelDir } from '../model/default-model'
import { getModel, listModels } from '../model/registry'
import { readCard } from '../model/storage'
import { provenanceOf } from './provenance'
import type { Workspace } from '../store/workspace'
import { datasetSpeechByName } from '../store/dataset-speech'
import { EnrollBasisSchema, type EnrollBasis } from '../../../src-shared/contract/basis'
import { profileRow, profileRows } from '../store/profiles'
import { serviceErrorClass } from '../../../src-shared/errors'

export interface ResolvedSource extends LiveSource {
  modelDir: string
  profilePath: string
}

export class LiveSourceError extends serviceErrorClass('LiveSourceError') {}

interface Enrolled {
  person: string | null
  basis: EnrollBasis | null
}

function fromModelDir(
  ws: Workspace,
  id: string,
  kind: LiveSource['kind'],
  dir: string,
  profilePath: string,
  label: string,
  enrolled?: Enrolled,
): ResolvedSource {
  const card = readCard(dir)
  // a profile's own model is fine-tuned from its base: the base's provenance (demonstration model or not) is the profile's
  const demo = enrolled?.basis ? enrolled.basis.base.demo : path.resolve(dir) === path.resolve(defaultModelDir())
  if (!fs.existsSync(profilePath)) throw new LiveSourceError(`${label}: profile file missing: ${profilePath}`)
  const p = JSON.parse(fs.readFileSync(profilePath, 'utf8')) as { classes?: string[] }
  const provenance = provenanceOf(card, demo, (name) => datasetSpeechByName(ws, name))
  return {
    id, kind, label, classes: p.classes ?? card.labels, extractor: card.extractor.name, provenance,
    person: enrolled?.person ?? null, basis: enrolled?.basis ?? null, modelDir: dir, profilePath,
  }
}

function enrolledOf(resultJson: string | null, person: string | null): Enrolled {
  let basis: EnrollBasis | null = null
  try {
    const r = EnrollBasisSchema.safeParse((JSON.parse(resultJson ?? 'null') as { basis?: unknown } | null)?.basis)
    basis = r.success ? r.data : null
  } catch {
    basis = null // a damaged result: the banner says the basis is not recorded
  }
  return { person, basis }
}

export function resolveSource(ws: Workspace, id: string): ResolvedSource {
  if (id === 'default') {
    const dir = defaultModelDir()
    return fromModelDir(ws, 'default', 'default', dir, path.join(dir, 'profile.json'), 'Default model (shipped)')
  }
  const m = /^(model|profile):(\d+)$/.exec(id)
  if (!m) throw new LiveSourceError(`unknown live source '${id}'`)
  const num = Number(m[2])
  if (m[1] === 'model') {
    const row = getModel(ws, num)
    if (!row) throw new LiveSourceError(`no model with id ${num}`, 'not_found')
    return fromModelDir(ws, id, 'model', row.dir, path.join(row.dir, 'profile.json'), `Model ${row.name}`)
  }
  const row = profileRow(ws.db, num)
  if (!row) throw new LiveSourceError(`no profile with id ${num}`, 'not_found')
  const dir = row.model_id === null ? null : getModel(ws, row.model_id)?.dir
  return fromModelDir(ws, id, 'profile', dir ?? defaultModelDir(), row.profile_path, `Profile ${row.name}`, enrolledOf(row.result_json, row.person))
}

/** Every usable source; broken ones are left out (they are reported when chosen). */
export function listSources(ws: Workspace): LiveSource[] {
  const ids = ['default']
  // a model made by enrollment is offered once, as its profile
  const profiles = profileRows(ws.db)
  const enrolled = new Set(profiles.map((p) => p.model_id))
  for (const m of listModels(ws)) if (!enrolled.has(m.id)) ids.push(`model:${m.id}`)
  for (const r of profiles) ids.push(`profile:${r.id}`)
  const out: LiveSource[] = []
  for (const id of ids) {
    try {
      const { modelDir: _d, profilePath: _p, ...s } = resolveSource(ws, id)
      out.push(s)
    } catch {
      /* skipped: missing files or a damaged card */
    }
  }
  return out
}
