/**
 * One enrollment, as the worker (and the tests) run it: load the base model, the
 * person's examples in its feature space, estimate held-out accuracy by
 * leave-some-out folds, fine-tune on all examples (unless asked not to), build
 * the profile, calibrate it on the out-of-fold distances, draw the embedding
 * map, and save model + profile into `out` and the workspace's tables.
 */
import { enrollBasis } from './basis'
import { defaultModelDir } from '../model/default-model'
import fs from 'node:fs'
import path from 'node:path'
import { initBackend } from '../engine/backend'
import { JobCancelledError } from '../jobs/registry'
import { EXTRACTOR_VERSION } from '../features/index'
import { makeCard } from '../model/card'
import { heldOutEstimate } from '../model/estimate'
import { ModelRegistryError, registerModel } from '../model/registry'
import { qualify } from '../model/roles'
import type { ModelCardData } from '../model/types'
import { buildProfile } from '../model/inference'
import { loadModel, saveModel, saveProfile } from '../model/storage'
import { embedAll } from '../model/trained'
import { descriptorsOf, modelScores, profileFamiliarity } from '../model/unfamiliar'
import { openWorkspace } from '../store/workspace'
import { insertProfile, setProfileResult } from '../store/profiles'
import { EnrollRequestSchema, type EnrollProgress, type EnrollRequest, type EnrollResult } from '../../../src-shared/contract/enroll'
import { cardLabelRule } from '../../../src-shared/label-rule'
import { calibrateFromRows, crossValidate, sessionFolds, tuneWith } from './crossval'
import { EnrollError, loadExamples } from './examples'
import { embeddingMap } from './map'
import { baseModelDir, profileNameTaken } from './profiles'

export type EnrollSpec = EnrollRequest & { workspace: string; out: string }

/** The base model's roles, plus the person: fine-tuned on (finetune) and calibrated on (out-of-fold rows). */
function enrolledRoles(base: ModelCardData, person: string): NonNullable<ModelCardData['speakers']> {
  const me = qualify('person', person)
  const b = base.speakers ?? { pretrain: [], validation: [], finetune: [], calibration: [], heldOut: [] }
  return { pretrain: b.pretrain, validation: b.validation, finetune: [...b.finetune, me], calibration: [...b.calibration, me], heldOut: [] }
}

export interface EnrollRunProgress {
  fraction: number | null
  message: string
  detail: EnrollProgress
}

