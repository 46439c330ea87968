/**
 * Model cards: what the app knows about a trained Siamese model (persisted as
 * card.json next to the TensorFlow.js model.json / weights.bin). Loading validates
 * the card with this schema and refuses a mismatched extractor version.
 */
import { z } from 'zod'
import { MAX_ENTRIES, MAX_ITEMS, MAX_JSON_CHARS, MAX_TEXT, Real, boundedRecord, boundedUnknown } from './limits'

export const ArchitectureSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mlp'), inputDim: z.number().int().positive(), hidden: z.array(z.number().int().positive()).max(MAX_ITEMS), embedding: z.number().int().positive() }),
  z.object({
    kind: z.literal('cnn'),
    frames: z.number().int().positive(),
    mels: z.number().int().positive(),
    channels: z.array(z.number().int().positive()).max(MAX_ITEMS).min(1),
    embedding: z.number().int().positive(),
  }),
])

export const LossConfigSchema = z.object({
  name: z.enum(['contrastive', 'distance']),
  margin: Real.min(0),
  temperature: Real.positive(),
})

export const ModelCardSchema = z.object({
  format: z.literal('ser-siamese/1'),
  name: z.string().max(MAX_TEXT).min(1),
  createdAt: z.string().max(MAX_TEXT),
  arch: ArchitectureSchema,
  extractor: z.object({ name: z.enum(['egemaps', 'logmel']), version: z.string().max(MAX_TEXT).min(1), params: boundedRecord(z.string().max(MAX_TEXT), boundedUnknown(MAX_JSON_CHARS), MAX_ENTRIES).optional() }),
  normaliser: z.object({ mean: z.array(Real).max(MAX_ITEMS), std: z.array(Real).max(MAX_ITEMS) }).nullable(),
  labels: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  sourceCorpus: z.string().max(MAX_TEXT),
  targetCorpus: z.string().max(MAX_TEXT).nullable(),
  loss: LossConfigSchema,
  frozenLayers: z.number().int().min(0),
  shots: z.number().int().positive().nullable(),
  backend: z.object({ name: z.enum(['tensorflow', 'wasm', 'cpu']), threads: z.number().int().nullable(), simd: z.boolean().nullable(), tfjs: z.string().max(MAX_TEXT) }),
  metrics: boundedRecord(z.string().max(MAX_TEXT), Real, MAX_ENTRIES),
  training: z.object({ seed: Real, epochs: Real, pairsPerBatch: Real, learningRate: Real }),
  calibration: z.object({ temperature: Real.positive(), uncertainDistance: Real, ece: Real.nullable() }).nullable(),
  /** sha256 of the two TensorFlow.js files, so a corrupted or swapped file is refused. */
  files: z.object({ 'model.json': z.string().regex(/^[0-9a-f]{64}$/), 'weights.bin': z.string().regex(/^[0-9a-f]{64}$/) }),
})
export type ModelCard = z.infer<typeof ModelCardSchema>

/** What the UI lists about a model. */
export const ModelSummarySchema = z.object({
  id: z.string().max(MAX_TEXT),
  name: z.string().max(MAX_TEXT),
  dir: z.string().max(MAX_TEXT),
  sourceCorpus: z.string().max(MAX_TEXT),
  loss: z.enum(['contrastive', 'distance']),
  backend: z.string().max(MAX_TEXT),
  labels: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  metrics: boundedRecord(z.string().max(MAX_TEXT), Real, MAX_ENTRIES),
})
export type ModelSummary = z.infer<typeof ModelSummarySchema>
