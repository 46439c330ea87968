/** What the live view offers: the default, trained models, enrolled profiles — each once. */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { listSources, LiveSourceError, resolveSource } from '../../../src-main/services/live'
import { defaultModelDir } from '../../../src-main/services/model/default-model'
import { tempDir, tempWorkspace } from '../../helpers/workspace'

const ws = tempWorkspace('ser-live-sources-')
const dirs = tempDir('ser-live-models-')
afterAll(() => {
  ws.cleanup()
  fs.rmSync(dirs, { recursive: true, force: true })
})

/** A real model folder (a copy of the shipped one) registered as the Train view and enrollment do. */
function addModel(name: string): number {
  const dir = path.join(dirs, name)
  fs.cpSync(defaultModelDir(), dir, { recursive: true })
  const card = fs.readFileSync(path.join(dir, 'card.json'), 'utf8')
  return Number(ws.db.prepare('INSERT INTO models (name, dir, card_json) VALUES (?, ?, ?)').run(name, dir, card).lastInsertRowid)
}

describe('live sources', () => {
  it('lists an enrolled profile once (as the profile), and a plain trained model as a model', () => {
    const trained = addModel('trained')
    const enrolled = addModel('enrolled-model')
    const profileId = Number(
      ws.db
        .prepare('INSERT INTO profiles (name, model_id, profile_path, classes_json, person) VALUES (?, ?, ?, ?, ?)')
        .run('Ada', enrolled, path.join(dirs, 'enrolled-model', 'profile.json'), '["angry","sad"]', 'Ada').lastInsertRowid,
    )
    const ids = listSources(ws).map((s) => s.id)
    expect(ids).toEqual(['default', `model:${trained}`, `profile:${profileId}`])
    // the model behind a profile still resolves when asked for by id (older saved choices keep working)
    expect(resolveSource(ws, `model:${enrolled}`).kind).toBe('model')
  })

  it('leaves out a model whose files are gone, and names the problem when it is chosen', () => {
    const broken = addModel('broken')
    fs.rmSync(path.join(dirs, 'broken', 'profile.json'))
    expect(listSources(ws).map((s) => s.id)).not.toContain(`model:${broken}`)
    expect(() => resolveSource(ws, `model:${broken}`)).toThrow(LiveSourceError)
    expect(() => resolveSource(ws, `model:${broken}`)).toThrow(/profile file missing/)
  })
})
