/**
 * One training run as the app, the CLI and the worker see it: load features from the
 * workspace, draw the model's one speaker split (roles.ts), pre-train on the source with
 * early stopping on its validation speakers, optionally fine-tune on the target's K shots
 * per class, enrol the profile from those same shots, calibrate on the calibration
 * speakers, score the held-out speakers (never used for anything else), and save model +
 * card + profile. Checkpoints go to `<out>/.checkpoints`, so the same spec started again
 * after a crash or kill resumes, in the same training_runs row (registry.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { LossName } from '../../../src-shared/losses'
import { finetuneEpochsOf, TrainSettingsSchema } from '../../../src-shared/contract/train-spec'
import { cardLabelRule } from '../../../src-shared/label-rule'
import { initBackend } from '../engine/backend'
import { openWorkspace } from '../store/workspace'
import { makeCard } from './card'
import { removeCheckpoint } from './checkpoint'
import { datasetItems, EXTRACTOR_VERSION, subset } from './data'
import { scoreHeldOut } from './estimate'
import { buildUnfamiliarity, concatItems } from './unfamiliar'
import { buildProfile, calibrate } from './inference'
import { defaultArchitecture } from './networks'
import { beginRun, finishRun, recordEpoch, registerModel, uniqueModelName } from './registry'
import { planSplit, type RunSplit } from './roles'
import { saveModel, saveProfile } from './storage'
import { defaultTrainConfig, finetune, pretrain } from './train'
import type { Architecture, EpochReport, ItemSet, Normaliser, TrainConfig } from './types'
import type { TrainingData } from '../../../src-shared/contract/models'
import { lossConfigFor } from './losses'
import { chooseForTarget } from './run-recipe'
import type { TrainJobPhase } from '../../../src-shared/contract/jobs'
import { EXTRACTOR_OF } from '../../../src-shared/extractors'

/** A run as the engine takes it: the shared settings (defaults declared there once) with where it reads and writes. */
export const TrainSpecSchema = TrainSettingsSchema.extend({
  workspace: z.string(),
  out: z.string(),
  /** Fixed card date (ISO) for byte-reproducible builds (scripts/build-default-model.ts). */
  createdAt: z.string().optional(),
})
export type TrainSpec = z.input<typeof TrainSpecSchema>
type TrainSpecParsed = z.infer<typeof TrainSpecSchema>

/** The loss of a run: the loss's own defaults (LOSS_DEFAULTS), with the margin and temperature the spec gives. */
export function specLoss(spec: { loss: LossName; margin?: number; temperature?: number }) {
  return lossConfigFor(spec.loss, {
    ...(spec.margin !== undefined ? { margin: spec.margin } : {}),
    ...(spec.temperature !== undefined ? { temperature: spec.temperature } : {}),
  })
}

export { finetuneEpochsOf }

/** The engine's configuration of a run's pre-training, and the fine-tuning's overrides of its phase defaults. */
export function pretrainConfig(
  spec: Pick<TrainSpecParsed, 'epochs' | 'stepsPerEpoch' | 'seed' | 'loss' | 'margin' | 'temperature'>,
  arch: Architecture,
): TrainConfig {
  return defaultTrainConfig(arch, { epochs: spec.epochs, stepsPerEpoch: spec.stepsPerEpoch, loss: specLoss(spec), seed: spec.seed })
}
export const finetuneOverrides = (spec: { epochs: number; finetuneEpochs?: number }): Partial<TrainConfig> => ({ epochs: finetuneEpochsOf(spec) })

export interface RunProgress {
  phase: TrainJobPhase
  fraction: number | null
  message: string
  epoch?: EpochReport
}

/**
 * The card's unfamiliarity section of a run: reference = the clips trained on; threshold = speakers
 * never trained on (calibration, validation); the held-out speakers measure it. Also used by
 * scripts/build-default-model.ts --refresh-unfamiliarity to rebuild the shipped card's section alone.
 */
