/**
 * The tune and pretrain stages. Each source's speakers are split once (task-data.ts):
 * tuning speakers, held out of every pre-training, on which each loss's margin,
 * temperature and learning rate are chosen with the same budget; the rest pre-train the
 * bases (with their own early-stopping validation speakers). No target speaker is seen.
 */
import path from 'node:path'
import fs from 'node:fs'
import { LOSS_DEFAULTS, type EpochDiagnostics, type LossName } from '../../../src-shared/losses'
import type { LossTuning, PretrainRecord } from '../../../src-shared/contract/experiments'
import { defaultArchitecture } from '../model/networks'
import { makeRng, speakerSplit } from '../model/sampling'
import { defaultTrainConfig, pretrain, validationFraction } from '../model/train'
import { saveModel } from '../model/storage'
import { makeCard } from '../model/card'
import type { ItemSet, LossConfig } from '../model/types'
import { lossConfigFor } from '../model/losses'
import { taskFileName } from './plan-format'
import { readTaskResult } from './plan-io'
import { pretrainId, tuneId, type PretrainParams, type TuneParams } from './plan'
import { classesOf, extractorOf, featuresResults, indicesWhere, readFeatures, sourceSplit, subset, type TaskContext } from './task-data'
import { tuneLossFor } from './tuning'

export const BASES_DIR = 'bases'
export const baseDir = (dir: string, b: PretrainParams) => path.join(dir, BASES_DIR, taskFileName(pretrainId(b)))

/** A source's items of the experiment's classes. */
export function sourceItems(ctx: TaskContext, source: string): ItemSet {
  const classes = classesOf(ctx.config, featuresResults(ctx))
  const all = readFeatures(ctx.dir, source, ctx.cache)
  return subset(all, indicesWhere(all, (i) => classes.includes(all.labels[i])))
}

export async function tuneTask(ctx: TaskContext, p: TuneParams): Promise<LossTuning> {
  const src = sourceItems(ctx, p.source)
  const { tuning } = sourceSplit(src, p.source)
  const items = subset(src, indicesWhere(src, (i) => tuning.includes(src.speakers[i])))
  ctx.progress(null, `tuning the ${p.loss} loss on ${tuning.length} held-out speakers of ${p.source}`)
  const arch = defaultArchitecture(ctx.config.model, src.itemShape)
  return {
    source: p.source,
    loss: p.loss,
    ...(await tuneLossFor(items, { loss: p.loss, arch, budget: ctx.config.tuneBudget, epochs: ctx.config.tuneEpochs, seed: 1, signal: ctx.signal })),
  }
}

/** The tuned values of a loss on a source (the tune task's result). */
export function tunedLoss(ctx: TaskContext, source: string, loss: LossName): { loss: LossConfig; learningRate: number } {
  const r = readTaskResult<LossTuning>(ctx.dir, tuneId(source, loss))
  const c = r?.result.chosen ?? {
    margin: LOSS_DEFAULTS[loss].margin,
    temperature: LOSS_DEFAULTS[loss].temperature,
    learningRate: LOSS_DEFAULTS[loss].learningRate,
  }
  return { loss: lossConfigFor(loss, { margin: c.margin, temperature: c.temperature }), learningRate: c.learningRate }
}

export interface PretrainResult extends PretrainRecord {
  history: { epoch: number; trainLoss: number; valAccuracy: number | null }[]
}

export const diagnosticsOf = (m: { diagnostics: EpochDiagnostics[] }): EpochDiagnostics[] => m.diagnostics

export async function pretrainTask(ctx: TaskContext, p: PretrainParams, id: string): Promise<PretrainResult> {
  const src = sourceItems(ctx, p.source)
  const split = sourceSplit(src, p.source)
  const pool = subset(src, indicesWhere(src, (i) => split.pretrain.includes(src.speakers[i])))
  const t = tunedLoss(ctx, p.source, p.pretrain_loss)
  const arch = defaultArchitecture(ctx.config.model, src.itemShape)
  const cfg = defaultTrainConfig(arch, {
    epochs: ctx.config.pretrainEpochs,
    stepsPerEpoch: ctx.config.stepsPerEpoch,
    loss: t.loss,
    learningRate: t.learningRate,
    seed: p.pretrain_seed,
  })
  const t0 = performance.now()
  const ckpt = path.join(ctx.dir, 'scratch', taskFileName(id), 'checkpoint')
  const base = await pretrain(pool, cfg, {
    signal: ctx.signal,
    checkpointDir: ckpt,
    onEpoch: (e) =>
      ctx.progress(
        null,
        `pre-training on ${p.source} (${p.pretrain_loss}, seed ${p.pretrain_seed}): epoch ${e.epoch}/${e.epochs}, loss ${e.trainLoss.toFixed(4)}`,
      ),
  })
  // The same split pretrain() makes for early stopping (services/model/train.ts).
  const valSplit = speakerSplit(makeRng(`${cfg.seed}-split`), pool.speakers, validationFraction(new Set(pool.speakers).size, cfg.validationSpeakers))
  const validation = valSplit.heldOutSpeakers
  const dir = baseDir(ctx.dir, p)
  await saveModel(
    dir,
    base,
    await makeCard(base, {
      name: `pretrained-${p.source}-${p.pretrain_loss}-s${p.pretrain_seed}`,
      extractor: { name: extractorOf(ctx.config), version: 'experiment' },
      sourceCorpus: p.source,
    }),
  )
  fs.rmSync(ckpt, { recursive: true, force: true })
  const seconds = (performance.now() - t0) / 1000
  base.net.dispose()
  return {
    ...p,
    speakers: { pretrain: split.pretrain.filter((s) => !validation.includes(s)), validation, tuning: split.tuning },
    epochs: base.history.length,
    best_epoch: base.metrics.bestEpoch ?? null,
    early_stopping: {
      patience: cfg.patience,
      min_epochs: Math.min(cfg.minEpochs ?? 0, cfg.epochs),
      validation_speakers: validation.length,
      validation_clips: valSplit.heldOut.length,
    },
    stopped_training_at: base.metrics.stoppedTrainingAt ?? null,
    val_accuracy: base.metrics.valAccuracy ?? null,
    hyper: { margin: t.loss.margin, temperature: t.loss.temperature, learningRate: t.learningRate },
    diagnostics: diagnosticsOf(base),
    seconds,
    history: base.history.map((h) => ({ epoch: h.epoch, trainLoss: h.trainLoss, valAccuracy: h.valAccuracy })),
  }
}
