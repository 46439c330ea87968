/** The Live view's shown estimate: smoothing over 1 s / 3 s, the hold through short pauses, and no percentages while uncertain. */
import { describe, expect, it } from 'vitest'
import { barValue, parseSmoothing, shownEstimate } from '../src/stores/live-display'
import type { LiveFrame } from '../../src-shared/contract/live'

const vad = (state: 'speech' | 'silence') => ({
  state,
  detector: 'gate' as const,
  levelDb: -20,
  voicedFraction: state === 'speech' ? 0.8 : 0,
  noiseFloorDb: -60,
})
function frame(t: number, p: Record<string, number> | null, uncertain = false): LiveFrame {
  const top = p ? Object.entries(p).sort((a, b) => b[1] - a[1])[0][0] : null
  return {
    sessionId: 'live-1',
    t,
    seq: Math.round(t * 10),
    vad: vad(p ? 'speech' : 'silence'),
    probabilities: p,
    top,
    uncertain,
    unfamiliar: null,
    latencyMs: p ? 50 : null,
    computeMs: p ? 10 : null,
  }
}

const verdict = {
  unfamiliar: true,
  score: 9.5,
  threshold: 4.2,
  falseAlarmRate: 0.05,
  reasons: ['no energy above 4 kHz (telephone band or an 8 kHz recording)'],
}
/** A speech frame the model withheld (pipeline.ts: no probabilities, no top). */
function odd(t: number): LiveFrame {
  return { ...frame(t, null), vad: vad('speech'), unfamiliar: verdict, latencyMs: 50, computeMs: 10 }
}

describe('shownEstimate', () => {
  // a steady voice the model flips on: angry, angry, happy (one frame), angry every 250 ms
  const frames = [frame(2, { angry: 0.7, happy: 0.3 }), frame(2.25, { angry: 0.7, happy: 0.3 }), frame(2.5, { angry: 0.35, happy: 0.65 })]

  it('off shows the latest frame as it is', () => {
    expect(shownEstimate(frames, 0)).toMatchObject({ top: 'happy', frames: 1, probabilities: { angry: 0.35, happy: 0.65 } })
  })

  it('1 s averages the speech frames of the last second, so one stray frame does not flip the top emotion', () => {
    const s = shownEstimate(frames, 1)
    expect(s.top).toBe('angry')
    expect(s.frames).toBe(3)
    expect(s.probabilities!.angry).toBeCloseTo((0.7 + 0.7 + 0.35) / 3, 10)
    // a frame older than the window is left out
    expect(shownEstimate([frame(0.5, { angry: 0, happy: 1 }), ...frames], 1).probabilities!.angry).toBeCloseTo(1.75 / 3, 10)
  })

  it('holds the last estimate through a pause shorter than the window, and shows nothing after it', () => {
    const paused = [...frames, frame(2.75, null), frame(3.0, null)]
    expect(shownEstimate(paused, 0).probabilities).toBeNull()
    expect(shownEstimate(paused, 1).top).toBe('angry')
    expect(shownEstimate([...paused, frame(3.75, null)], 1).probabilities).toBeNull()
    expect(shownEstimate([...paused, frame(3.75, null)], 3).top).toBe('angry')
  })

  it('an uncertain estimate shows no percentage beside any bar, even at 100%', () => {
    const sure = frame(2, { angry: 1, happy: 0 }, true)
    const s = shownEstimate([sure], 0)
    expect(s.uncertain).toBe(true)
    expect(s.top).toBe('angry')
    expect(barValue(s, 'angry')).toBeNull()
    expect(barValue(shownEstimate([frame(2, { angry: 1, happy: 0 })], 0), 'angry')).toBe(1)
    // smoothed: uncertain only when most averaged frames were
    expect(shownEstimate([sure, frame(2.25, { angry: 0.8, happy: 0.2 }), frame(2.5, { angry: 0.8, happy: 0.2 })], 1).uncertain).toBe(false)
  })

  it('reads a remembered setting, falling back to off for anything else', () => {
    expect(parseSmoothing('3')).toBe(3)
    expect(parseSmoothing(null)).toBe(0)
    expect(parseSmoothing('2')).toBe(0)
  })
})

describe('unfamiliar frames (outside what the model learned from)', () => {
  const familiar = [frame(2, { angry: 0.9, happy: 0.1 }), frame(2.25, { angry: 0.9, happy: 0.1 })]
  it('off: an unfamiliar frame shows no estimate, no percentage, and its reasons', () => {
    const s = shownEstimate([...familiar, odd(2.5)], 0)
    expect(s.unfamiliar?.reasons[0]).toMatch(/4 kHz/)
    expect(s.probabilities).toBeNull()
    expect(s.top).toBeNull()
    expect(barValue(s, 'angry')).toBeNull()
  })
  it('smoothing never averages familiar frames over an unfamiliar voice: the newest speech frame decides, or half of them', () => {
    for (const sec of [1, 3] as const) {
      const s = shownEstimate([...familiar, odd(2.5)], sec)
      expect(s.unfamiliar).not.toBeNull()
      expect(barValue(s, 'angry')).toBeNull()
    }
    // one old unfamiliar frame among three familiar ones, the newest familiar: an estimate, from the familiar frames only
    const s = shownEstimate([odd(1.8), ...familiar, frame(2.5, { angry: 0.9, happy: 0.1 })], 1)
    expect(s.unfamiliar).toBeNull()
    expect(s.probabilities!.angry).toBeCloseTo(0.9, 10)
  })
})
