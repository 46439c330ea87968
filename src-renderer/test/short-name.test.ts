/** Clip names on the desk are shortened in the middle: the end tells takes apart. */
import { describe, expect, it } from 'vitest'
import { middleEllipsis, shownName } from '../src/components/label/short-name'

describe('middleEllipsis', () => {
  it('keeps short names, and the distinguishing end of long ones', () => {
    expect(middleEllipsis('1001_DFA_ANG_XX.wav')).toBe('1001_DFA_ANG_XX.wav')
    const a = 'speakers/actor_01/session_2026-12-01/1001_DFA_ANG_XX.wav'
    const b = 'speakers/actor_01/session_2026-12-01/1001_DFA_SAD_XX.wav'
    const sa = middleEllipsis(a, 32)
    expect(sa).toHaveLength(32)
    expect(sa).toContain('…')
    expect(sa.endsWith('1001_DFA_ANG_XX.wav')).toBe(true)
    expect(sa.startsWith('speakers')).toBe(true)
    expect(middleEllipsis(b, 32)).not.toBe(sa)
  })

  it('refuses a width that leaves nothing to show', () => {
    expect(() => middleEllipsis('abcdefgh', 3)).toThrow(/at least 5/)
  })

  it('blind mode shows the clip by id, never its name (corpus names carry the emotion)', () => {
    const c = { id: 14, relPath: 'AudioWAV/1001_IEO_SAD_LO.wav' }
    expect(shownName(c, false)).toEqual({ text: 'AudioWAV/1001_IEO_SAD_LO.wav', title: 'AudioWAV/1001_IEO_SAD_LO.wav' })
    const blind = shownName(c, true)
    expect(blind.text).toBe('clip 14')
    expect(JSON.stringify(blind)).not.toMatch(/SAD|1001/)
  })
})
