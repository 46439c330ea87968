/**
 * Mapping of every corpus's emotion codes onto the canonical set
 * (src-shared/emotions.ts). Only the spellings listed here are accepted: an
 * unknown label is reported as such, never guessed. See docs/corpora.md.
 */
import { EMOTIONS, type Emotion } from '../../../src-shared/emotions'

/** Generic spellings (folder names, manifest labels), matched case-insensitively after trimming. */
export const LABEL_SYNONYMS: Record<string, Emotion> = {
  ...Object.fromEntries(EMOTIONS.map((e) => [e, e])),
  neu: 'neutral',
  cal: 'calm',
  happiness: 'happy', hap: 'happy',
  sadness: 'sad',
  anger: 'angry', ang: 'angry',
  fear: 'fearful', fea: 'fearful',
  disgusted: 'disgust', dis: 'disgust',
  surprise: 'surprised', sur: 'surprised',
}

/** RAVDESS emotion field 01..08. */
export const RAVDESS_CODES: Record<string, Emotion> = {
  '01': 'neutral', '02': 'calm', '03': 'happy', '04': 'sad', '05': 'angry', '06': 'fearful', '07': 'disgust', '08': 'surprised',
}

/** CREMA-D emotion field. */
export const CREMAD_CODES: Record<string, Emotion> = { ANG: 'angry', DIS: 'disgust', FEA: 'fearful', HAP: 'happy', NEU: 'neutral', SAD: 'sad' }

/** eNTERFACE'05 file-name codes and folder names. */
export const ENTERFACE_CODES: Record<string, Emotion> = { an: 'angry', di: 'disgust', fe: 'fearful', ha: 'happy', sa: 'sad', su: 'surprised' }
export const ENTERFACE_FOLDERS: Record<string, Emotion> = {
  anger: 'angry', disgust: 'disgust', fear: 'fearful', happiness: 'happy', sadness: 'sad', surprise: 'surprised',
}

export function mapLabel(raw: string): Emotion | null {
  return LABEL_SYNONYMS[raw.trim().toLowerCase()] ?? null
}
