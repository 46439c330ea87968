/**
 * The models table has one owner (services/model/registry.ts): one upsert keyed by
 * folder, unique names (refused or date-suffixed), rename and delete that keep the
 * files in step, and training runs that become 'interrupted' when their process is gone.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import {
  beginRun,
  deleteModel,
  endRunOf,
  finishRun,
  listRuns,
  registerModel,
  renameModel,
  resolveModelDir,
  runSpecForResume,
  uniqueModelName,
} from '../../../src-main/services/model/registry'
import { migrate } from '../../../src-main/services/store/workspace'
import { MIGRATIONS } from '../../../src-main/services/store/migrations/index'
import { defaultModelDir } from '../../../src-main/services/model/default-model'
import { tempDir, tempWorkspace } from '../../helpers/workspace'
import { card, modelDir } from './model-folder'


/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(r.stdout)
}

let ws: ReturnType<typeof tempWorkspace>
afterEach(() => ws?.cleanup())

describe('models registry', () => {
  it('registers with one upsert per folder, and refuses a second model of the same name', () => {
    ws = tempWorkspace()
    const a = modelDir(ws.subdir('models'), 'a', 'alpha')
    const id = registerModel(ws, { name: 'alpha', dir: a, card: card('alpha') })
    expect(registerModel(ws, { name: 'alpha', dir: a, card: card('alpha') })).toBe(id)
    expect(ws.db.prepare('SELECT COUNT(*) FROM models').pluck().get()).toBe(1)
    const b = modelDir(ws.subdir('models'), 'b', 'alpha')
    expect(() => registerModel(ws, { name: 'alpha', dir: b, card: card('alpha') })).toThrow(/a model named 'alpha' already exists/)
    expect(uniqueModelName(ws, 'alpha', a)).toBe('alpha')
    expect(uniqueModelName(ws, 'alpha', b, new Date('2026-12-01T10:20:00Z'))).toBe('alpha 2026-12-01 10:20')
    expect(resolveModelDir(ws, String(id))).toBe(path.resolve(a))
    expect(resolveModelDir(ws, 'default')).toBe(defaultModelDir())
    expect(() => resolveModelDir(ws, '999')).toThrow(/no model with id 999/)
  })

  it('renames the row, card.json and the profile that names it; deletes the folder it made', () => {
    ws = tempWorkspace()
    const a = modelDir(ws.subdir('models'), 'a', 'alpha')
    const id = registerModel(ws, { name: 'alpha', dir: a, card: card('alpha') })
    registerModel(ws, { name: 'beta', dir: modelDir(ws.subdir('models'), 'b', 'beta'), card: card('beta') })
    expect(() => renameModel(ws, id, 'beta')).toThrow(/already exists/)
    renameModel(ws, id, 'gamma')
    expect(JSON.parse(fs.readFileSync(path.join(a, 'card.json'), 'utf8')).name).toBe('gamma')
    expect(JSON.parse(fs.readFileSync(path.join(a, 'profile.json'), 'utf8')).model).toBe('gamma')
    expect(ws.db.prepare('SELECT name FROM models WHERE id = ?').pluck().get(id)).toBe('gamma')
    ws.db.prepare("INSERT INTO profiles (name, model_id, profile_path, classes_json) VALUES ('p', ?, 'x', '[]')").run(id)
    expect(() => deleteModel(ws, id)).toThrow(/belongs to profile 'p'/)
    ws.db.prepare('DELETE FROM profiles').run()
    deleteModel(ws, id)
    expect(fs.existsSync(a)).toBe(false)
    expect(() => deleteModel(ws, id)).toThrow(/no model with id/)
  })

  it('migration 302 gives duplicate names of an older workspace a suffix instead of failing', () => {
    const dir = tempDir()
    const db = new Database(path.join(dir, 'db.sqlite'))
    migrate(db, MIGRATIONS.filter((m) => m.id <= '301-models'))
    for (const d of ['x', 'y']) db.prepare("INSERT INTO models (name, dir, card_json) VALUES ('same', ?, '{}')").run(d)
    migrate(db, MIGRATIONS)
    expect(db.prepare('SELECT name FROM models ORDER BY id').pluck().all()).toEqual(['same', 'same #2'])
    expect(() => db.prepare("INSERT INTO models (name, dir, card_json) VALUES ('same', 'z', '{}')").run()).toThrow(/UNIQUE/)
    db.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
})

describe('training runs', () => {
  it('a run whose process died is interrupted, resumable, and taken over by the next start (one row)', () => {
    ws = tempWorkspace()
    const out = path.join(ws.dir, 'models', 'r')
    const spec = { workspace: ws.dir, source: 'src', out, name: 'r' }
    const id = beginRun(ws, spec, 'wasm')
    expect(() => beginRun(ws, spec, 'wasm')).toThrow(/already being trained/)
    ws.db.prepare('UPDATE training_runs SET pid = ? WHERE id = ?').run(deadPid(), id)
    const [run] = listRuns(ws)
    expect(run).toMatchObject({ id, state: 'interrupted', resumable: true })
    expect(run.error).toMatch(/interrupted/)
    expect(runSpecForResume(ws, id)).toMatchObject({ source: 'src', out: path.resolve(out) })
    expect(beginRun(ws, spec, 'wasm')).toBe(id)
    expect(ws.db.prepare('SELECT COUNT(*) FROM training_runs').pluck().get()).toBe(1)
    // A worker terminated under this process: the job layer closes the row.
    endRunOf(ws, out, 'cancelled', 'cancelled')
    expect(listRuns(ws)[0].state).toBe('cancelled')
    beginRun(ws, spec, 'wasm')
    finishRun(ws, id, { state: 'done', modelId: registerModel(ws, { name: 'r', dir: modelDir(ws.subdir('models'), 'r', 'r'), card: card('r') }), history: [] })
    expect(listRuns(ws)[0]).toMatchObject({ state: 'done', resumable: false })
    expect(() => runSpecForResume(ws, id)).toThrow(/has finished/)
  })
})
