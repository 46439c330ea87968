/**
 * Every renderer store that calls main turns failures into its error line through guard()
 * (src-renderer/src/stores/guard.ts), not a hand-written try/catch that writes errorMessage.
 * The try/catch blocks left do more than report (labels' retry queue, the microphone's
 * cleanup in live and enroll); they are listed here by name.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const dir = path.resolve(import.meta.dirname, '../../../src-renderer/src/stores')
/** Catch blocks that clean up as well as report (file: how many). */
const CLEANUP_CATCHES: Record<string, number> = { 'live.ts': 1, 'enroll.ts': 1 }

describe('renderer stores use guard()', () => {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'guard.ts')
  it('finds the stores', () => expect(files.length).toBeGreaterThanOrEqual(8))
  for (const f of files) {
    it(f, () => {
      const src = fs.readFileSync(path.join(dir, f), 'utf8')
      if (!/\bapi\.\w+\.\w+/.test(src)) return
      expect(src, `${f} calls main without makeGuard`).toMatch(/import \{ makeGuard \} from '\.\/guard'/)
      // "catch (err) { error.value = errorMessage(err)" is what guard() does.
      const handRolled = src.match(/catch \(err\) \{\s*\w+\.value = errorMessage\(err\)/g)?.length ?? 0
      expect(handRolled, `${f}: hand-written catch blocks that only report`).toBeLessThanOrEqual(CLEANUP_CATCHES[f] ?? 0)
    })
  }
})
