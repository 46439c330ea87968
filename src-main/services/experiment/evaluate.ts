/**
 * The evaluate stage: one support draw (fold, seed, shots) and either one pre-trained
 * base (arms pretrained_only and finetune per loss x frozen) or no base (softmax and
 * target_only per loss). The support set is drawn from the training folds' speakers
 * with a seed made of (fold, seed, shots) only, so every arm in every task sees the same
 * clips (paired comparisons); the test set is every clip of the fold's speakers.
 */
import path from 'node:path'
import type { ResultRecord, SpeakerRoles } from '../../../src-shared/contract/experiments'
import { throwIfCancelled } from '../jobs/registry'
import { defaultArchitecture } from '../model/networks'
import { makeRng, selectShots } from '../model/sampling'
import { buildProfile, predict } from '../model/inference'
import { embedAll, type TrainedModel } from '../model/trained'
import { finetune, trainOnTargetOnly } from '../model/train'
import { softmaxBaseline } from '../model/softmax'
import { loadModel } from '../model/storage'
import { pca2 } from '../model/pca'
import { chooseRecipe, chosenCandidate, type Candidate } from '../model/recipe'
import type { ItemSet, TrainConfig } from '../model/types'
import type { EmbeddingMap } from '../../../src-shared/contract/experiments'
import { asVectors, trainingSet } from './core'
import { baseEvaluations, targetEvaluations, type Evaluation } from './grid'
import { recordMetrics } from './metrics'
import { readTaskResult, writeDurable } from './plan-io'
import { pretrainId, targetTuningSource, type EvaluateParams } from './plan'
import { finetuneLossesOf } from './grid'
import { classesOf, featuresResults, indicesWhere, readFeatures, subset, targetFolds, type TaskContext } from './task-data'
import { baseDir, diagnosticsOf, tunedLoss, type PretrainResult } from './train-tasks'

export interface EvaluateResult {
  records: ResultRecord[]
}

/** The evaluation whose fine-tuned embeddings the report maps in 2-D: first source, last losses, first frozen, last shots, fold 0, seed 1, base seed 1. */
function isMapped(ctx: TaskContext, e: Evaluation): boolean {
  const c = ctx.config
  const pl = c.pretrainLosses ?? c.losses
  const fl = c.finetuneLosses ?? c.losses
  return (
    e.method === 'finetune' &&
    e.source === c.sources[0].name &&
    e.pretrain_loss === pl[pl.length - 1] &&
    e.finetune_loss === fl[fl.length - 1] &&
    e.frozen === c.frozen[0] &&
    e.shots === c.shots[c.shots.length - 1] &&
    e.fold === 0 &&
    e.seed === 1 &&
    e.pretrain_seed === 1
  )
}

