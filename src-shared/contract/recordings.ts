/**
 * Recording from the microphone into the workspace (Enroll view). The renderer
 * captures 16 kHz mono PCM (src-renderer/src/audio) and streams it in bounded
 * chunks; main writes a 16-bit WAV under <workspace>/recordings/<person>/ and
 * imports it as a clip of the "recordings" dataset (speaker = the person),
 * labelled with the emotion when one is given.
 *
 *   const { sessionId } = await api.recordings.start.mutate({ person: 'Ada', emotion: 'angry' })
 *   await api.recordings.append.mutate({ sessionId, seq: 0, pcm: int16ToBase64(floatToInt16(chunk)) })   // seq 0, 1, 2, ...
 *   const rec = await api.recordings.finish.mutate({ sessionId })    // Recording (clip id, path, duration, level)
 *   await api.recordings.cancel.mutate({ sessionId })                // discards a session, nothing written
 */
import { z } from 'zod'
import { MAX_ENTRIES, MAX_TEXT, Real, boundedRecord } from './limits'
import { EMOTIONS } from '../emotions'
import { ANALYSIS_RATE } from '../audio'

/** The only rate recordings are sent at (the analysis rate). */
export const RECORDING_RATE = ANALYSIS_RATE
/** At most 1 s of audio per chunk: keeps every IPC message small. */
export const MAX_CHUNK_SAMPLES = ANALYSIS_RATE
/** A recording longer than this is refused (enrollment examples are a few seconds). */
export const MAX_RECORDING_SEC = 120
/** Shorter than this is not an example of anything. */
export const MIN_RECORDING_SEC = 0.3
/** Name of the dataset every recording goes into. */
export const RECORDINGS_DATASET = 'recordings'

const MAX_CHUNK_BASE64 = Math.ceil((MAX_CHUNK_SAMPLES * 2) / 3) * 4

/** A person's name as typed: letters (any script), digits, spaces, . _ ' - */
export const PersonSchema = z
  .string()
  .trim()
  .min(1, 'a person needs a name')
  .max(60, "a person's name is at most 60 characters")
  .regex(
    /^[\p{L}\p{N}][\p{L}\p{N} ._'-]*$/u,
    "a person's name may hold letters, digits, spaces, dots, dashes, apostrophes and underscores, and starts with a letter or digit",
  )

export const EmotionSchema = z.enum(EMOTIONS)

export const SessionIdSchema = z.string().regex(/^rec-[0-9a-f]{16}$/, 'a recording session id looks like rec- and 16 hex digits')

export const RecordingStartSchema = z.object({
  person: PersonSchema,
  /** The emotion the person was asked to express; null records an unlabelled clip. */
  emotion: EmotionSchema.nullable().default(null),
  /** Who labelled it (the labels table's annotator); the person themself by default. */
  annotator: z.string().trim().min(1).max(60).optional(),
  sampleRate: z.literal(RECORDING_RATE).default(RECORDING_RATE),
})
export type RecordingStart = z.input<typeof RecordingStartSchema>

export const RecordingChunkSchema = z.object({
  sessionId: SessionIdSchema,
  /** 0, 1, 2, ...; a repeated seq (a retried send) is ignored, a gap is an error. */
  seq: z.number().int().min(0).max(1_000_000),
  /** Little-endian Int16 PCM, base64; at most MAX_CHUNK_SAMPLES samples. */
  pcm: z
    .string()
    .min(4, 'an audio chunk is empty')
    .max(MAX_CHUNK_BASE64, `an audio chunk holds at most ${MAX_CHUNK_SAMPLES} samples (1 s)`)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'pcm must be base64'),
})
export type RecordingChunk = z.infer<typeof RecordingChunkSchema>

export const RecordingSchema = z.object({
  clipId: z.number().int(),
  datasetId: z.number().int(),
  person: z.string().max(MAX_TEXT),
  emotion: z.string().max(MAX_TEXT).nullable(),
  path: z.string().max(MAX_TEXT),
  durationSec: Real,
  /** Loudest sample and RMS of the whole recording, dBFS. */
  peakDb: Real,
  rmsDb: Real,
  createdAt: z.string().max(MAX_TEXT),
})
export type Recording = z.infer<typeof RecordingSchema>

export const AppendResultSchema = z.object({ seconds: Real, chunks: z.number().int() })

export const PersonSummarySchema = z.object({
  person: z.string().max(MAX_TEXT),
  recordings: z.number().int(),
  byEmotion: boundedRecord(z.string().max(MAX_TEXT), z.number().int(), MAX_ENTRIES),
})
export type PersonSummary = z.infer<typeof PersonSummarySchema>
