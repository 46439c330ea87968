/**
 * Builds the shipped default model (resources/models/default) reproducibly:
 *   1. generate a CREMA-D-layout source corpus with the project's own generator (ser synth),
 *   2. import it into a scratch workspace and extract eGeMAPS features,
 *   3. split the speakers once (services/model/roles.ts): pre-training, early-stopping
 *      validation, calibration and held-out speakers; pre-train the MLP Siamese network
 *      (contrastive loss, fixed seed), enrol a 20-shot profile from pre-training speakers,
 *      calibrate it on the calibration speakers and score the held-out ones,
 *   4. write model.json + weights.bin + card.json (with the speakers of every role and the
 *      held-out figure: n, 95% intervals, chance) + profile.json.
 * Usage: npx tsx scripts/build-default-model.ts [--speakers 24] [--sentences 4] [--out resources/models/default]
 *        [--refresh-unfamiliarity]
 * --refresh-unfamiliarity regenerates the same corpus and split and rewrites only the card's
 * `unfamiliarity` section (services/model/unfamiliar.ts) of the model already in --out, from the
 * speaker roles its card records: weights, model, profile and every other card field stay as they are.
 * Every step is seeded and the card's date is fixed (CREATED_AT), so the same generator,
 * feature and engine versions give byte-identical files on the same backend (another
 * backend may differ in floating-point summation order).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { importCorpus, closeImportPool } from '../src-main/services/corpus/index'
import { closeFeaturePool } from '../src-main/services/features/index'
import { describeEstimate } from '../src-main/services/model/estimate'
import { datasetItems } from '../src-main/services/model/data'
import { planSplit } from '../src-main/services/model/roles'
import { runTraining, unfamiliarityOf } from '../src-main/services/model/run'
import { openWorkspace } from '../src-main/services/store/workspace'
import { synthCorpus } from '../src-main/services/synth/index'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : def
}
const speakers = Number(arg('speakers', '24'))
const sentences = Number(arg('sentences', '4'))
const out = path.resolve(arg('out', path.join(root, 'resources', 'models', 'default')))
/** The card's date: a constant, so a rebuild from the same seed is byte-identical. */
const CREATED_AT = '2026-12-01T00:00:00.000Z'
const refreshOnly = process.argv.includes('--refresh-unfamiliarity')
const SEED = 1
const SHOTS = 20
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-default-model-'))

try {
  const t0 = performance.now()
  const log = (m: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0)}s] ${m}\n`)
  log(`generating a CREMA-D-layout corpus: ${speakers} speakers, ${sentences} sentences`)
  const corpus = await synthCorpus({ layout: 'cremad', speakers, sentences, seed: 'default-model-v1', out: path.join(scratch, 'cremad') })
  log(`${corpus.clips.length} clips; importing`)
  const wsDir = path.join(scratch, 'workspace')
  const ws = openWorkspace(wsDir)
  await importCorpus(ws, corpus.dir, { name: 'synthetic-cremad' })
  await closeImportPool()
  if (refreshOnly) {
    const cardPath = path.join(out, 'card.json')
    type CardFields = { normaliser: { mean: number[]; std: number[] }; speakers: Record<string, string[]>; unfamiliarity?: unknown }
    const card = JSON.parse(fs.readFileSync(cardPath, 'utf8')) as CardFields
    log('features (eGeMAPS) of the corpus; the same split as the card records')
    const src = await datasetItems(ws, 'synthetic-cremad', { extractor: 'egemaps' })
    await closeFeaturePool()
    const split = planSplit(src, null, { seed: SEED, shots: SHOTS, sourceName: 'synthetic-cremad', targetName: null })
    for (const role of ['pretrain', 'validation', 'calibration', 'heldOut'] as const)
      if (JSON.stringify(split.roles[role]) !== JSON.stringify(card.speakers[role]))
        throw new Error(`the ${role} speakers differ from the card's: not the corpus this model was built from`)
    card.unfamiliarity = unfamiliarityOf(card.normaliser, src, null, split)
    ws.close()
    fs.writeFileSync(cardPath, JSON.stringify(card, null, 2))
    log(`unfamiliarity section of ${cardPath} rebuilt: ${JSON.stringify({ ...(card.unfamiliarity as object), reference: '...' })}`)
    fs.rmSync(scratch, { recursive: true, force: true })
    process.exit(0)
  }
  ws.close()
  log('training (features are extracted on first use)')
  const tmpOut = path.join(scratch, 'model')
  const r = await runTraining(
    {
      workspace: wsDir,
      source: 'synthetic-cremad',
      out: tmpOut,
      name: 'default',
      arch: 'mlp',
      loss: 'contrastive',
      epochs: 30,
      stepsPerEpoch: 50,
      shots: SHOTS,
      seed: SEED,
      createdAt: CREATED_AT,
    },
    (p) => p.epoch && p.epoch.epoch % 5 === 0 && log(`${p.message}: loss ${p.epoch.trainLoss.toFixed(4)} val acc ${p.epoch.valAccuracy?.toFixed(3)}`),
  )
  await closeFeaturePool()
  fs.mkdirSync(out, { recursive: true })
  for (const f of ['model.json', 'weights.bin', 'card.json', 'profile.json']) fs.copyFileSync(path.join(tmpOut, f), path.join(out, f))
  log(`default model written to ${out}: held-out ${r.card.heldOut ? describeEstimate(r.card.heldOut) : 'none'}`)
} finally {
  fs.rmSync(scratch, { recursive: true, force: true })
}
