/**
 * SQL has one owner per table (docs/CONVENTIONS.md, Table owners): eslint.config.mjs forbids
 * preparing or running SQL anywhere in src-main but services/store. Each way of breaking the
 * rule must fail the lint, and the store itself and a RegExp's exec must pass (`npm run lint`,
 * a step of `npm test`, holds today's tree to it).
 */
import path from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const root = path.resolve(__dirname, '../../..')
const eslint = new ESLint({ cwd: root })

async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) })
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`)
}

const PREAMBLE = "import type { Workspace } from '../store/workspace'\n"

describe('SQL only in services/store (eslint.config.mjs)', () => {
  it.each([
    ['src-main/services/labels/probe.ts', `${PREAMBLE}export const f = (ws: Workspace) => ws.db.prepare('SELECT 1').get()\n`],
    ['src-main/services/model/probe.ts', `${PREAMBLE}export const f = (ws: Workspace) => ws.db.exec('DELETE FROM models')\n`],
    ['src-main/services/corpus/probe.ts', `${PREAMBLE}export const f = (ws: Workspace, t: string) => ws.db.exec(\`DELETE FROM \${t}\`)\n`],
    ['src-main/services/live/probe.ts', `${PREAMBLE}export const f = (ws: Workspace) => ws.db.pragma('journal_mode')\n`],
    ['src-main/api/routers/probe.ts', "export const f = (db: { prepare(s: string): unknown }) => db.prepare('SELECT 1')\n"],
    ['src-main/cli/commands/probe.ts', "export const f = (db: { prepare(s: string): unknown }) => db.prepare('SELECT 1')\n"],
  ])('%s: SQL outside the store fails the lint', async (file, code) => {
    expect((await lint(file, code)).join('\n')).toMatch(/^no-restricted-syntax: SQL lives in src-main\/services\/store/m)
  })

  it.each([
    ['src-main/services/store/probe.ts', "import type { Db } from './workspace'\nexport const f = (db: Db) => db.prepare('SELECT 1').get()\n"],
    ['src-main/services/corpus/probe.ts', 'const RE = /^(\\d+)$/\nexport const f = (s: string) => RE.exec(s) ?? /x/.exec(s.trim())\n'],
  ])('%s: the store, and a RegExp exec elsewhere, pass', async (file, code) => {
    expect(await lint(file, code)).toEqual([])
  })
})
