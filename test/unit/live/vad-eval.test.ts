/**
 * The VAD evaluation's ground truth and counting on constructed signals whose
 * answer is known by construction, and the keep-the-better rule.
 */
import seedrandom from 'seedrandom'
import { describe, expect, it } from 'vitest'
import { activeRms } from '../../../src-main/services/synth/channel'
import { VAD, type FrameVoicing } from '../../../src-main/services/live/vad'
import { chooseDetector, rates, scoreStream, speechLabels, type ConditionRow } from '../../../src-main/services/live/vad-eval'
import { fan, mixAtSnr } from '../../../src-main/services/live/vad-eval-set'

const F = VAD.frame
/** Segments of [frames, dBFS or null for digital silence] as a 200 Hz tone signal. */
function construct(parts: [number, number | null][]): Float32Array {
  const x = new Float32Array(parts.reduce((s, [n]) => s + n * F, 0))
  let at = 0
  for (const [n, db] of parts) {
    if (db !== null) for (let i = 0; i < n * F; i++) x[at + i] = 10 ** (db / 20) * Math.SQRT2 * Math.sin((2 * Math.PI * 200 * i) / 16000)
    at += n * F
  }
  return x
}

describe('speechLabels', () => {
  it('marks frames within 40 dB of the loudest as speech and fills pauses shorter than 200 ms only', () => {
    const x = construct([[20, null], [30, -20], [10, null], [30, -20], [30, null], [20, -65], [25, -30], [19, null], [5, -30], [15, null]])
    const want = [...Array(20).fill(0), ...Array(30 + 10 + 30).fill(1), ...Array(30 + 20).fill(0), ...Array(25 + 19 + 5).fill(1), ...Array(15).fill(0)]
    expect(Array.from(speechLabels(x))).toEqual(want)
  })

  it('labels a partial last frame by its samples', () => {
    const x = construct([[3, -20]]).subarray(0, 2 * F + 10)
    expect(Array.from(speechLabels(x))).toEqual([1, 1, 1])
  })
})

describe('scoreStream', () => {
  /** A detector that says speech on a fixed set of frames: the counts are known exactly. */
  const saying = (frames: Set<number>): FrameVoicing => {
    let k = -1
    return { name: 'gate', push: () => undefined, frame: () => frames.has(++k) }
  }

  it('counts misses over speech frames and false alarms over non-speech frames', () => {
    const labels = Uint8Array.from({ length: 100 }, (_, k) => (k >= 30 && k < 70 ? 1 : 0))
    // says speech on 40-79: frames 30-39 missed (10 of 40), 70-79 false alarms (10 of 60)
    const s = scoreStream(saying(new Set(Array.from({ length: 40 }, (_, i) => 40 + i))), new Float32Array(100 * F), labels)
    expect(s.frame).toEqual({ speech: 40, nonSpeech: 60, misses: 10, falseAlarms: 10 })
    const r = rates(s.frame)
    expect(r.missPct).toBeCloseTo(25, 10)
    expect(r.faPct).toBeCloseTo(100 / 6, 10)
    expect(r.hterPct).toBeCloseTo((25 + 100 / 6) / 2, 10)
    expect(r.missCi[0]).toBeLessThan(25)
    expect(r.missCi[1]).toBeGreaterThan(25)
    // one hop per 25 frames
    expect(s.hop.speech + s.hop.nonSpeech).toBe(4)
  })

  it('scores a hop as speech when >= 5 of the last 50 frames are', () => {
    const labels = new Uint8Array(100)
    labels.fill(1, 46, 50) // 4 frames before hop 2 (frames 25-49 end it): not speech
    labels.fill(1, 95, 100) // 5 frames just before hop 4: speech
    const s = scoreStream(saying(new Set()), new Float32Array(100 * F), labels)
    expect(s.hop).toEqual({ speech: 1, nonSpeech: 3, misses: 1, falseAlarms: 0 })
  })
})

describe('mixAtSnr', () => {
  it('puts the noise at the asked SNR against the speech level over its active frames', () => {
    const speech = construct([[50, null], [100, -25], [50, null]])
    const noise = fan(speech.length, seedrandom('t'))
    for (const snr of [20, 5, 0]) {
      const mixed = mixAtSnr(speech, noise, snr, seedrandom('d'))
      const residual = mixed.map((v, i) => v - speech[i])
      const rms = Math.sqrt(residual.reduce((s, v) => s + v * v, 0) / residual.length)
      expect(20 * Math.log10(activeRms(speech, 16000) / rms)).toBeCloseTo(snr, 1)
    }
  })
})

describe('chooseDetector', () => {
  const row = (detector: 'gate' | 'silero', snrDb: number | null, misses: number, falseAlarms: number): ConditionRow => ({
    detector,
    noise: 'fan',
    snrDb,
    score: { frame: { speech: 100, nonSpeech: 100, misses, falseAlarms }, hop: { speech: 1, nonSpeech: 1, misses: 0, falseAlarms: 0 } },
  })
  it('keeps the lower mean of (miss + FA) / 2 over the noisy conditions, ignoring clean', () => {
    const rows = [
      row('gate', null, 0, 0),
      row('gate', 10, 30, 10),
      row('gate', 0, 50, 10),
      row('silero', null, 90, 90),
      row('silero', 10, 5, 20),
      row('silero', 0, 10, 40),
    ]
    const c = chooseDetector(rows)
    expect(c.meanHter).toEqual({ gate: 25, silero: 18.75 })
    expect(c.winner).toBe('silero')
    expect(chooseDetector([row('gate', 10, 10, 10), row('silero', 10, 10, 10)]).winner).toBe('gate')
  })
})
