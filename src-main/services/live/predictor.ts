/**
 * A WindowPredictor from a model folder and a profile: the features the
 * model's card asks for (eGeMAPS functionals or a log-mel patch) of the window,
 * then few-shot inference against the profile (services/model/inference.ts).
 */
import { EXTRACTOR_VERSION, extractEgemaps, logMel } from '../features/index'
import { initBackend } from '../engine/backend'
import { fitFrames } from '../model/data'
import { predict, type Profile } from '../model/inference'
import { loadModel, loadProfile } from '../model/storage'
import type { TrainedModel } from '../model/trained'
import type { ModelCardData } from '../model/types'
import { recordingReport } from '../model/recording-checks'
import { verdictsFor } from '../model/unfamiliar'
import { LIVE_RATE, type WindowPredictor, type WindowPrediction } from './pipeline'

export class ModelWindowPredictor implements WindowPredictor {
  readonly classes: string[]
  private readonly itemShape: number[]

  constructor(
    private readonly model: TrainedModel,
    private readonly card: ModelCardData,
    private readonly profile: Profile,
  ) {
    this.classes = profile.classes
    this.itemShape = card.arch.kind === 'mlp' ? [card.arch.inputDim] : [card.arch.frames, card.arch.mels]
  }

  features(samples: Float32Array): Float32Array {
    if (this.card.extractor.name === 'egemaps') return extractEgemaps(samples, LIVE_RATE)
    return fitFrames(logMel(samples, LIVE_RATE).data, this.itemShape[1], this.itemShape[0])
  }

  predictWindow(samples: Float32Array): WindowPrediction {
    const x = this.features(samples)
    const items = { x, itemShape: this.itemShape, labels: ['?'], speakers: ['?'] }
    const preds = predict(this.model, this.profile, items)
    const [unfamiliar] = verdictsFor(this.card, this.profile, items, preds, [recordingReport(samples, LIVE_RATE)])
    const p = preds[0]
    return { probabilities: p.probabilities, top: p.top, uncertain: p.uncertain, unfamiliar }
  }
}

/** Loads and checks model + profile (extractor version included) and warms the kernels up once. */
export async function loadWindowPredictor(modelDir: string, profilePath: string): Promise<ModelWindowPredictor> {
  await initBackend()
  const { model, card } = await loadModel(modelDir, { extractorVersion: EXTRACTOR_VERSION })
  const profile = loadProfile(profilePath, card)
  const p = new ModelWindowPredictor(model, card, profile)
  // First calls JIT-compile the feature code and build the model's kernels: not the user's latency.
  const warm = new Float32Array(LIVE_RATE)
  for (let i = 0; i < warm.length; i++) warm[i] = 0.1 * Math.sin((2 * Math.PI * 150 * i) / LIVE_RATE)
  for (let i = 0; i < 3; i++) p.predictWindow(warm)
  return p
}
