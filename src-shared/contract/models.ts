/**
 * Model cards: what the app knows about a trained Siamese model (persisted as
 * card.json next to the TensorFlow.js model.json / weights.bin). Loading validates
 * the card with this schema and refuses a mismatched extractor version.
 */
import { z } from 'zod'
import { LossNameSchema } from '../losses'

export const ArchitectureSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('mlp'),
    inputDim: z.number().int().positive(),
    hidden: z.array(z.number().int().positive()),
    embedding: z.number().int().positive(),
    // 'none' for cards written before embeddings were L2-normalised (their profiles hold raw embeddings)
    normalize: z.enum(['l2', 'none']).default('none'),
  }),
  z.object({
    kind: z.literal('cnn'),
    frames: z.number().int().positive(),
    mels: z.number().int().positive(),
    channels: z.array(z.number().int().positive()).min(1),
    embedding: z.number().int().positive(),
    normalize: z.enum(['l2', 'none']).default('none'),
  }),
])

export const LossConfigSchema = z.object({
  name: LossNameSchema,
  margin: z.number().min(0),
  temperature: z.number().min(0), // 0 where the loss has none (contrastive, triplet)
})

export const ModelCardSchema = z.object({
  format: z.literal('ser-siamese/1'),
  name: z.string().min(1),
  createdAt: z.string(),
  arch: ArchitectureSchema,
  extractor: z.object({ name: z.enum(['egemaps', 'logmel']), version: z.string().min(1), params: z.record(z.string(), z.unknown()).optional() }),
  normaliser: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }).nullable(),
  labels: z.array(z.string()),
  sourceCorpus: z.string(),
  targetCorpus: z.string().nullable(),
  loss: LossConfigSchema,
  frozenLayers: z.number().int().min(0),
  shots: z.number().int().positive().nullable(),
  backend: z.object({ name: z.enum(['tensorflow', 'wasm', 'cpu']), threads: z.number().int().nullable(), simd: z.boolean().nullable(), tfjs: z.string() }),
  metrics: z.record(z.string(), z.number()),
  training: z.object({ seed: z.number(), epochs: z.number(), pairsPerBatch: z.number(), learningRate: z.number() }),
  calibration: z.object({ temperature: z.number().positive(), uncertainDistance: z.number(), ece: z.number().nullable() }).nullable(),
  /** sha256 of the two TensorFlow.js files, so a corrupted or swapped file is refused. */
  files: z.object({ 'model.json': z.string().regex(/^[0-9a-f]{64}$/), 'weights.bin': z.string().regex(/^[0-9a-f]{64}$/) }),
})
export type ModelCard = z.infer<typeof ModelCardSchema>

/** What the UI lists about a model. */
export const ModelSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  dir: z.string(),
  sourceCorpus: z.string(),
  loss: LossNameSchema,
  backend: z.string(),
  labels: z.array(z.string()),
  metrics: z.record(z.string(), z.number()),
})
export type ModelSummary = z.infer<typeof ModelSummarySchema>
