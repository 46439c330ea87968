/**
 * The live view's contract (services/live): a session per microphone run, PCM
 * chunks in (16 kHz mono, Int16 little-endian as base64, at most 1 s each),
 * one frame per hop out through a subscription. See docs/live.md.
 */
import { UnfamiliarVerdictSchema } from './unfamiliar'
import { z } from 'zod'
import { MAX_ENTRIES, MAX_ITEMS, MAX_TEXT, Real, boundedRecord } from './limits'
import { HeldOutEstimateSchema } from './models'
import { ANALYSIS_RATE } from '../audio'
import { SpeechOriginSchema } from '../corpus-mark'
import { EnrollBasisSchema } from './basis'
import { ExtractorNameSchema } from '../extractors'

/** Live audio arrives at the analysis rate (the capture worklet resamples to it). */
export const LIVE_RATE = ANALYSIS_RATE
/** Longest chunk the server takes: 1 s of audio. */
export const MAX_CHUNK_SAMPLES = LIVE_RATE
const MAX_B64 = Math.ceil((MAX_CHUNK_SAMPLES * 2) / 3) * 4

export const LiveSessionIdSchema = z.string().regex(/^live-\d{1,9}$/, 'a live session id looks like live-3')

/** 'default' = the shipped model; 'model:<id>' = a trained model with its own profile; 'profile:<id>' = an enrolled profile. */
export const LiveSourceIdSchema = z.string().regex(/^(default|model:\d{1,9}|profile:\d{1,9})$/, "a live source is 'default', 'model:<id>' or 'profile:<id>'")

/**
 * Where a source's model came from, from its card: what it was trained on, by how many
 * speakers, whether that speech was generated (espeak-ng) or recorded, and when.
 */
export const ModelProvenanceSchema = z.object({
  model: z.string().max(MAX_TEXT),
  /** The corpus the network was trained on (the card's sourceCorpus). */
  corpus: z.string().max(MAX_TEXT),
  /** Fine-tuned afterwards on (targetCorpus), e.g. 'recordings of Ada'; null when not. */
  tunedOn: z.string().max(MAX_TEXT).nullable(),
  /** Distinct speakers of the source corpus used to build it (every role but held-out); null on cards without the record. */
  speakers: z.number().int().nullable(),
  /** Speakers the source corpus holds (its dataset here, else every speaker of it on the card, held-out included). */
  corpusSpeakers: z.number().int().nullable(),
  /** Speakers of the corpus it was fine-tuned on (null: not fine-tuned, or not recorded). */
  tunedSpeakers: z.number().int().nullable(),
  /** From the source dataset's stored origin (its folder's mark or a person's setting), never from its name; the shipped default is generated. */
  speech: SpeechOriginSchema,
  /** The same for the fine-tuning corpus (a person's recordings are recorded); null when not fine-tuned. */
  tunedSpeech: SpeechOriginSchema.nullable(),
  createdAt: z.string().max(MAX_TEXT),
  /** The shipped demonstration model (or a profile built on it). */
  demo: z.boolean(),
  heldOut: HeldOutEstimateSchema.nullable(),
})
export type ModelProvenance = z.infer<typeof ModelProvenanceSchema>

export const LiveSourceSchema = z.object({
  id: LiveSourceIdSchema,
  label: z.string().max(MAX_TEXT),
  kind: z.enum(['default', 'model', 'profile']),
  classes: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  extractor: ExtractorNameSchema,
  provenance: ModelProvenanceSchema,
  /** An enrolled profile: whose, and what it rests on (null for models, and for profiles enrolled before it was recorded). */
  person: z.string().max(MAX_TEXT).nullable(),
  basis: EnrollBasisSchema.nullable(),
})
export type LiveSource = z.infer<typeof LiveSourceSchema>

export const LiveStartSchema = z.object({
  source: LiveSourceIdSchema.default('default'),
  /** Analysis window (default 2000 ms) and how often it is re-evaluated (default 250 ms). */
  windowMs: z.number().int().min(500).max(5000).default(2000),
  hopMs: z.number().int().min(50).max(2000).default(250),
})
export type LiveStartInput = z.input<typeof LiveStartSchema>

export const LiveStartResultSchema = z.object({
  sessionId: LiveSessionIdSchema,
  source: LiveSourceSchema,
  windowMs: Real,
  hopMs: Real,
  sampleRate: z.literal(LIVE_RATE),
})
export type LiveStartResult = z.infer<typeof LiveStartResultSchema>

/** Int16 little-endian PCM as standard base64: whole samples, whole base64 quads. */
export const Pcm16Base64Schema = z
  .string()
  .min(4, 'a chunk needs at least one sample')
  .max(MAX_B64, `a chunk is at most ${MAX_CHUNK_SAMPLES} samples (1 s)`)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'pcm16 must be base64')
  .refine((s) => s.length % 4 === 0, 'pcm16 base64 length must be a multiple of 4')
  .refine((s) => ((s.length / 4) * 3 - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0)) % 2 === 0, 'pcm16 must hold whole 16-bit samples')

export const LivePushSchema = z
  .object({
    sessionId: LiveSessionIdSchema,
    /** Chunk number from 0, consecutive; a gap is counted as lost audio. */
    seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** The audio: base64 Int16 (what the app sends) ... */
    pcm16: Pcm16Base64Schema.optional(),
    /** ... or plain float samples in [-1, 1] (tools, tests). */
    samples: z.array(Real.finite().min(-1).max(1)).min(1).max(MAX_CHUNK_SAMPLES).optional(),
  })
  .refine((v) => (v.pcm16 === undefined) !== (v.samples === undefined), 'send exactly one of pcm16 or samples')
export type LivePushInput = z.infer<typeof LivePushSchema>

export const LivePushResultSchema = z.object({ bufferedMs: Real, lostChunks: z.number().int() })

export const VadStateSchema = z.enum(['silence', 'noise', 'speech'])
export type VadState = z.infer<typeof VadStateSchema>

export const LiveFrameSchema = z.object({
  sessionId: LiveSessionIdSchema,
  /** Seconds of audio received when the window ended (its right edge). */
  t: Real,
  /** Last chunk included in this window (the client matches it to its own send time). */
  seq: z.number().int(),
  vad: z.object({
    state: VadStateSchema,
    /** The frame detector that ran: the learned Silero VAD or the energy + voicing gate (also its fallback). */
    detector: z.enum(['gate', 'silero']),
    /** Window level, dBFS (RMS). */
    levelDb: Real,
    /** Fraction of the window's 10 ms frames judged voiced. */
    voicedFraction: z.number().min(0).max(1),
    noiseFloorDb: Real,
  }),
  /** null when the VAD gate is closed: silence shows no emotion. */
  probabilities: boundedRecord(z.string().max(MAX_TEXT), Real, MAX_ENTRIES).nullable(),
  top: z.string().max(MAX_TEXT).nullable(),
  uncertain: z.boolean(),
  /**
   * The unfamiliarity verdict of a speech window (null when gated). When `unfamiliar` is true the
   * frame carries no estimate (probabilities and top null): the voice or the recording is outside
   * what the model learned from (docs/live.md, Unfamiliar).
   */
  unfamiliar: UnfamiliarVerdictSchema.nullable(),
  /** Chunk arrival in the server to this frame's probabilities, ms (null when gated). */
  latencyMs: Real.nullable(),
  /** Feature extraction + model time, ms. */
  computeMs: Real.nullable(),
})
export type LiveFrame = z.infer<typeof LiveFrameSchema>
