/**
 * Scoring a live VAD frame detector against known speech frames (the set is
 * vad-eval-set.ts). Two levels:
 *  - frame: each 10 ms frame's decision (VoiceActivity.lastVoiced: the gate's
 *    voiced flag, Silero's speech state) against the frame's label;
 *  - hop: what the live view acts on, the window's state every 250 ms
 *    ('speech' or not) against "the talker spoke in the last 0.5 s" (>= 5 of
 *    the last 50 frames labelled speech, the window rule's own horizon).
 * Miss = speech called non-speech, over speech frames; false alarm = non-speech
 * called speech, over non-speech frames. Nothing here is tuned on the set.
 */
import { wilson } from '../../../src-shared/wilson'
import { VAD, VoiceActivity, type FrameVoicing, type VadDetectorName } from './vad'

export const LABEL = {
  /** A frame is speech when its energy is within this of the utterance's loudest frame ... */
  belowPeakDb: 40,
  /** ... and pauses inside an utterance shorter than this are speech too (stop closures, word joins). */
  fillGapFrames: 20,
  hopFrames: 25,
} as const

/** 1 per 10 ms frame of a clean utterance (frames on the grid from its first sample) that is speech. */
export function speechLabels(clip: Float32Array): Uint8Array {
  const frames = Math.ceil(clip.length / VAD.frame)
  const db = new Float64Array(frames)
  let peak = -Infinity
  for (let k = 0; k < frames; k++) {
    let e = 0
    const end = Math.min(clip.length, (k + 1) * VAD.frame)
    for (let i = k * VAD.frame; i < end; i++) e += clip[i] * clip[i]
    db[k] = 10 * Math.log10(e / VAD.frame + 1e-20)
    peak = Math.max(peak, db[k])
  }
  const labels = new Uint8Array(frames)
  for (let k = 0; k < frames; k++) labels[k] = db[k] > peak - LABEL.belowPeakDb ? 1 : 0
  // close short gaps between speech frames
  let last = -1
  for (let k = 0; k < frames; k++) {
    if (!labels[k]) continue
    if (last >= 0 && k - last - 1 > 0 && k - last - 1 < LABEL.fillGapFrames) labels.fill(1, last + 1, k)
    last = k
  }
  return labels
}

export interface DetectionCounts {
  speech: number
  nonSpeech: number
  misses: number
  falseAlarms: number
}

export interface StreamScore {
  frame: DetectionCounts
  hop: DetectionCounts
}

const empty = (): DetectionCounts => ({ speech: 0, nonSpeech: 0, misses: 0, falseAlarms: 0 })

function count(c: DetectionCounts, truth: boolean, said: boolean): void {
  if (truth) (c.speech++, said || c.misses++)
  else (c.nonSpeech++, said && c.falseAlarms++)
}

/** Streams `samples` through a fresh VoiceActivity with `voicing` (10 ms at a time) and counts. */
export function scoreStream(voicing: FrameVoicing, samples: Float32Array, labels: Uint8Array, windowFrames = 200): StreamScore {
  const frames = Math.min(labels.length, Math.floor(samples.length / VAD.frame))
  const va = new VoiceActivity(windowFrames, voicing)
  const frame = empty()
  const hop = empty()
  let recent = 0
  for (let k = 0; k < frames; k++) {
    va.push(samples.subarray(k * VAD.frame, (k + 1) * VAD.frame))
    count(frame, labels[k] === 1, va.lastVoiced)
    recent += labels[k] - (k >= VAD.recentFrames ? labels[k - VAD.recentFrames] : 0)
    if ((k + 1) % LABEL.hopFrames === 0) count(hop, recent >= VAD.minRecentVoiced, va.summary().state === 'speech')
  }
  return { frame, hop }
}

export function addCounts(a: DetectionCounts, b: DetectionCounts): DetectionCounts {
  return { speech: a.speech + b.speech, nonSpeech: a.nonSpeech + b.nonSpeech, misses: a.misses + b.misses, falseAlarms: a.falseAlarms + b.falseAlarms }
}

export interface Rates {
  missPct: number
  faPct: number
  /** (miss % + false-alarm %) / 2: the half total error rate, 50 for a detector that always says the same. */
  hterPct: number
  missCi: [number, number]
  faCi: [number, number]
}

/** Rates in %, with 95% Wilson intervals over frames (frames are not independent: the intervals are optimistic). */
export function rates(c: DetectionCounts): Rates {
  const m = wilson(c.misses, c.speech)
  const f = wilson(c.falseAlarms, c.nonSpeech)
  const missPct = c.speech ? (100 * c.misses) / c.speech : NaN
  const faPct = c.nonSpeech ? (100 * c.falseAlarms) / c.nonSpeech : NaN
  return { missPct, faPct, hterPct: (missPct + faPct) / 2, missCi: [100 * m.low, 100 * m.high], faCi: [100 * f.low, 100 * f.high] }
}

export interface ConditionRow {
  detector: VadDetectorName
  noise: string
  snrDb: number | null
  score: StreamScore
}

/**
 * The detector to keep: the lower mean over the noisy conditions of the frame-level
 * half total error rate (miss % + FA %) / 2; ties keep the gate (no new dependency for nothing).
 */
export function chooseDetector(rows: ConditionRow[]): { winner: VadDetectorName; meanHter: Record<string, number> } {
  const meanHter: Record<string, number> = {}
  for (const d of new Set(rows.map((r) => r.detector))) {
    const noisy = rows.filter((r) => r.detector === d && r.snrDb !== null)
    meanHter[d] = noisy.reduce((s, r) => s + rates(r.score.frame).hterPct, 0) / Math.max(1, noisy.length)
  }
  const winner = (meanHter.silero ?? Infinity) < (meanHter.gate ?? Infinity) ? 'silero' : 'gate'
  return { winner, meanHter }
}
