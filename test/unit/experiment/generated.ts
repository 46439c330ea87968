/** A small plan on generated feature sets (no audio), for the experiment tests that train. */
import { gridSize, makeConfig, openPlanFolder, provideFeatures, taskContext } from '../../../src-main/services/experiment/index'
import type { Plan } from '../../../src-main/services/experiment/plan-format'
import { makeSyntheticCorpus } from '../../../src-main/services/model/synthetic'
import type { ExperimentConfig, ExperimentConfigInput } from '../../../src-shared/contract/experiments'
import { CLASSES } from './records'

/** Generated source 'src' and target 'tgt', 3 folds, 1 seed, frozen 1, short training; `over` changes any field. */
export function generatedConfig(over: Partial<ExperimentConfigInput>): ExperimentConfig {
  return makeConfig({
    sources: [{ name: 'src', ref: 'generated' }],
    target: { name: 'tgt', ref: 'generated' },
    folds: 3,
    seeds: 1,
    frozen: [1],
    pretrainEpochs: 3,
    stepsPerEpoch: 8,
    finetuneEpochs: 3,
    finetuneSteps: 4,
    ...over,
  })
}

/** Opens the plan folder `dir` and gives it generated features: `sourceSpeakers` source speakers, 6 target speakers, 4 clips each per class. */
export function openGenerated(dir: string, config: ExperimentConfig, sourceSpeakers: number): { plan: Plan; outDir: string } {
  const { plan, outDir } = openPlanFolder(dir, config, gridSize(config).evaluations)
  const corpus = (speakers: number, seed: number, speakerPrefix: string) =>
    makeSyntheticCorpus({ classes: CLASSES, speakers, perSpeakerPerClass: 4, seed, speakerPrefix })
  provideFeatures(taskContext(outDir, plan), [
    { corpus: 'src', role: 'source', items: corpus(sourceSpeakers, 3, 's') },
    { corpus: 'tgt', role: 'target', items: corpus(6, 7, 't') },
  ], { name: 'egemaps', version: 'test' })
  return { plan, outDir }
}
