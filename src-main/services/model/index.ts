/**
 * Siamese transfer-learning engine: the service API that training jobs, experiments,
 * enrollment and the live view call. See docs/engine.md. All functions take raw
 * features (ItemSet: flat Float32Array + labels + speakers); normalisation is the
 * model's own (fitted on its training data, stored in the card).
 *
 *   await initBackend()                                                     // engine/backend.ts
 *   const base = await pretrain(source, defaultTrainConfig(arch), ctx)
 *   const tuned = await finetune(base, target, { frozenLayers: 1, shots: 5, loss, seed, indices }, ctx)
 *   const scratch = await trainOnTargetOnly(arch, target, { shots: 5, loss, seed, indices }, ctx)
 *   const soft = await softmaxBaseline(target, { seed, indices })
 *   const profile = buildProfile(tuned, support, { method: 'prototype' })   // or 'knn'
 *   calibrate(tuned, profile, validation)          // temperature, ECE, 'uncertain' distance
 *   predict(tuned, profile, items)  -> [{ probabilities, top, uncertain, distances }]
 *   evaluateProfile(tuned, profile, test) -> { accuracy, uar, macroF1, ece, confusion }
 *   await saveModel(dir, tuned, await makeCard(tuned, {...}));  const { model, card } = await loadModel(dir, { extractorVersion })
 */
export * from './types'
export { contrastiveLoss, distanceLoss, pairDistances, pairwiseDistances } from './losses'
export { makeRng, samplePairs, sampleClassBalanced, speakerSplit, selectShots } from './sampling'
export { buildNetwork, EmbeddingModel, defaultArchitecture } from './networks'
export { fitNormaliser, normaliseSet } from './normalise'
export {
  pretrain,
  finetune,
  trainOnTargetOnly,
  trainSiamese,
  defaultTrainConfig,
  type FinetuneOptions,
} from './train'
export { embedAll, type TrainedModel } from './trained'
export { softmaxBaseline, type SoftmaxModel } from './softmax'
export { buildProfile, calibrate, predict, evaluateProfile, expectedCalibrationError, type Profile, type Prediction } from './inference'
export { classificationMetrics, type ClassMetrics } from './metrics'
export { saveModel, loadModel, readCard, saveProfile, loadProfile, ModelLoadError } from './storage'
export { runTraining, TrainSpecSchema, type TrainSpec, type RunProgress } from './run'
export { trainInWorker, closeTrainPool } from './jobs'
export { defaultModelDir } from './default-model'
export { datasetItems } from './data'
export { filesToItems } from './clip-features'
export { makeCard, type CardInput } from './card'
export { makeSyntheticCorpus, type SyntheticOptions } from './synthetic'
