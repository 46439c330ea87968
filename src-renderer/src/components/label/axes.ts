/**
 * The waveform's time axis and the spectrogram's frequency range. wavesurfer's
 * Timeline picks 1 s ticks and labels every 10 s whenever a second is wider than
 * 25 px, so a 3 s clip showed only "0"; here the label step is chosen from
 * 1-2-5 steps so labels sit about LABEL_PX apart at any zoom.
 */

/** Roughly how far apart (px) two time labels are drawn. */
const LABEL_PX = 80
const STEPS = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600]

export interface TimeTicks {
  /** seconds between notches */
  timeInterval: number
  /** seconds between labelled notches */
  primaryLabelInterval: number
  secondaryLabelInterval: number
  /** decimals the labels need (0.5 s steps: 1) */
  decimals: number
}

export function timeTicks(pxPerSec: number): TimeTicks {
  const px = Number.isFinite(pxPerSec) && pxPerSec > 0 ? pxPerSec : 100
  const label = STEPS.find((s) => s * px >= LABEL_PX) ?? STEPS[STEPS.length - 1]
  // five notches per label for 1-5-10 steps, four for 2-steps (0.2 s -> 0.05 s notches)
  const perLabel = /^2/.test(String(label).replace(/^0\.0*/, '')) ? 4 : 5
  const decimals = Math.max(0, -Math.floor(Math.log10(label) + 1e-9))
  return { timeInterval: label / perLabel, primaryLabelInterval: label, secondaryLabelInterval: label, decimals }
}

/** "1.5 s", "12 s", "1:05": the labels' text. */
export function formatTime(sec: number, decimals: number): string {
  if (sec >= 60 && decimals === 0) return `${Math.floor(sec / 60)}:${String(Math.round(sec % 60)).padStart(2, '0')}`
  return `${sec.toFixed(decimals)} s`
}

/** What is decoded for the spectrogram: 16 kHz covers speech to 8 kHz (wavesurfer's own default is 8 kHz, drawing only to 4 kHz). */
export const DECODE_RATE = 16_000
/** The top of the spectrogram: 8 kHz for speech, never above the decoded signal's Nyquist frequency (above it the band is blank). */
export function frequencyMax(decodedRate: number, wanted = 8000): number {
  return Math.min(wanted, Math.floor(decodedRate / 2))
}
