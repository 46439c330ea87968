/**
 * The few-shot, speaker-independent evaluation protocol of a saved model on a dataset
 * (`ser evaluate`). Per seed: K support shots per class from some speakers, a temperature
 * calibrated on other speakers, and the score on test speakers that took part in nothing
 * else. When the dataset is one the model was built from, the test speakers are exactly
 * the speakers its card never used (pre-training, validation, shots, calibration), and the
 * support and calibration clips come from the speakers it did use; a card that does not
 * record its speakers gets a warning instead.
 */
import type { HeldOutEstimate } from '../../../src-shared/contract/models'
import type { Workspace } from '../store/workspace'
import { datasetItems, resolveDataset, subset } from './data'
import { buildProfile, calibrate, predict } from './inference'
import { verdictsFor } from './unfamiliar'
import { wilson } from '../../../src-shared/wilson'
import { scoreHeldOut } from './estimate'
import { qualify } from './roles'
import { makeRng, selectShots, speakerSplit } from './sampling'
import type { TrainedModel } from './trained'
import type { ItemSet, ModelCardData } from './types'

export interface EvaluateOptions {
  shots: number
  seeds: number[]
  /** Share of speakers held out for testing when the model never saw the dataset. */
  testSpeakers: number
  method: 'prototype' | 'knn'
}

export interface EvaluationRun {
  seed: number
  estimate: HeldOutEstimate
  testSpeakers: string[]
  supportSpeakers: string[]
  calibrationSpeakers: string[]
  /** Test clips the model withholds as unfamiliar (descriptor score only: the audio is not decoded here), and the accuracy of the rest. */
  unfamiliar: UnfamiliarSummary
}

export interface UnfamiliarSummary {
  /** null: the card has no unfamiliarity reference (trained before it existed). */
  threshold: number | null
  falseAlarmRate: number | null
  flagged: number
  n: number
  /** Wilson 95% interval of the flagged share. */
  share: { value: number; low: number; high: number }
  /** Each reason's count (the reasons of the flagged clips). */
  reasons: Record<string, number>
  accuracyAll: number
  /** Accuracy on the clips it answers (null when it answers none). */
  accuracyAnswered: number | null
  answered: number
}

/** How many of `test` a model withholds and how well it does on the rest. */
export function unfamiliarSummary(model: TrainedModel, card: ModelCardData, profile: Parameters<typeof predict>[1], test: ItemSet): UnfamiliarSummary {
  const preds = predict(model, profile, test)
  const verdicts = verdictsFor(card, profile, test, preds, null)
  const ok = preds.map((p, i) => p.top === test.labels[i])
  const kept = verdicts.flatMap((v, i) => (v.unfamiliar ? [] : [i]))
  const flagged = test.labels.length - kept.length
  const w = wilson(flagged, test.labels.length)
  const reasons: Record<string, number> = {}
  for (const v of verdicts) for (const r of v.reasons) {
    const key = r.replace(/:.*$/, '')
    reasons[key] = (reasons[key] ?? 0) + 1
  }
  return {
    threshold: card.unfamiliarity?.threshold ?? null,
    falseAlarmRate: card.unfamiliarity?.falseAlarmRate ?? null,
    flagged,
    n: test.labels.length,
    share: { value: test.labels.length ? flagged / test.labels.length : 0, low: w.low, high: w.high },
    reasons,
    accuracyAll: ok.length ? ok.filter(Boolean).length / ok.length : 0,
    accuracyAnswered: kept.length ? kept.filter((i) => ok[i]).length / kept.length : null,
    answered: kept.length,
  }
}

export interface Evaluation {
  model: string
  dataset: string
  shots: number
  method: 'prototype' | 'knn'
  /** The protocol in words, as printed under the figures. */
  protocol: string
  warning: string | null
  /** Mean and standard deviation over seeds (the spread of support and speaker draws); each run has its own n and intervals. */
  accuracy: { mean: number; std: number }
  uar: { mean: number; std: number }
  macroF1: { mean: number; std: number }
  runs: EvaluationRun[]
}

export class EvaluationError extends Error {
  override name = 'EvaluationError'
}

const stats = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length
  return { mean: m, std: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length) }
}

