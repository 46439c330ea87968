/**
 * Models on disk: the TensorFlow.js Layers format (model.json + weights.bin, loadable
 * by tf.loadLayersModel) plus card.json. The card carries sha256 hashes of both files;
 * loading validates the card, the hashes and the feature extractor version, and says
 * exactly what is wrong otherwise.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { ModelCardSchema } from '../../../src-shared/contract/models'
import { EmbeddingModel } from './networks'
import type { TrainedModel } from './trained'
import type { Profile } from './profile'
import type { ModelCardData } from './types'

export class ModelLoadError extends serviceErrorClass('ModelLoadError') {}

const sha256 = (b: Buffer | Uint8Array) => crypto.createHash('sha256').update(b).digest('hex')

export { writeAtomic } from '../store/atomic-file'
import { writeAtomic } from '../store/atomic-file'
import { serviceErrorClass } from '../../../src-shared/errors'
import type { ExtractorName } from '../../../src-shared/extractors'

export async function saveModel(dir: string, model: TrainedModel, card: Omit<ModelCardData, 'files'>): Promise<ModelCardData> {
  fs.mkdirSync(dir, { recursive: true })
  let modelJson = ''
  let weights = Buffer.alloc(0)
  await model.net.model.save(
    tf.io.withSaveHandler(async (a) => {
      weights = Buffer.from(a.weightData as ArrayBuffer)
      modelJson = JSON.stringify({
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      })
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) }
    }),
  )
  const full: ModelCardData = { ...card, files: { 'model.json': sha256(Buffer.from(modelJson)), 'weights.bin': sha256(weights) } }
  const parsed = ModelCardSchema.safeParse(full)
  if (!parsed.success) throw new Error(`model card is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  writeAtomic(path.join(dir, 'weights.bin'), weights)
  writeAtomic(path.join(dir, 'model.json'), modelJson)
  writeAtomic(path.join(dir, 'card.json'), JSON.stringify(full, null, 2))
  return full
}

export interface LoadOptions {
  /** Refuse the model unless its card's extractor has this version (and name, when given). */
  extractorVersion?: string
  extractorName?: ExtractorName
}

export function readCard(dir: string): ModelCardData {
  const cardPath = path.join(dir, 'card.json')
  if (!fs.existsSync(cardPath)) throw new ModelLoadError(`not a model folder (no card.json): ${dir}`)
  let raw: unknown
  try {
    raw = JSON.parse(fs.readFileSync(cardPath, 'utf8'))
  } catch (err) {
    throw new ModelLoadError(`model card is not valid JSON: ${cardPath} (${(err as Error).message})`)
  }
  const parsed = ModelCardSchema.safeParse(raw)
  if (!parsed.success) {
    throw new ModelLoadError(`model card is invalid: ${cardPath}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  }
  return parsed.data as ModelCardData
}

export async function loadModel(dir: string, opts: LoadOptions = {}): Promise<{ model: TrainedModel; card: ModelCardData }> {
  const card = readCard(dir)
  if (opts.extractorName && card.extractor.name !== opts.extractorName) {
    throw new ModelLoadError(`model ${dir} expects ${card.extractor.name} features, this app computes ${opts.extractorName}`)
  }
  if (opts.extractorVersion && card.extractor.version !== opts.extractorVersion) {
    throw new ModelLoadError(
      `model ${dir} was trained on ${card.extractor.name} version ${card.extractor.version}, this app computes version ${opts.extractorVersion}: ` +
        `retrain or use a matching model`,
    )
  }
  const files: Record<string, Buffer> = {}
  for (const name of ['model.json', 'weights.bin'] as const) {
    const p = path.join(dir, name)
    if (!fs.existsSync(p)) throw new ModelLoadError(`model file missing: ${p}`)
    files[name] = fs.readFileSync(p)
    if (sha256(files[name]) !== card.files[name]) throw new ModelLoadError(`model file is corrupted or was changed (sha256 differs from card.json): ${p}`)
  }
  const mj = JSON.parse(files['model.json'].toString('utf8'))
  const w = files['weights.bin']
  const layers = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: mj.modelTopology,
      weightSpecs: mj.weightsManifest[0].weights,
      weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer,
    }),
  )
  const net = new EmbeddingModel(card.arch, layers)
  const model: TrainedModel = {
    net,
    normaliser: card.normaliser,
    labels: card.labels,
    loss: card.loss,
    frozenLayers: card.frozenLayers,
    shots: card.shots,
    history: [],
    diagnostics: [],
    metrics: card.metrics,
    config: {
      arch: card.arch,
      loss: card.loss,
      pairsPerBatch: card.training.pairsPerBatch,
      hardNegatives: 0,
      epochs: card.training.epochs,
      stepsPerEpoch: 0,
      learningRate: card.training.learningRate,
      patience: 0,
      validationSpeakers: 0,
      seed: card.training.seed,
      frozenLayers: card.frozenLayers,
    },
  }
  return { model, card }
}

/** A profile (enrolled support embeddings + calibration) next to its model, or anywhere. */
export function saveProfile(file: string, profile: Profile, meta: { modelName: string }): void {
  writeAtomic(
    file,
    JSON.stringify({
      format: 'ser-profile/1',
      model: meta.modelName,
      ...profile,
      uncertainDistance: Number.isFinite(profile.uncertainDistance) ? profile.uncertainDistance : 1e9,
    }),
  )
}

export function loadProfile(file: string, card: ModelCardData): Profile {
  if (!fs.existsSync(file)) throw new ModelLoadError(`profile not found: ${file}`)
  const p = JSON.parse(fs.readFileSync(file, 'utf8'))
  if (p.format !== 'ser-profile/1') throw new ModelLoadError(`not a profile file: ${file}`)
  if (p.dim !== card.arch.embedding)
    throw new ModelLoadError(`profile ${file} has ${p.dim}-d embeddings, model ${card.name} makes ${card.arch.embedding}-d ones`)
  if (p.model !== card.name) throw new ModelLoadError(`profile ${file} was enrolled with model '${p.model}', not '${card.name}'`)
  return p
}
