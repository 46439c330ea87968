/**
 * The default experiment grid (MLP, one source, losses contrastive+distance, frozen
 * 0,1,2, shots 1,5,10,all, 4 folds x 3 seeds = 432 evaluations + 2 pre-trainings) on
 * a RAVDESS-sized target (24 speakers x 60 clips = 1440) and a CREMA-D-sized source
 * (91 speakers, 7442 clips), against the issue's target: well under an hour on a
 * 2-core laptop. Two parts, each either measured whole or measured on a sample and
 * extrapolated (every row says which):
 * 1. the grid: pre-training measured whole; the 432 evaluations measured on one
 *    (fold, seed) unit = 36 evaluations (every method and shots) and multiplied by 12.
 *    Runs on generated eGeMAPS-sized feature sets of exactly those sizes
 *    (services/model/synthetic.ts), so no audio has to be generated for it;
 * 2. import + eGeMAPS features: measured on generated audio corpora in the real
 *    layouts (default 6 CREMA-D actors + 4 RAVDESS actors), extrapolated per clip to
 *    7462 + 1440 clips (the generator's 91-actor CREMA-D has 7462).
 * SER_BENCH_EXPERIMENT=full instead generates both corpora at full size (cached under
 * the system temp folder; generation is not timed) and runs `runExperiment` end to end
 * with the default grid: nothing is extrapolated (expect tens of minutes on 2 cores).
 * `--quick`: a smaller audio sample and 4 pre-training epochs (extrapolated x5).
 */
import path from 'node:path'
import { syntheticCorpus } from '../test/helpers/corpora'
import { closeImportPool, importCorpus } from '../src-main/services/corpus/index'
import { closeFeaturePool } from '../src-main/services/features/index'
import { claimsText, expandGrid, makeConfig, openRunFolder, runExperiment, runGrid, type GridData } from '../src-main/services/experiment/index'
import { datasetItems } from '../src-main/services/model/data'
import { makeSyntheticCorpus } from '../src-main/services/model/synthetic'
import { makeRng } from '../src-main/services/model/sampling'
import { subset } from '../src-main/services/experiment/core'
import { openWorkspace } from '../src-main/services/store/workspace'
import type { BenchContext, BenchRow } from './harness'

const HOUR = 3600
const CLASSES = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgust'] // CREMA-D's six, all in RAVDESS too
const FULL_CLIPS = { cremad: 7462, ravdess: 1440 }

/** Feature sets of the real sizes: CREMA-D 91 speakers, 7442 clips; RAVDESS 24 speakers x 60 clips (6 shared classes: 44 each). */
function featureSets(): GridData {
  const src = makeSyntheticCorpus({ classes: CLASSES, speakers: 91, perSpeakerPerClass: 14, seed: 11, speakerPrefix: 'c' })
  const keep = makeRng('bench-trim')
  const idx = src.labels.map((_, i) => i).sort(() => keep() - 0.5).slice(0, 7442).sort((a, b) => a - b)
  // RAVDESS per actor: neutral 4, the other 7 emotions 8 each = 60; the 6 shared classes leave 4 + 5 x 8 = 44.
  const tgtAll = makeSyntheticCorpus({ classes: CLASSES, speakers: 24, perSpeakerPerClass: 8, seed: 12, speakerPrefix: 'r' })
  const seen = new Map<string, number>()
  const tIdx = tgtAll.labels.flatMap((l, i) => {
    const k = `${tgtAll.speakers[i]}|${l}`
    seen.set(k, (seen.get(k) ?? 0) + 1)
    return l === 'neutral' && seen.get(k)! > 4 ? [] : [i]
  })
  const target = subset(tgtAll, tIdx)
  const speakers = [...new Set(target.speakers)].sort()
  return { sources: [{ name: 'cremad', items: subset(src, idx) }], target, foldOf: new Map(speakers.map((s, i) => [s, i % 4])), classes: CLASSES, extractor: { name: 'egemaps', version: 'bench' } }
}

async function gridPart(ctx: BenchContext, rows: BenchRow[]): Promise<number> {
  const pretrainEpochs = ctx.quick ? 4 : 20
  const config = makeConfig({ sources: [{ name: 'cremad', ref: 'generated' }], target: { name: 'ravdess', ref: 'generated' }, pretrainEpochs })
  const tasks = expandGrid(config)
  const data = featureSets()
  ctx.log(`grid: ${tasks.length} evaluations; source ${data.sources[0].items.labels.length} clips / 91 speakers, target ${data.target.labels.length} clips / 24 speakers (6 shared classes)`)
  const run = openRunFolder(path.join(ctx.tmpDir, 'grid'), config, tasks.length)
  const sample = (t: { fold: number; seed: number }) => t.fold === 0 && t.seed === 1
  const t0 = performance.now()
  let tPre: number | null = null
  await runGrid(config, data, run, {
    only: sample,
    progress: (_f, m) => {
      if (tPre === null && /^\d+\/\d+: /.test(m)) tPre = performance.now()
    },
  })
  const t1 = performance.now()
  const pre = ((tPre ?? t1) - t0) / 1000
  const sampled = tasks.filter(sample).length
  const evalSec = (t1 - (tPre ?? t1)) / 1000
  const preFull = pre * (20 / pretrainEpochs)
  const evalFull = evalSec * (tasks.length / sampled)
  ctx.log(`pre-training 2 x ${pretrainEpochs} epochs: ${pre.toFixed(1)} s; ${sampled} evaluations: ${evalSec.toFixed(1)} s (${(evalSec / sampled).toFixed(2)} s each)`)
  rows.push({ name: `pre-training, 2 losses x up to 20 epochs x 50 steps (early stopping on held-out speakers) on 7442 clips (${ctx.quick ? `measured ${pretrainEpochs} epochs, x5` : 'measured'})`, value: preFull, unit: 's' })
  rows.push({ name: `${tasks.length} evaluations (measured ${sampled} = fold 0, seed 1; x${tasks.length / sampled})`, value: evalFull, unit: 's', note: `${(evalSec / sampled).toFixed(2)} s per evaluation` })
  return preFull + evalFull
}

