import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { inRunOrder, MIGRATIONS, MigrationOrderError } from '../../../src-main/services/store/migrations/index'
import { migrate } from '../../../src-main/services/store/workspace'

describe('migration order', () => {
  it('runs migrations by number, so 1000 comes after 999 (text order would put it first)', () => {
    const db = new Database(':memory:')
    // 1000 alters the table 999 makes: in text order ('1000' < '999') the ALTER would run first and fail.
    const applied = migrate(db, [
      { id: '1000-add-column', up: 'ALTER TABLE t ADD COLUMN y TEXT' },
      { id: '999-make-table', up: 'CREATE TABLE t (x INTEGER)' },
      { id: '010-other', up: 'CREATE TABLE o (x INTEGER)' },
    ])
    expect(applied).toEqual(['010-other', '999-make-table', '1000-add-column'])
    expect(db.prepare("SELECT name FROM pragma_table_info('t')").pluck().all()).toEqual(['x', 'y'])
    db.close()
  })

  it('refuses an id that is not NNN-name, and a number used twice, naming them', () => {
    expect(() => inRunOrder([{ id: '12-short', up: '' }])).toThrow(MigrationOrderError)
    expect(() => inRunOrder([{ id: 'core', up: '' }])).toThrow(/migration id "core" is not NNN-name/)
    expect(() => inRunOrder([{ id: '501-a', up: '' }, { id: '501-b', up: '' }])).toThrow(/migration number 501 is used twice: 501-a and 501-b/)
  })

  it('lists the shipped migrations in the index in run order, one file each', () => {
    expect(MIGRATIONS.map((m) => m.id)).toEqual(inRunOrder(MIGRATIONS).map((m) => m.id))
    const dir = path.resolve(__dirname, '../../../src-main/services/store/migrations')
    const files = fs.readdirSync(dir).filter((f) => f !== 'index.ts').map((f) => f.replace(/\.ts$/, ''))
    expect(MIGRATIONS.map((m) => m.id).sort()).toEqual(files.sort())
  })

  it('applies every shipped migration on an empty database in that order', () => {
    const db = new Database(':memory:')
    expect(migrate(db, MIGRATIONS)).toEqual(inRunOrder(MIGRATIONS).map((m) => m.id))
    db.close()
  })
})