export async function runEnrollment(specIn: EnrollSpec, onProgress: (p: EnrollRunProgress) => void = () => {}, signal?: AbortSignal): Promise<EnrollResult> {
  const t0 = performance.now()
  const spec = { ...EnrollRequestSchema.parse(specIn), workspace: specIn.workspace, out: path.resolve(specIn.out) }
  const backend = await initBackend()
  const ws = openWorkspace(spec.workspace)
  let wroteOut = false
  try {
    if (profileNameTaken(ws, spec.name)) throw new EnrollError(`a profile named '${spec.name}' already exists: choose another name`)
    if (fs.existsSync(spec.out) && fs.readdirSync(spec.out).length) throw new EnrollError(`output folder is not empty: ${spec.out}`)
    const { model: base, card: baseCard } = await loadModel(baseModelDir(ws, spec.baseModel), { extractorVersion: EXTRACTOR_VERSION })
    const report = (fraction: number | null, message: string, detail: Partial<EnrollProgress> & Pick<EnrollProgress, 'phase'>) =>
      onProgress({ fraction, message, detail: { step: 0, steps: 0, epoch: null, epochs: null, trainLoss: null, ...detail } })

    report(0, 'computing features of the examples', { phase: 'features' })
    const data = await loadExamples(ws, spec.clipIds, baseCard, spec.person, {
      signal,
      onProgress: (f, m) => report(0.1 * f, `features: ${m ?? ''}`, { phase: 'features' }),
    })
    const minCount = Math.min(...Object.values(data.counts))
    const sessions = spec.sessions
      ? data.clipIds.map((id) => {
          const s = spec.sessions![String(id)]
          if (!s) throw new EnrollError(`clip ${id} has no recording session, but whole sessions are to be held out`)
          return s
        })
      : undefined
    // leave-one-session-out: one fold per session (checked by sessionFolds)
    const k = sessions ? sessionFolds(data.labels, sessions).keys.length : Math.min(spec.folds, minCount)
    // Trainings: one per fold, then the final one; features take the first 10% of the bar.
    const recommended = spec.recipe === 'recommended'
    const trains = spec.finetune || recommended
    const steps = trains ? k + 1 : 1
    const at = (step: number, within: number) => 0.1 + 0.85 * ((step + within) / steps)
    const tuneOpts = (step: number, phase: 'folds' | 'final') => ({
      finetune: spec.finetune,
      frozenLayers: spec.frozenLayers,
      recipe: spec.recipe,
      epochs: spec.epochs,
      seed: spec.seed,
      signal,
      onChoosing: (m: string) =>
        report(null, `${phase === 'folds' ? `held-out fold ${step + 1}/${k}` : 'final recipe'}: ${m}`, { phase, step: step + 1, steps }),
      onEpoch: (r: { epoch: number; epochs: number; trainLoss: number }) =>
        report(at(step, r.epoch / r.epochs), `${phase === 'folds' ? `held-out fold ${step + 1}/${k}` : 'final fine-tuning'}: epoch ${r.epoch}/${r.epochs}`, {
          phase,
          step: step + 1,
          steps,
          epoch: r.epoch,
          epochs: r.epochs,
          trainLoss: r.trainLoss,
        }),
    })

    let foldNo = 0
    const cv = await crossValidate(base, data, k, {
      ...tuneOpts(0, 'folds'),
      sessions,
      onFold: (f) => {
        foldNo = f
        report(at(trains ? f : 0, 0), `held-out fold ${f + 1}/${k}`, { phase: 'folds', step: f + 1, steps })
      },
      onEpoch: (r) => tuneOpts(foldNo, 'folds').onEpoch(r),
      onChoosing: (m) => tuneOpts(foldNo, 'folds').onChoosing(m),
    })
    if (signal?.aborted) throw new JobCancelledError()

    report(
      at(trains ? k : 0, 0),
      recommended ? 'choosing the recipe on every example' : spec.finetune ? 'final fine-tuning on every example' : 'enrolling prototypes',
      { phase: 'final', step: steps, steps },
    )
    const all = data.labels.map((_, i) => i)
    const { model, choice } = await tuneWith(base, data, all, tuneOpts(k, 'final'))
    const profile = buildProfile(model, data)
    const cal = calibrateFromRows(cv.rows)
    Object.assign(profile, { temperature: cal.temperature, uncertainDistance: cal.uncertainDistance, ece: cal.ece })
    // "does not sound like the enrolled person's takes": leave-one-take-out embedding distances (model/unfamiliar.ts)
    const familiarity = profileFamiliarity(profile.support.map((s) => s.embedding), profile.dim)
    if (familiarity) profile.familiarity = familiarity
    // the base model's own check travels with the enrolled model (same input space: fine-tuning keeps the normaliser)
    const baseUnfamiliarity = baseCard.unfamiliarity ?? null
    const takeScores = baseUnfamiliarity ? modelScores(baseUnfamiliarity, descriptorsOf(model.normaliser, data)) : []
    const map = embeddingMap(embedAll(model, data), model.net.embeddingDim, data.labels, data.clipIds)
    const baseMap = model === base ? null : embeddingMap(embedAll(base, data), base.net.embeddingDim, data.labels, data.clipIds)

    report(0.97, `saving profile ${spec.name}`, { phase: 'save', step: steps, steps })
    const modelName = `${spec.name} (enrolled)`
    fs.mkdirSync(spec.out, { recursive: true })
    wroteOut = true
    const card = await saveModel(
      spec.out,
      model,
      await makeCard(model, {
        name: modelName,
        extractor: baseCard.extractor,
        sourceCorpus: baseCard.sourceCorpus,
        targetCorpus: `recordings of ${spec.person}`,
        calibration: profile,
        unfamiliarity: baseUnfamiliarity,
        metrics: {
          heldOutAccuracy: cv.heldOut.accuracy,
          heldOutUar: cv.heldOut.uar,
          heldOutMacroF1: cv.heldOut.macroF1,
          baseHeldOutAccuracy: cv.heldOut.baseAccuracy,
        },
        speakers: enrolledRoles(baseCard, spec.person),
        ...(choice ? { recipe: choice } : {}),
        labelRule: cardLabelRule(baseCard.labelRule?.source ? { name: baseCard.sourceCorpus, rule: baseCard.labelRule.source } : null, data.labelRules),
        heldOut: heldOutEstimate(
          cv.heldOut.predictions.map((p) => p.label),
          cv.heldOut.predictions.map((p) => p.predicted),
          cv.heldOut.predictions.map(() => spec.person),
          {
            ece: cal.ece,
            seed: `${spec.seed}-enroll-ci`,
            // the cross-validation's class list, so the card's figures equal cv.heldOut's
            classes: profile.classes,
            data: sessions
              ? `out-of-fold examples of ${spec.person} (leave-one-session-out over ${k} recording sessions; ECE cross-fitted on the two halves)`
              : `out-of-fold examples of ${spec.person} (stratified ${k}-fold: held out by clip, since the profile is for this person; ` +
                `ECE cross-fitted on the two halves)`,
          },
        ),
      }),
    )
    const profilePath = path.join(spec.out, 'profile.json')
    saveProfile(profilePath, profile, { modelName: card.name })
    const classes = profile.classes
    const partial: Omit<EnrollResult, 'profileId' | 'modelId'> = {
      name: spec.name,
      person: spec.person,
      baseModel: spec.baseModel === 'default' ? 'default' : baseCard.name,
      finetuned: model !== base,
      recipe: choice ? { choice, folds: cv.choices.map((c) => c.label) } : null,
      classes,
      counts: data.counts,
      heldOut: cv.heldOut,
      map,
      baseMap,
      calibration: { temperature: cal.temperature, uncertainDistance: cal.uncertainDistance },
      unfamiliarity: {
        takes: familiarity ? { threshold: familiarity.threshold, falseAlarmRate: familiarity.falseAlarmRate, n: familiarity.n } : null,
        model: baseUnfamiliarity
          ? {
              threshold: baseUnfamiliarity.threshold,
              falseAlarmRate: baseUnfamiliarity.falseAlarmRate,
              flaggedTakes: takeScores.filter((v) => v > baseUnfamiliarity.threshold).length,
              n: takeScores.length,
            }
          : null,
      },
      backend: backend.name,
      elapsedSec: 0,
      basis: enrollBasis(ws, data.clipIds, spec.sessions, {
        card: baseCard,
        demo: path.resolve(baseModelDir(ws, spec.baseModel)) === path.resolve(defaultModelDir()),
      }),
    }
    const ids = ws.db.transaction(() => {
      const modelId = registerModel(ws, { name: card.name, dir: spec.out, card })
      const profileId = insertProfile(ws.db, { name: spec.name, modelId, profilePath, classes, person: spec.person })
      const result: EnrollResult = { ...partial, modelId, profileId, elapsedSec: +((performance.now() - t0) / 1000).toFixed(2) }
      setProfileResult(ws.db, profileId, result)
      return result
    })
    let result: EnrollResult
    try {
      result = ids()
    } catch (err) {
      if (/UNIQUE constraint failed: profiles.name/.test((err as Error).message))
        throw new EnrollError(`a profile named '${spec.name}' already exists: choose another name`)
      if (err instanceof ModelRegistryError) throw new EnrollError(err.message)
      throw err
    }
    fs.writeFileSync(path.join(spec.out, 'enroll.json'), JSON.stringify(result, null, 2))
    if (model !== base) model.net.dispose()
    base.net.dispose()
    return result
  } catch (err) {
    if (wroteOut) fs.rmSync(spec.out, { recursive: true, force: true })
    throw err
  } finally {
    ws.close()
  }
}
