/**
 * The canonical emotion label set. Every corpus adapter maps its own codes onto
 * these names (see docs/corpora.md); the order is the keyboard order of the
 * Label view (keys 1-8) and RAVDESS's emotion codes 01-08.
 */
export const EMOTIONS = [
  'neutral',
  'calm',
  'happy',
  'sad',
  'angry',
  'fearful',
  'disgust',
  'surprised',
] as const

export type Emotion = (typeof EMOTIONS)[number]

export function isEmotion(value: string): value is Emotion {
  return (EMOTIONS as readonly string[]).includes(value)
}

/** Colours used consistently in every chart (colour-blind friendly, Okabe-Ito order). */
export const EMOTION_COLOURS: Record<Emotion, string> = {
  neutral: '#999999',
  calm: '#56B4E9',
  happy: '#E69F00',
  sad: '#0072B2',
  angry: '#D55E00',
  fearful: '#CC79A7',
  disgust: '#009E73',
  surprised: '#F0E442',
}
