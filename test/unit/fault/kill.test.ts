/**
 * Bounded fault suite (b): kill -9 of the server at random moments during bursts
 * of label writes (5 kills here, 50 in `npm run soak`). Afterwards every
 * acknowledged label is present, none is doubled, and the database is intact.
 */
import { describe, expect, it } from 'vitest'
import { killDuringWrites } from '../../helpers/abuse'

describe('kill -9 during label writes', () => {
  it('loses no acknowledged label and doubles none over 5 kills', async () => {
    const f = await killDuringWrites({ kills: 5, seed: 'unit' })
    console.log(
      `kills: ${f.kills} survived; labels sent ${f.sent} (${f.retried} retried after a kill), acknowledged ${f.acknowledged}, ` +
        `present ${f.present}, doubled ${f.doubled}; integrity ${f.integrity}`,
    )
    expect(f.kills).toBe(5)
    expect(f.acknowledged).toBeGreaterThan(20)
    // every write is acknowledged in the end: retries of writes the kill cut off are answered, not refused
    expect(f.acknowledged).toBe(f.sent)
    expect(f.missing).toBe(0)
    expect(f.present).toBe(f.acknowledged)
    expect(f.doubled).toBe(0)
    expect(f.integrity).toBe('ok')
  }, 300_000)
})
