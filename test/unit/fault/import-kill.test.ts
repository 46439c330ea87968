/** Fault suite (c), import, bounded: see import-kill.ts. */
import { describe, expect, it } from 'vitest'
import { runImportKill } from './import-kill'

describe('kill -9 during import', () => {
  it('the next run completes the import: every clip once, one corpus label each, database intact', async () => {
    // More files than one write batch holds (import.ts writes every 200 probed files, or every 500 ms): the first
    // rows appear while at least 400 files are still to come, so a kill lands mid-import however fast the machine
    // is (with 160 files a quiet machine probed them all within one 500 ms batch, and no kill could land mid-import).
    const r = await runImportKill({ files: 600, kills: 2, log: (s) => console.log(s) })
    expect(r.kills).toBeGreaterThanOrEqual(1)
    expect(r.midImportKills).toBeGreaterThanOrEqual(1)
    expect(r.clips).toBe(r.files)
    expect(r.duplicateHashes).toBe(0)
    expect(r.duplicatePaths).toBe(0)
    expect(r.labels).toBe(r.files)
    expect(r.integrity).toBe('ok')
  }, 300_000)
})
