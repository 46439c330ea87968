/**
 * The clip plans of each corpus layout, exactly as the real corpora name their
 * files (see docs/corpora.md), with the ground truth of each clip.
 */
import type { Emotion } from '../../../src-shared/emotions'

export type SynthLayout = 'ravdess' | 'cremad' | 'enterface'

export interface TruthClip {
  /** path relative to the corpus root, '/'-separated */
  relPath: string
  emotion: Emotion
  speaker: string
  gender: 'female' | 'male' | null
  intensity: string | null
  sentence: string | null
  text: string
  /** 0.6 .. 1.4, how far from neutral */
  strength: number
  rate: number
  container: 'wav' | 'avi'
}

export interface ExtraFile {
  relPath: string
  kind: 'song' | 'video-only'
  speaker: string
}

export interface LayoutPlan {
  clips: TruthClip[]
  extras: ExtraFile[]
  /** extra files written verbatim (e.g. CREMA-D's VideoDemographics.csv) */
  files: { relPath: string; content: string }[]
}

const pad2 = (n: number) => String(n).padStart(2, '0')

// ---- RAVDESS -----------------------------------------------------------------
export const RAVDESS_EMOTIONS: Emotion[] = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised']
export const RAVDESS_STATEMENTS: Record<string, string> = { '01': 'Kids are talking by the door', '02': 'Dogs are sitting by the door' }
const RAVDESS_SONG_EMOTIONS = [1, 2, 3, 4, 5, 6]

export function ravdessPlan(speakers: number, o: { reps?: number; extras?: boolean }): LayoutPlan {
  const reps = o.reps ?? 2
  const clips: TruthClip[] = []
  const extras: ExtraFile[] = []
  for (let a = 1; a <= speakers; a++) {
    const actor = pad2(a)
    const gender = a % 2 === 1 ? 'male' : 'female'
    RAVDESS_EMOTIONS.forEach((emotion, e) => {
      const intensities = emotion === 'neutral' ? ['01'] : ['01', '02']
      for (const ii of intensities)
        for (const ss of ['01', '02'])
          for (let r = 1; r <= reps; r++) {
            clips.push({
              relPath: `Actor_${actor}/03-01-${pad2(e + 1)}-${ii}-${ss}-${pad2(r)}-${actor}.wav`,
              emotion, speaker: actor, gender, intensity: ii === '01' ? 'normal' : 'strong', sentence: ss,
              text: RAVDESS_STATEMENTS[ss], strength: ii === '01' ? 1 : 1.4, rate: 48000, container: 'wav',
            })
          }
    })
    if (o.extras) {
      const e = RAVDESS_SONG_EMOTIONS[a % RAVDESS_SONG_EMOTIONS.length]
      extras.push({ relPath: `Actor_${actor}/03-02-${pad2(e)}-01-01-01-${actor}.wav`, kind: 'song', speaker: actor })
      extras.push({ relPath: `Actor_${actor}/02-01-${pad2(e)}-01-01-01-${actor}.mp4`, kind: 'video-only', speaker: actor })
    }
  }
  return { clips, extras, files: [] }
}

// ---- CREMA-D -----------------------------------------------------------------
export const CREMAD_SENTENCES: Record<string, string> = {
  IEO: "It's eleven o'clock",
  TIE: 'That is exactly what happened',
  IOM: "I'm on my way to the meeting",
  IWW: 'I wonder what this is about',
  TAI: 'The airplane is almost full',
  MTI: 'Maybe tomorrow it will be cold',
  IWL: 'I would like a new alarm clock',
  ITH: "I think I have a doctor's appointment",
  DFA: "Don't forget a jacket",
  ITS: "I think I've seen this before",
  TSI: 'The surface is slick',
  WSI: "We'll stop in a couple of minutes",
}
export const CREMAD_EMOTIONS: Record<string, Emotion> = { ANG: 'angry', DIS: 'disgust', FEA: 'fearful', HAP: 'happy', NEU: 'neutral', SAD: 'sad' }
const LEVEL_STRENGTH: Record<string, number> = { LO: 0.6, MD: 1, HI: 1.4, XX: 1 }
const LEVEL_NAME: Record<string, string> = { LO: 'low', MD: 'medium', HI: 'high', XX: 'unspecified' }