async function audioPart(ctx: BenchContext, rows: BenchRow[]): Promise<number> {
  const [cremad, ravdess] = await Promise.all([
    syntheticCorpus('cremad', { speakers: ctx.quick ? 2 : 6 }),
    syntheticCorpus('ravdess', { speakers: ctx.quick ? 2 : 4 }),
  ])
  const ws = openWorkspace(path.join(ctx.tmpDir, 'ws-audio'))
  try {
    let clips = 0
    let audio = 0
    const t0 = performance.now()
    for (const [c, name] of [[cremad, 'cremad'], [ravdess, 'ravdess']] as const) {
      const r = await importCorpus(ws, c.dir, { name })
      clips += r.added
      audio += r.audioSec
      await datasetItems(ws, name, { extractor: 'egemaps', classes: CLASSES })
    }
    const sec = (performance.now() - t0) / 1000
    const full = (sec / clips) * (FULL_CLIPS.cremad + FULL_CLIPS.ravdess)
    ctx.log(`import + eGeMAPS of ${clips} clips (${audio.toFixed(0)} s of audio): ${sec.toFixed(1)} s = ${(audio / sec).toFixed(0)}x real time`)
    rows.push({ name: `import + eGeMAPS features, ${FULL_CLIPS.cremad} + ${FULL_CLIPS.ravdess} clips (measured ${clips} generated clips, per-clip extrapolation)`, value: full, unit: 's', note: `${(audio / sec).toFixed(0)}x real time on generated speech of ${(audio / clips).toFixed(1)} s per clip; scale by the real corpora's durations` })
    return full
  } finally {
    await closeImportPool()
    await closeFeaturePool()
    ws.close()
  }
}

async function fullRun(ctx: BenchContext): Promise<{ sec: number; what: string }> {
  const t0 = performance.now()
  const [cremad, ravdess] = await Promise.all([syntheticCorpus('cremad', { speakers: 91 }), syntheticCorpus('ravdess', { speakers: 24 })])
  ctx.log(`corpora: ${cremad.clips.length} + ${ravdess.clips.length} clips (ready in ${((performance.now() - t0) / 1000).toFixed(0)} s, not timed)`)
  const ws = openWorkspace(path.join(ctx.tmpDir, 'ws-full'))
  try {
    const t1 = performance.now()
    // One log line per phase, and at most one every 15 s within a phase.
    let last = { phase: '', at: 0 }
    const progress = (_f: number | null, m: string) => {
      const phase = m.replace(/[\d/%:(),.]+.*$/, '')
      const now = performance.now()
      if (phase !== last.phase || now - last.at > 15_000) {
        last = { phase, at: now }
        ctx.log(`${((now - t1) / 1000).toFixed(0).padStart(4)} s  ${m}`)
      }
    }
    const r = await runExperiment(ws, { sources: [{ name: 'cremad', ref: cremad.dir }], target: { name: 'ravdess', ref: ravdess.dir } }, { out: path.join(ctx.tmpDir, 'full'), progress })
    const sec = (performance.now() - t1) / 1000
    ctx.log(`\n${r.markdown}\n\n${claimsText(r.claims)}`)
    return { sec, what: `measured end to end: ${r.records.length} evaluations on ${cremad.clips.length} + ${ravdess.clips.length} generated clips, import and features included` }
  } finally {
    await closeImportPool()
    await closeFeaturePool()
    ws.close()
  }
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const full = process.env.SER_BENCH_EXPERIMENT === 'full'
  const measured = full ? await fullRun(ctx) : null
  const total = measured ? measured.sec : (await gridPart(ctx, rows)) + (await audioPart(ctx, rows))
  rows.push({
    name: `default MLP experiment, RAVDESS-sized target + CREMA-D-sized source: ${measured ? measured.what : 'total (partly extrapolated, see rows above)'}`,
    value: total,
    unit: 's',
    reference: { name: 'one hour', value: HOUR },
    ratio: total / HOUR,
    target: { op: '<=', value: 1, of: 'ratio' },
    note: full ? undefined : 'SER_BENCH_EXPERIMENT=full measures it end to end on generated audio corpora of those sizes',
  })
  return rows
}