const speakersOf = (d: ItemSet, idx: number[]) => [...new Set(idx.map((i) => d.speakers[i]))].sort()

/** Speakers of `dataset` the card says the model used in any role but held-out. */
export function usedSpeakers(card: ModelCardData, dataset: string, speakers: string[]): Set<string> {
  const roles = card.speakers
  if (!roles) return new Set()
  const used = new Set([...roles.pretrain, ...roles.validation, ...roles.finetune, ...roles.calibration])
  return new Set(speakers.filter((s) => used.has(qualify(dataset, s))))
}

export function evaluateOn(model: TrainedModel, card: ModelCardData, data: ItemSet, dataset: string, o: EvaluateOptions): Evaluation {
  if (o.seeds.length === 0) throw new EvaluationError('give at least one seed')
  const all = data.labels.map((_, i) => i)
  const used = usedSpeakers(card, dataset, data.speakers)
  const builtFrom = card.sourceCorpus === dataset || card.targetCorpus === dataset
  const fixedTest = used.size > 0
  const unseen = all.filter((i) => !used.has(data.speakers[i]))
  if (fixedTest && unseen.length === 0)
    throw new EvaluationError(`every speaker of '${dataset}' was used to build model '${card.name}': nothing is held out; evaluate on another dataset`)
  const warning =
    builtFrom && !card.speakers
      ? `model '${card.name}' was built from '${dataset}' but its card does not record which speakers it used: test speakers may have been seen in training`
      : null
  const runs = o.seeds.map((seed): EvaluationRun => {
    const rng = makeRng(`eval-${seed}`)
    const test = fixedTest ? unseen : speakerSplit(rng, data.speakers, o.testSpeakers).heldOut
    const testSet = new Set(test)
    const rest = fixedTest ? all.filter((i) => used.has(data.speakers[i])) : all.filter((i) => !testSet.has(i))
    const cal = speakerSplit(rng, data.speakers, 0.25, rest)
    const support = selectShots(rng, data.labels, cal.train, o.shots)
    if (test.length === 0 || support.length === 0)
      throw new EvaluationError(`'${dataset}' has too few speakers for a speaker-independent evaluation (need at least 2)`)
    const profile = buildProfile(model, subset(data, support), { method: o.method })
    if (cal.heldOut.length) calibrate(model, profile, subset(data, cal.heldOut))
    const testSpeakers = speakersOf(data, test)
    const testItems = subset(data, test)
    const words =
      `${testSpeakers.length} test speakers of ${dataset}${fixedTest ? ' that the model never used' : ''}, ` +
      `disjoint from the ${o.shots}-shot support and calibration speakers`
    return {
      seed,
      estimate: scoreHeldOut(model, profile, testItems, words, `eval-${seed}-ci`),
      testSpeakers,
      supportSpeakers: speakersOf(data, support),
      calibrationSpeakers: cal.heldOutSpeakers,
      unfamiliar: unfamiliarSummary(model, card, profile, testItems),
    }
  })
  const protocol = fixedTest
    ? `test on the ${speakersOf(data, unseen).length} speakers of ${dataset} the model never used; per seed, ` +
      `${o.shots} support shots per class and calibration from the speakers it did use`
    : `per seed, ${Math.round(o.testSpeakers * 100)}% of the speakers of ${dataset} held out for testing; ` +
      `${o.shots} support shots per class from the others, calibrated on a quarter of them`
  return {
    model: card.name,
    dataset,
    shots: o.shots,
    method: o.method,
    protocol,
    warning,
    accuracy: stats(runs.map((r) => r.estimate.accuracy.value)),
    uar: stats(runs.map((r) => r.estimate.uar.value)),
    macroF1: stats(runs.map((r) => r.estimate.macroF1)),
    runs,
  }
}

/** Loads the dataset's features in the model's feature space and evaluates. */
export async function evaluateModel(ws: Workspace, model: TrainedModel, card: ModelCardData, datasetRef: string, o: EvaluateOptions): Promise<Evaluation> {
  const ds = resolveDataset(ws, datasetRef)
  const data = await datasetItems(ws, datasetRef, { extractor: card.extractor.name })
  return evaluateOn(model, card, data, ds.name, o)
}
