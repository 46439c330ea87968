/**
 * Does training train, and is tuning informative? (issue 19 items 4-6; docs/method.md)
 *
 *   npx tsx scripts/training-health.ts read DIR            # a finished `ser experiment` folder (results.json)
 *   npx tsx scripts/training-health.ts synthetic DIR [SEED] # the default grid's arms on generated feature sets
 *
 * `synthetic` runs a plan whose arms are the default grid's (contrastive x distance crossed,
 * frozen 0 and 1, shots 1, 5 and all, fine-tuning 30 x 10 steps) on generated feature sets
 * (model/synthetic.ts: a 16-speaker, 6-class source and a 12-speaker target, the sizes of the
 * `ser synth` corpora of docs/experiments.md), with fewer bases, folds and draws than the
 * default so that it runs in minutes. Both print, per arm and base group, "stopped training:
 * a of n", the arms above 10%, each loss's tuning conclusion and the bases' early stopping.
 */
import fs from 'node:fs'
import path from 'node:path'
import { gridSize, makeConfig, openPlanFolder, provideFeatures, runPlan, taskContext, writeOutputs } from '../src-main/services/experiment/index'
import { makeSyntheticCorpus } from '../src-main/services/model/synthetic'
import type { LossTuning, PretrainRecord } from '../src-shared/contract/experiments'
import type { TrainingHealth } from '../src-main/services/experiment/training-health'

const CLASSES = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgust']

function print(dir: string): void {
  const r = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as {
    training: TrainingHealth
    meta: { losses: LossTuning[] }
    pretraining: PretrainRecord[]
    records: unknown[]
  }
  console.log(`${dir}: ${r.records.length} records`)
  for (const row of r.training.rows) console.log(`  ${row.arm}: stopped training: ${row.stopped} of ${row.n}`)
  console.log(`  above 10%: ${r.training.flagged.length ? r.training.flagged.join('; ') : 'none'}`)
  for (const t of r.meta.losses) console.log(`  tuning ${t.source}/${t.loss}: ${t.note ?? '(no note)'}; chosen ${JSON.stringify(t.chosen)}`)
  for (const b of r.pretraining)
    console.log(
      `  base ${b.source}/${b.pretrain_loss}/s${b.pretrain_seed}: ${b.epochs} epochs, best ${b.best_epoch}, rule ${JSON.stringify(b.early_stopping ?? null)}`,
    )
  console.log(`  bases with best epoch 1: ${r.training.bestEpochOne.length ? r.training.bestEpochOne.join('; ') : 'none'}`)
}

async function synthetic(dir: string, seed: number): Promise<void> {
  const config = makeConfig({
    sources: [{ name: 'src', ref: 'generated' }], target: { name: 'tgt', ref: 'generated' },
    pretrainSeeds: 1, folds: 2, seeds: 1, pretrainEpochs: 6, stepsPerEpoch: 20, tuneBudget: 3, tuneEpochs: 3,
  })
  const { plan, outDir } = openPlanFolder(dir, config, gridSize(config).evaluations)
  provideFeatures(
    taskContext(outDir, plan),
    [
      { corpus: 'src', role: 'source', items: makeSyntheticCorpus({ classes: CLASSES, speakers: 16, perSpeakerPerClass: 12, seed, speakerPrefix: 's' }) },
      {
        corpus: 'tgt',
        role: 'target',
        items: makeSyntheticCorpus({ classes: CLASSES, speakers: 12, perSpeakerPerClass: 8, seed: seed + 100, speakerPrefix: 't' }),
      },
    ],
    { name: 'egemaps', version: 'generated' },
  )
  await runPlan(outDir, plan)
  await writeOutputs(outDir)
}

const [mode, dir, seed] = process.argv.slice(2)
if (mode === 'synthetic' && dir) {
  await synthetic(dir, Number(seed ?? 1))
  print(dir)
} else if (mode === 'read' && dir) print(dir)
else {
  console.error('usage: training-health.ts read DIR | synthetic DIR [SEED]')
  process.exit(2)
}
