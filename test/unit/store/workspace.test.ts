import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrate, openWorkspace, WorkspaceError } from '../../../src-main/services/store/workspace'
import { tempDir } from '../../helpers/workspace'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

describe('workspace store', () => {
  it('creates the database in WAL mode with foreign keys and applies migrations once', () => {
    const dir = tempDir()
    dirs.push(dir)
    const ws = openWorkspace(dir)
    expect(ws.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(ws.db.pragma('foreign_keys', { simple: true })).toBe(1)
    const tables = ws.db.prepare("SELECT name FROM sqlite_master WHERE type='table'").pluck().all()
    expect(tables).toEqual(expect.arrayContaining(['datasets', 'speakers', 'clips', 'labels', 'feature_cache']))
    expect(migrate(ws.db, [{ id: '001-core', up: 'SELECT 1' }])).toEqual([])
    ws.close()
    // Reopening keeps data and applies nothing twice.
    const again = openWorkspace(dir)
    again.db.prepare("INSERT INTO datasets (name, layout) VALUES ('d', 'folder')").run()
    again.close()
    const third = openWorkspace(dir)
    expect(third.db.prepare('SELECT count(*) FROM datasets').pluck().get()).toBe(1)
    third.close()
  })

  it('rolls back a failing migration and names it', () => {
    const dir = tempDir()
    dirs.push(dir)
    const ws = openWorkspace(dir)
    expect(() => migrate(ws.db, [{ id: '999-broken', up: 'CREATE TABLE t (x); INSERT INTO nope VALUES (1);' }])).toThrow(/nope/)
    const tables = ws.db.prepare("SELECT name FROM sqlite_master WHERE name='t'").all()
    expect(tables).toEqual([])
    ws.close()
  })

  it('refuses a workspace path that is a file', () => {
    const dir = tempDir()
    dirs.push(dir)
    const file = path.join(dir, 'f')
    fs.writeFileSync(file, 'x')
    expect(() => openWorkspace(file)).toThrow(WorkspaceError)
  })
})
