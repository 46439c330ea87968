/**
 * What a corpus folder says about its own audio: `ser synth` writes `ser-corpus.json` next to the clips it
 * generates, import reads it and stores the dataset's speech origin from it (docs/corpora.md, Provenance).
 * A folder without the mark is taken as people's recordings; the user can correct either in Datasets or with
 * `ser speech <dataset> generated|recorded`. Nothing here is judged from a name.
 */
import { z } from 'zod'

export const CORPUS_MARK_FILE = 'ser-corpus.json'

/** generated: synthesised (the test-corpus generator); recorded: people speaking; unknown: nobody said. */
export const SpeechOriginSchema = z.enum(['generated', 'recorded', 'unknown'])
export type SpeechOrigin = z.infer<typeof SpeechOriginSchema>

/** How a dataset's speech origin was decided: its folder's mark, the default for an unmarked folder, or a person. */
export const SpeechSourceSchema = z.enum(['mark', 'unmarked', 'user'])
export type SpeechSource = z.infer<typeof SpeechSourceSchema>

export const CorpusMarkSchema = z.object({
  format: z.literal('ser-corpus/1'),
  speech: SpeechOriginSchema,
  /** Who made it, in words ("ser synth (espeak-ng + sox)"). */
  generator: z.string().max(200).optional(),
  layout: z.string().max(40).optional(),
  speakers: z.number().int().min(0).optional(),
  clips: z.number().int().min(0).optional(),
  seed: z.string().max(200).optional(),
  preset: z.string().max(40).optional(),
})
export type CorpusMark = z.infer<typeof CorpusMarkSchema>

export const SPEECH_WORDS: Record<SpeechOrigin, string> = {
  generated: 'generated (synthesised) speech',
  recorded: 'recorded speech',
  unknown: 'speech of unrecorded origin',
}
