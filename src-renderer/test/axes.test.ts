import { describe, expect, it } from 'vitest'
import { DECODE_RATE, formatTime, frequencyMax, timeTicks } from '../src/components/label/axes'

/** The labels wavesurfer's Timeline draws for these options (its rule: a notch is labelled at multiples of the label interval). */
function labelsOf(durationSec: number, pxPerSec: number): string[] {
  const t = timeTicks(pxPerSec)
  const out: string[] = []
  for (let e = 0; e < durationSec; e += t.timeInterval)
    if (Math.round(100 * e) % Math.round(100 * t.primaryLabelInterval) === 0) out.push(formatTime(e, t.decimals))
  return out
}

describe('time axis', () => {
  it('labels a 2.4 s clip drawn 1000 px wide every 0.2 s (900 px: every 0.5 s), not only at 0', () => {
    expect(labelsOf(2.4, 900 / 2.4)).toEqual(['0.0 s', '0.5 s', '1.0 s', '1.5 s', '2.0 s'])
    expect(labelsOf(2.4, 1000 / 2.4)).toEqual([
      '0.0 s',
      '0.2 s',
      '0.4 s',
      '0.6 s',
      '0.8 s',
      '1.0 s',
      '1.2 s',
      '1.4 s',
      '1.6 s',
      '1.8 s',
      '2.0 s',
      '2.2 s',
      '2.4 s',
    ])
  })
  it('keeps labels about 80 px apart at any zoom', () => {
    for (const px of [20, 60, 100, 375, 1000, 3000]) {
      const t = timeTicks(px)
      expect(t.primaryLabelInterval * px).toBeGreaterThanOrEqual(80)
      expect(t.primaryLabelInterval * px).toBeLessThan(80 * 3)
      // whole notches per label
      expect(Math.abs(t.primaryLabelInterval / t.timeInterval - Math.round(t.primaryLabelInterval / t.timeInterval))).toBeLessThan(1e-9)
    }
  })
  it('a long recording at 60 px/s: labels every 2 s, minutes past a minute', () => {
    expect(labelsOf(9, 60)).toEqual(['0 s', '2 s', '4 s', '6 s', '8 s'])
    expect(formatTime(65, 0)).toBe('1:05')
  })
})

describe('spectrogram range', () => {
  it('never draws above the decoded signal’s Nyquist frequency (wavesurfer decodes at 8 kHz by default: 4 kHz)', () => {
    expect(frequencyMax(8000)).toBe(4000)
    expect(frequencyMax(DECODE_RATE)).toBe(8000)
    expect(DECODE_RATE).toBeGreaterThanOrEqual(16000)
  })
})