export async function evaluateTask(ctx: TaskContext, p: EvaluateParams): Promise<EvaluateResult> {
  const { config } = ctx
  const classes = classesOf(config, featuresResults(ctx))
  const all = readFeatures(ctx.dir, config.target.name, ctx.cache)
  const target = subset(all, indicesWhere(all, (i) => classes.includes(all.labels[i])))
  const foldOf = targetFolds(target, config.folds)
  const folds = target.speakers.map((s) => foldOf.get(s)!)
  const testIdx = indicesWhere(target, (i) => folds[i] === p.fold)
  const poolIdx = indicesWhere(target, (i) => folds[i] !== p.fold)
  if (!testIdx.length || !poolIdx.length) throw new Error(`fold ${p.fold} leaves an empty ${testIdx.length ? 'training' : 'test'} set`)
  const supIdx = p.shots === 'all' ? poolIdx : selectShots(makeRng(`support-${p.fold}-${p.seed}-${p.shots}`), target.labels, poolIdx, p.shots)
  const support = subset(target, supIdx)
  const train = trainingSet(support, subset(target, poolIdx), `${p.fold}-${p.seed}-${p.shots}`)
  const test = subset(target, testIdx)
  const roles: SpeakerRoles = {
    pretrain: [],
    validation: [],
    tuning: [],
    support: [...new Set(support.speakers)].sort(),
    test: [...new Set(test.speakers)].sort(),
  }
  const arch = defaultArchitecture(config.model, target.itemShape)
  const ft: Partial<TrainConfig> = { validationSpeakers: 0, epochs: config.finetuneEpochs, stepsPerEpoch: config.finetuneSteps, patience: 0 }
  const records: ResultRecord[] = []
  // What each arm on this base predicted, by candidate (the recommended arm's final model is the chosen arm's).
  const byCandidate = new Map<string, { predicted: string[]; diagnostics: ResultRecord['diagnostics'] }>()
  const candidateKey = (c: Candidate) => (c.finetune ? `${c.loss}|${c.frozen}` : 'unchanged')
  const record = (e: Evaluation, predicted: string[], speakers: SpeakerRoles, diagnostics: ResultRecord['diagnostics'], t0: number): ResultRecord => {
    const m = recordMetrics(classes, test.labels, predicted)
    const { key: _key, ...fields } = e
    if (e.method === 'pretrained_only') byCandidate.set('unchanged', { predicted, diagnostics })
    if (e.method === 'finetune') byCandidate.set(`${e.finetune_loss}|${e.frozen}`, { predicted, diagnostics })
    return {
      ...fields, model: config.model, classes, n_support: support.labels.length, n_test: test.labels.length,
      accuracy: m.accuracy, uar: m.uar, macro_f1: m.macro_f1, speakers, diagnostics, confusion: m.confusion, seconds: (performance.now() - t0) / 1000,
    }
  }
  const protoPredict = (model: TrainedModel) => predict(model, buildProfile(model, support), test).map((x) => x.top)
  const say = (e: Evaluation) =>
    ctx.progress(
      null,
      `${e.method}${e.source ? ` from ${e.source} (${e.pretrain_loss}, seed ${e.pretrain_seed})` : ''}` +
        `${e.finetune_loss ? `, ${e.finetune_loss}` : ''}${e.frozen !== null ? `, frozen ${e.frozen}` : ''}, ${p.shots} shots, fold ${p.fold}, draw ${p.seed}`,
    )

  if (!p.base) {
    for (const e of targetEvaluations(config, p)) {
      throwIfCancelled(ctx.signal)
      say(e)
      const t0 = performance.now()
      if (e.method === 'softmax') {
        // the fine-tunes' budget and rule: finetuneEpochs x finetuneSteps steps, no early stopping (docs/method.md)
        const m = await softmaxBaseline(asVectors(train), { seed: p.seed, epochs: config.finetuneEpochs, stepsPerEpoch: config.finetuneSteps, batch: 64 })
        records.push(record(e, m.predict(asVectors(test)), roles, m.diagnostics, t0))
        m.dispose()
      } else {
        const t = tunedLoss(ctx, targetTuningSource(config), e.finetune_loss!)
        const model = await trainOnTargetOnly(
          arch,
          train,
          { shots: null, loss: t.loss, seed: p.seed, overrides: { ...ft, learningRate: t.learningRate } },
          { signal: ctx.signal },
        )
        records.push(record(e, protoPredict(model), roles, diagnosticsOf(model), t0))
        model.net.dispose()
      }
    }
    return { records }
  }

  const b = p.base
  const pre = readTaskResult<PretrainResult>(ctx.dir, pretrainId(b))!.result
  const baseRoles: SpeakerRoles = { ...roles, pretrain: pre.speakers.pretrain, validation: pre.speakers.validation, tuning: pre.speakers.tuning }
  const { model: base } = await loadModel(baseDir(ctx.dir, b))
  try {
    for (const e of baseEvaluations(config, b, p)) {
      throwIfCancelled(ctx.signal)
      say(e)
      const t0 = performance.now()
      if (e.method === 'pretrained_only') {
        records.push(record(e, protoPredict(base), baseRoles, [], t0))
        continue
      }
      if (e.method === 'recommended') {
        // Cross-validation over the arm's own labelled clips only: the K-shot support draw every fixed arm trains on
        // (grouped by speaker), so the recommended arm sees no label the fixed arms do not, and never a test speaker's.
        const candidates: Candidate[] = [
          { finetune: false },
          ...finetuneLossesOf(config).flatMap((loss) => config.frozen.map((frozen) => ({ finetune: true as const, loss, frozen }))),
        ]
        const recipe = await chooseRecipe(base, support, {
          groups: support.speakers,
          unit: 'speaker',
          folds: config.recommendFolds,
          shots: null,
          candidates,
          lossFor: (loss) => tunedLoss(ctx, b.source, loss),
          epochs: config.finetuneEpochs,
          stepsPerEpoch: config.finetuneSteps,
          seed: p.seed,
          key: `${pretrainId(b)}-f${p.fold}-r${p.seed}-k${p.shots}`,
          signal: ctx.signal,
          onProgress: (_d, _t, label) =>
            ctx.progress(
              null,
              `recommended recipe from ${b.source} (${b.pretrain_loss}, seed ${b.pretrain_seed}), ${p.shots} shots, fold ${p.fold}, draw ${p.seed}: ${label}`,
            ),
        })
        const chosen = byCandidate.get(candidateKey(chosenCandidate(recipe)))
        if (!chosen) throw new Error(`the recommended recipe chose ${recipe.label}, which this task did not evaluate`)
        records.push({ ...record(e, chosen.predicted, baseRoles, chosen.diagnostics, t0), recipe })
        continue
      }
      const t = tunedLoss(ctx, b.source, e.finetune_loss!)
      const model = await finetune(
        base,
        train,
        { frozenLayers: e.frozen!, shots: null, loss: t.loss, seed: p.seed, overrides: { ...ft, learningRate: t.learningRate } },
        { signal: ctx.signal },
      )
      records.push(record(e, protoPredict(model), baseRoles, diagnosticsOf(model), t0))
      if (isMapped(ctx, e))
        writeEmbeddingMap(
          ctx.dir,
          model,
          support,
          test,
          `${e.source} (${e.pretrain_loss}) fine-tuned with ${e.finetune_loss}, frozen ${e.frozen}, ${e.shots} shots, fold 0`,
        )
      model.net.dispose()
    }
  } finally {
    base.net.dispose()
  }
  return { records }
}

function writeEmbeddingMap(dir: string, model: TrainedModel, support: ItemSet, test: ItemSet, label: string): void {
  const x = new Float32Array(support.x.length + test.x.length)
  x.set(support.x)
  x.set(test.x, support.x.length)
  const both: ItemSet = { x, itemShape: support.itemShape, labels: [...support.labels, ...test.labels], speakers: [...support.speakers, ...test.speakers] }
  const xy = pca2(embedAll(model, both), both.labels.length, model.net.embeddingDim)
  const map: EmbeddingMap = {
    title: label,
    method: 'PCA of the fine-tuned embeddings of the support and test clips',
    points: both.labels.map((e, i) => ({
      x: xy[2 * i],
      y: xy[2 * i + 1],
      emotion: e,
      speaker: both.speakers[i],
      role: i < support.labels.length ? 'support' : 'test',
    })),
  }
  writeDurable(path.join(dir, 'embeddings.json'), JSON.stringify(map))
}
