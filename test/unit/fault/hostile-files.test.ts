/** Fault suite (d), bounded: see hostile-files.ts. */
import { describe, expect, it } from 'vitest'
import { MEMORY_BOUND_MB, runHostileFiles } from './hostile-files'

describe('hostile files', () => {
  it('every one of at least 200 hostile files is rejected with a reason that quotes none of its bytes; memory stays bounded', async () => {
    const r = await runHostileFiles({ scale: 1, log: (s) => console.log(s) })
    expect(r.files).toBeGreaterThanOrEqual(200)
    expect(r.accepted).toEqual([])
    expect(r.rejected).toBe(r.files)
    expect(r.unexplained).toEqual([])
    expect(r.echoing).toEqual([])
    for (const k of ['bomb', 'device', 'fifo', 'link-dev', 'link-out', 'link-broken', 'link-dir-out', 'truncated', 'corrupt'])
      expect(r.byKind[k]).toBeGreaterThan(0)
    // bombs are caught by the limits on what their headers declare (a few by the range checks of a field)
    for (const reason of r.bombReasons) expect(reason).toMatch(/declares .*above the limit|channel count 65 exceeds|sample rate 4294967295 Hz is outside/)
    expect(r.peakGrowthMb).toBeLessThan(MEMORY_BOUND_MB)
  }, 300_000)
})
