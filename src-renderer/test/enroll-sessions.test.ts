/** Enrollment examples grouped into recording sessions: the basis of the one-session warning and the session hold-out. */
import { describe, expect, it } from 'vitest'
import { distinctSittings, parseStamp, recordingSittings, SESSION_GAP_MIN } from '../src/stores/enroll-sessions'

describe('recording sessions', () => {
  it('reads SQLite UTC stamps as UTC', () => {
    expect(parseStamp('2026-12-01 10:03:21')).toBe(Date.UTC(2026, 11, 1, 10, 3, 21))
    expect(parseStamp('2026-12-01T10:03:21.000Z')).toBe(Date.UTC(2026, 11, 1, 10, 3, 21))
  })

  it('takes a few minutes apart are one session; a gap longer than the limit starts another', () => {
    const recs = [
      { clipId: 1, createdAt: '2026-12-01 10:00:00' },
      { clipId: 2, createdAt: '2026-12-01 10:04:00' },
      { clipId: 3, createdAt: `2026-12-01 10:${String(4 + SESSION_GAP_MIN).padStart(2, '0')}:00` }, // exactly the limit: same
      { clipId: 5, createdAt: '2026-12-02 09:00:00' },
      { clipId: 4, createdAt: '2026-12-02 09:10:00' },
    ]
    const s = recordingSittings(recs)
    expect(s.get(1)!.key).toBe(s.get(3)!.key)
    expect(s.get(5)!.key).toBe(s.get(4)!.key)
    expect(s.get(1)!.key).not.toBe(s.get(5)!.key)
    expect(distinctSittings([...s.values()])).toHaveLength(2)
    expect(distinctSittings(recs.slice(0, 3).map((r) => s.get(r.clipId)!))).toHaveLength(1)
  })
})
