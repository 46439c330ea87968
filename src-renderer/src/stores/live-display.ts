/**
 * What the Live view shows from the frames it has: the latest frame (smoothing off)
 * or the mean of the speech frames of the last 1 s or 3 s, which also holds the last
 * estimate through a pause shorter than that. Pure, so it is unit-tested in Node.
 */
import type { LiveFrame } from '../../../src-shared/contract/live'
import type { UnfamiliarVerdict } from '../../../src-shared/contract/unfamiliar'

/** Seconds averaged: 0 = off (every frame as it comes). */
export const SMOOTHING_CHOICES = [0, 1, 3] as const
export type Smoothing = (typeof SMOOTHING_CHOICES)[number]

export function parseSmoothing(v: unknown): Smoothing {
  const n = Number(v)
  return (SMOOTHING_CHOICES as readonly number[]).includes(n) ? (n as Smoothing) : 0
}

export interface Shown {
  /** null: nothing to show (no speech in the window). */
  probabilities: Record<string, number> | null
  /** The most probable emotion, also when uncertain (then only as "nearest"). */
  top: string | null
  /** Far from every enrolled example: the probabilities compare emotions with each other and mean little. */
  uncertain: boolean
  /**
   * Outside what the model learned from (a voice or a recording unlike its training clips, or unlike
   * the enrolled takes): no estimate at all, only the reasons. Not "uncertain", which is between emotions.
   */
  unfamiliar: UnfamiliarVerdict | null
  /** Frames averaged into this (1 when smoothing is off). */
  frames: number
}

const NOTHING: Shown = { probabilities: null, top: null, uncertain: false, unfamiliar: null, frames: 0 }

const unfamiliarShown = (v: UnfamiliarVerdict, frames: number): Shown => ({ probabilities: null, top: null, uncertain: false, unfamiliar: v, frames })

export function shownEstimate(frames: readonly LiveFrame[], seconds: Smoothing): Shown {
  const last = frames.at(-1)
  if (!last) return NOTHING
  if (seconds === 0) {
    if (last.unfamiliar?.unfamiliar) return unfamiliarShown(last.unfamiliar, 1)
    return last.probabilities ? { probabilities: last.probabilities, top: last.top, uncertain: last.uncertain, unfamiliar: null, frames: 1 } : NOTHING
  }
  const speech = frames.filter((f) => (f.probabilities || f.unfamiliar?.unfamiliar) && f.t > last.t - seconds)
  const odd = speech.filter((f) => f.unfamiliar?.unfamiliar)
  // unfamiliar when the newest speech frame is, or at least half of the averaged ones: no mean is taken over an unfamiliar voice
  const newest = speech.at(-1)
  if (newest?.unfamiliar?.unfamiliar || (odd.length && odd.length * 2 >= speech.length))
    return unfamiliarShown((newest?.unfamiliar?.unfamiliar ? newest : odd.at(-1))!.unfamiliar!, speech.length)
  const used = speech.filter((f) => f.probabilities)
  if (!used.length) return NOTHING
  const sum: Record<string, number> = {}
  for (const f of used) for (const [c, p] of Object.entries(f.probabilities!)) sum[c] = (sum[c] ?? 0) + p
  const probabilities = Object.fromEntries(Object.entries(sum).map(([c, s]) => [c, s / used.length]))
  const top = Object.entries(probabilities).sort((a, b) => b[1] - a[1])[0]?.[0] ?? null
  // uncertain when most of the averaged frames were: one stray frame does not flip the label
  const uncertain = used.filter((f) => f.uncertain).length * 2 > used.length
  return { probabilities, top, uncertain, unfamiliar: null, frames: used.length }
}

/** The number beside a bar: a percentage only when the estimate means something. */
export function barValue(shown: Shown, c: string): number | null {
  if (!shown.probabilities || shown.uncertain || shown.unfamiliar) return null
  return shown.probabilities[c] ?? 0
}
