/**
 * Tests in the right place (docs/CONVENTIONS.md): every test file belongs to exactly one vitest tier
 * (a project of vitest.config.ts), `npm test` (scripts/test-all.mjs) runs every tier and counts it in its totals,
 * and a test of renderer modules only lives under the renderer (src-renderer/test), not in test/unit.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import config from '../../../vitest.config'

const root = path.resolve(import.meta.dirname, '../../..')

function testFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'fixtures' ? [] : testFiles(rel)
    return e.name.endsWith('.test.ts') ? [rel] : []
  })
}

/** A vitest include glob as a regular expression (the `**` and `*` forms the config uses). */
const globRe = (glob: string) =>
  new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '(?:.*/)?')}$`)

const tiers = (config.test?.projects ?? []).map((p) => {
  const t = (p as { test: { name: string; include: string[] } }).test
  return { name: t.name, include: t.include.map(globRe) }
})

describe('test tiers', () => {
  it('every test file is in exactly one tier, and npm test runs and counts every tier', () => {
    expect(tiers.map((t) => t.name)).toEqual(['unit', 'slow'])
    const files = [...testFiles('test'), ...testFiles('src-renderer/test')]
    expect(files.length).toBeGreaterThan(100)
    for (const f of files) expect(tiers.filter((t) => t.include.some((re) => re.test(f))).map((t) => t.name), f).toHaveLength(1)
    const testAll = fs.readFileSync(path.join(root, 'scripts/test-all.mjs'), 'utf8')
    for (const t of tiers) expect(testAll, t.name).toMatch(new RegExp(`^vitestTier\\('[^']*', '${t.name}'\\)$`, 'm'))
  })

  it('a test of renderer modules alone lives in src-renderer/test', () => {
    const misplaced = testFiles('test/unit').filter((f) => {
      const imports = [...fs.readFileSync(path.join(root, f), 'utf8').matchAll(/^import .* from '([^']+)'/gm)].map((m) => m[1])
      return (
        imports.some((i) => i.includes('src-renderer/')) && !imports.some((i) => i.includes('src-main/') || i.startsWith('./') || i.startsWith('../../helpers'))
      )
    })
    expect(misplaced).toEqual([])
  })
})