export function unfamiliarityOf(normaliser: Normaliser | null, src: ItemSet, tgt: ItemSet | null, split: RunSplit) {
  const enrolSet = tgt ?? src
  const validation = [subset(src, split.pretrain.val), ...(tgt && split.finetune ? [subset(tgt, split.finetune.val)] : [])]
  return buildUnfamiliarity({
    normaliser,
    reference: concatItems([subset(src, split.pretrain.train), ...(tgt ? [subset(tgt, split.shots)] : [])]),
    calibration: concatItems([subset(enrolSet, split.calibration), ...validation]),
    heldOut: split.heldOut.length ? subset(enrolSet, split.heldOut) : null,
  })
}

export async function runTraining(specIn: TrainSpec, onProgress: (p: RunProgress) => void = () => {}, signal?: AbortSignal) {
  const spec = TrainSpecSchema.parse(specIn)
  const out = path.resolve(spec.out)
  const backend = await initBackend()
  const ws = openWorkspace(spec.workspace)
  let runId: number | null = null
  try {
    runId = beginRun(ws, { ...spec, out }, backend.name)
    const extractor = EXTRACTOR_OF[spec.arch]
    onProgress({ phase: 'features', fraction: 0, message: `features of ${spec.source}` })
    const src = await datasetItems(ws, spec.source, {
      extractor,
      signal,
      onProgress: (f, m) => onProgress({ phase: 'features', fraction: f, message: m ?? '' }),
    })
    const tgt = spec.target ? await datasetItems(ws, spec.target, { extractor, signal }) : null
    const split = planSplit(src, tgt, { seed: spec.seed, shots: spec.shots, sourceName: spec.source, targetName: spec.target })
    const arch = defaultArchitecture(spec.arch, src.itemShape)
    const loss = specLoss(spec)
    const ckpt = path.join(out, '.checkpoints')
    const base = await pretrain(
      src,
      pretrainConfig(spec, arch),
      {
        signal,
        checkpointDir: path.join(ckpt, 'pretrain'),
        onEpoch: (r) => {
          recordEpoch(ws, runId!, { ...r, phase: 'pretrain' })
          onProgress({ phase: 'pretrain', fraction: r.epoch / r.epochs, message: `pre-training epoch ${r.epoch}/${r.epochs}`, epoch: r })
        },
      },
      split.pretrain,
    )
    let model = base
    const enrolSet = tgt ?? src
    const recipe =
      tgt && split.finetune && spec.recipe === 'recommended'
        ? await chooseForTarget(base, tgt, split, { ...spec, loss, finetuneEpochs: finetuneEpochsOf(spec) }, signal, (message) =>
            onProgress({ phase: 'finetune', fraction: null, message }),
          )
        : null
    const ft = recipe ? recipe.train : { finetune: true, loss, frozenLayers: spec.frozenLayers, learningRate: undefined }
    if (tgt && split.finetune && ft.finetune) {
      const overrides = { ...finetuneOverrides(spec), ...(ft.learningRate !== undefined ? { learningRate: ft.learningRate } : {}) }
      model = await finetune(
        base,
        tgt,
        { frozenLayers: ft.frozenLayers, shots: spec.shots, loss: ft.loss, seed: spec.seed, split: split.finetune, overrides },
        {
          signal,
          checkpointDir: path.join(ckpt, 'finetune'),
          onEpoch: (r) => {
            recordEpoch(ws, runId!, { ...r, phase: 'finetune' })
            onProgress({ phase: 'finetune', fraction: r.epoch / r.epochs, message: `fine-tuning epoch ${r.epoch}/${r.epochs}`, epoch: r })
          },
        },
      )
    }
    onProgress({ phase: 'calibrate', fraction: null, message: 'enrolling and calibrating' })
    // The profile's support is the fine-tuning shots themselves: K labelled clips per class in all.
    const profile = buildProfile(model, subset(enrolSet, split.shots))
    const cal = split.calibration.length ? calibrate(model, profile, subset(enrolSet, split.calibration)) : null
    const enrolName = spec.target ?? spec.source
    const heldOut = split.heldOut.length
      ? scoreHeldOut(
          model,
          profile,
          subset(enrolSet, split.heldOut),
          `${split.roles.heldOut.length} held-out speakers of ${enrolName}, never used for training, early stopping, shots or calibration` +
            (cal ? `; temperature fitted on ${split.roles.calibration.length} other speakers` : '; uncalibrated (too few speakers to calibrate)'),
          `${spec.seed}-heldout`,
        )
      : null
    // Unfamiliarity: reference = the clips trained on; threshold = speakers never trained on (calibration, validation); held-out measures it.
    const unfamiliarity = unfamiliarityOf(model.normaliser, src, tgt, split)
    // The card's ECE is the held-out one: the calibration speakers' own ECE would flatter it.
    if (heldOut) profile.ece = heldOut.ece
    onProgress({ phase: 'save', fraction: null, message: `saving to ${out}` })
    const metrics: Record<string, number> = {}
    if (heldOut) {
      Object.assign(metrics, { heldOutAccuracy: heldOut.accuracy.value, heldOutUar: heldOut.uar.value, heldOutMacroF1: heldOut.macroF1, heldOutN: heldOut.n })
      if (heldOut.ece !== null) metrics.heldOutEce = heldOut.ece
    }
    if (cal) metrics.calibrationEceBefore = cal.eceBefore
    const name = uniqueModelName(ws, spec.name, out)
    const card = await saveModel(
      out,
      model,
      await makeCard(model, {
        name,
        extractor: { name: extractor, version: EXTRACTOR_VERSION },
        sourceCorpus: spec.source,
        targetCorpus: spec.target,
        calibration: profile,
        metrics,
        speakers: split.roles,
        heldOut,
        labelRule: cardLabelRule({ name: spec.source, rule: src.labelRule }, tgt && spec.target ? [{ name: spec.target, rule: tgt.labelRule }] : []),
        data: trainingData(spec, src, tgt, split),
        unfamiliarity,
        ...(recipe ? { recipe: recipe.choice } : {}),
        createdAt: spec.createdAt,
      }),
    )
    saveProfile(path.join(out, 'profile.json'), profile, { modelName: card.name })
    for (const sub of ['pretrain', 'finetune']) removeCheckpoint(path.join(ckpt, sub))
    fs.rmSync(ckpt, { recursive: true, force: true })
    const modelId = registerModel(ws, { name: card.name, dir: out, card })
    // Both phases' curves (the model's own history is its last phase only).
    const history = [
      ...base.history.map((h) => ({ ...h, phase: 'pretrain' as const })),
      ...(model === base ? [] : model.history.map((h) => ({ ...h, phase: 'finetune' as const }))),
    ]
    finishRun(ws, runId, { state: 'done', modelId, history })
    return { dir: out, card, backend: backend.name, history: model.history, modelId, runId }
  } catch (err) {
    if (runId !== null) finishRun(ws, runId, { state: signal?.aborted ? 'cancelled' : 'failed', error: (err as Error).message })
    throw err
  } finally {
    ws.close()
  }
}

/** The corpora and the clips each role took, for the card (what the model page shows). */
function trainingData(spec: { source: string; target: string | null }, src: ItemSet, tgt: ItemSet | null, split: RunSplit): TrainingData {
  const corpus = (name: string, role: 'source' | 'target', d: ItemSet) => ({ name, role, clips: d.labels.length, speakers: new Set(d.speakers).size })
  return {
    corpora: [corpus(spec.source, 'source', src), ...(tgt && spec.target ? [corpus(spec.target, 'target', tgt)] : [])],
    roleClips: {
      pretrain: split.pretrain.train.length,
      validation: split.pretrain.val.length + (split.finetune?.val.length ?? 0),
      finetune: split.shots.length,
      calibration: split.calibration.length,
      heldOut: split.heldOut.length,
    },
  }
}