export function cremadPlan(speakers: number, o: { sentences?: number }, rnd: () => number): LayoutPlan {
  const codes = Object.keys(CREMAD_SENTENCES).slice(0, Math.max(1, Math.min(12, o.sentences ?? 12)))
  const clips: TruthClip[] = []
  const demo = ['ActorID,Age,Sex,Race,Ethnicity']
  for (let s = 0; s < speakers; s++) {
    const actor = String(1001 + s)
    const gender = rnd() < 0.5 ? 'male' : 'female'
    demo.push(`${actor},${20 + Math.floor(rnd() * 50)},${gender === 'male' ? 'Male' : 'Female'},Unknown,Not Hispanic`)
    for (const sc of codes)
      for (const [code, emotion] of Object.entries(CREMAD_EMOTIONS)) {
        // As in the real corpus: IEO at three levels (neutral at XX), every other sentence at XX.
        const levels = sc === 'IEO' && code !== 'NEU' ? ['LO', 'MD', 'HI'] : ['XX']
        for (const lv of levels) {
          clips.push({
            relPath: `AudioWAV/${actor}_${sc}_${code}_${lv}.wav`,
            emotion, speaker: actor, gender, intensity: LEVEL_NAME[lv], sentence: sc,
            text: CREMAD_SENTENCES[sc], strength: LEVEL_STRENGTH[lv], rate: 16000, container: 'wav',
          })
        }
      }
  }
  return { clips, extras: [], files: [{ relPath: 'VideoDemographics.csv', content: demo.join('\n') + '\n' }] }
}

// ---- eNTERFACE'05 ------------------------------------------------------------
export const ENTERFACE_FOLDERS: Record<string, { code: string; emotion: Emotion }> = {
  anger: { code: 'an', emotion: 'angry' },
  disgust: { code: 'di', emotion: 'disgust' },
  fear: { code: 'fe', emotion: 'fearful' },
  happiness: { code: 'ha', emotion: 'happy' },
  sadness: { code: 'sa', emotion: 'sad' },
  surprise: { code: 'su', emotion: 'surprised' },
}
const ENTERFACE_TEXT: Record<string, string[]> = {
  anger: ['What? No, listen to me!', 'This is not acceptable', 'You are lying to me', 'Get out of my house', 'I told you never again'],
  disgust: ['That is so gross', 'What a horrible smell', 'I think I am going to be sick', 'Do not touch me with that', 'How can you eat this'],
  fear: ['Oh my god, there is someone there', 'Please do not hurt me', 'What was that noise', 'I am scared of the dark', 'Help me, please'],
  happiness: ['That is great news', 'I am so happy for you', 'We won the match', 'What a lovely surprise party', 'This is the best day ever'],
  sadness: ['I miss her so much', 'Nothing will be the same', 'He is gone forever', 'I feel so alone', 'Why did this happen'],
  surprise: ['You did that?', 'I never saw that coming', 'Is it really you?', 'Wow, what a present', 'You are here already?'],
}

/**
 * eNTERFACE'05: `subject N/<emotion>/sentence K/sN_<code>_K.avi`. With
 * `irregular`, some subjects use the irregular spellings seen in the real
 * corpus (capitalised folders, `s_N_`, upper-case codes, missing underscore).
 */
export function enterfacePlan(speakers: number, o: { sentences?: number; irregular?: boolean }, rnd: () => number): LayoutPlan {
  const ns = Math.max(1, Math.min(5, o.sentences ?? 5))
  const clips: TruthClip[] = []
  for (let n = 1; n <= speakers; n++) {
    const gender = rnd() < 0.5 ? 'male' : 'female'
    const style = o.irregular === false ? 0 : n % 4
    const subject = style === 3 ? `Subject ${n}` : `subject ${n}`
    for (const [folder, { code, emotion }] of Object.entries(ENTERFACE_FOLDERS))
      for (let k = 1; k <= ns; k++) {
        const name =
          style === 1
            ? `s_${n}_${code}_${k}.avi`
            : style === 2
              ? `S${n}_${code.toUpperCase()}_${k}.avi`
              : style === 3
                ? `s${n}_${code}${k}.avi`
                : `s${n}_${code}_${k}.avi`
        clips.push({
          relPath: `${subject}/${folder}/sentence ${k}/${name}`,
          emotion, speaker: String(n), gender, intensity: null, sentence: String(k),
          text: ENTERFACE_TEXT[folder][k - 1], strength: 1, rate: 48000, container: 'avi',
        })
      }
  }
  return { clips, extras: [], files: [] }
}
