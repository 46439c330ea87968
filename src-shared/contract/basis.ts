/**
 * What an enrolled profile rests on, as every banner and headline states it (issue 20, item 3): the examples it
 * was built from (the person's own takes or dataset clips, how many, how many recording sessions), how its
 * figure was checked (cross-validated on those same examples, or leave-one-session-out), and its base model's
 * provenance ("demonstration model, generated speech" for the shipped default).
 */
import { z } from 'zod'
import { MAX_ITEMS, MAX_TEXT } from './limits'
import { SpeechOriginSchema } from '../corpus-mark'

export const EnrollBasisSchema = z.object({
  clips: z.number().int().min(0),
  /** The person's own microphone takes among them. */
  takes: z.number().int().min(0),
  /** Clips taken from datasets (a corpus speaker's clips). */
  datasetClips: z.number().int().min(0),
  /** Where the dataset clips came from, e.g. "crema, speaker 1003". */
  sources: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  /** Recording sessions among the examples (takes more than 30 min apart start a new one; a dataset speaker is one). */
  sessions: z.number().int().min(0),
  check: z.enum(['cross-validated', 'leave-one-session-out']),
  base: z.object({ name: z.string().max(MAX_TEXT), demo: z.boolean(), speech: SpeechOriginSchema, corpus: z.string().max(MAX_TEXT) }),
})
export type EnrollBasis = z.infer<typeof EnrollBasisSchema>

/** Below these, a profile's figure is headed "not enough to judge" before any percentage. */
export const ENOUGH_CLIPS = 20
export const ENOUGH_SESSIONS = 2

export function enoughToJudge(b: Pick<EnrollBasis, 'clips' | 'sessions'>): boolean {
  return b.clips >= ENOUGH_CLIPS && b.sessions >= ENOUGH_SESSIONS
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** "12 of Pat's own takes (1 recording session)" / "12 dataset clips (crema, speaker 03; 1 session)". */
export function builtFrom(b: EnrollBasis, person: string): string {
  const parts: string[] = []
  if (b.takes) parts.push(`${b.takes} of ${person}'s own ${b.takes === 1 ? 'take' : 'takes'}`)
  if (b.datasetClips) parts.push(`${plural(b.datasetClips, 'dataset clip')} (${b.sources.join('; ')})`)
  return `${parts.join(' and ') || 'no examples'}, from ${plural(b.sessions, 'recording session')}`
}

export function checkedHow(b: EnrollBasis, person: string): string {
  return b.check === 'leave-one-session-out'
    ? `checked leave-one-session-out: each of the ${b.sessions} sessions scored by a profile built from the others ` +
        `(all ${person}'s examples, not another person)`
    : `checked by cross-validation on those same ${b.clips} examples of ${person} (each held out once; ` +
        'not on another day, microphone or person)'
}

export function baseWords(b: EnrollBasis): string {
  const speech = { generated: 'generated speech', recorded: 'recorded speech', unknown: 'speech of unrecorded origin' }[b.base.speech]
  return b.base.demo
    ? `base model: the shipped demonstration model, generated speech (corpus “${b.base.corpus}”)`
    : `base model “${b.base.name}”, trained on ${speech} (corpus “${b.base.corpus}”)`
}
