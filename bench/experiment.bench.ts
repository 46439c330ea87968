/**
 * The default experiment grid (MLP, one source, losses contrastive x distance crossed,
 * 3 pre-training seeds, frozen 0,1, shots 1,5,all, 4 folds x 2 support draws = 768
 * evaluations, 6 bases, 2 tunings) on a RAVDESS-sized target (24 speakers x 60 clips =
 * 1440) and a CREMA-D-sized source (91 speakers, 7442 clips), against the issue's target:
 * under an hour on 2 cores. Two parts, each either measured whole or measured on a sample
 * and extrapolated (every row says which):
 * 1. the plan's tasks on generated eGeMAPS-sized feature sets of exactly those sizes
 *    (services/model/synthetic.ts), so no audio has to be generated for it: the tune
 *    tasks measured whole; pre-training measured on the seed-1 base of each loss and
 *    multiplied by 3; the evaluate tasks measured on fold 0, draw 1 (the target task and
 *    the seed-1 bases' tasks of every shots value) and multiplied per kind of task;
 * 2. import + eGeMAPS features: measured on generated audio corpora in the real layouts
 *    (default 6 CREMA-D actors + 4 RAVDESS actors), extrapolated per clip to 7462 + 1440
 *    clips (the generator's 91-actor CREMA-D has 7462).
 * SER_BENCH_EXPERIMENT=full instead generates both corpora at full size (cached under
 * the system temp folder; generation is not timed) and runs `runExperiment` end to end
 * with the default grid: nothing is extrapolated.
 * `--quick`: a smaller audio sample and 4 pre-training epochs (extrapolated x5).
 */
import path from 'node:path'
import { syntheticCorpus } from '../test/helpers/corpora'
import { closeImportPool, importCorpus } from '../src-main/services/corpus/index'
import { closeFeaturePool } from '../src-main/services/features/index'
import { claimsText, gridSize, makeConfig, openPlanFolder, provideFeatures, runExperiment, runTask, subset, taskContext } from '../src-main/services/experiment/index'
import { datasetItems } from '../src-main/services/model/data'
import { makeSyntheticCorpus } from '../src-main/services/model/synthetic'
import { makeRng } from '../src-main/services/model/sampling'
import type { ItemSet } from '../src-main/services/model/types'
import { openWorkspace } from '../src-main/services/store/workspace'
import type { BenchContext, BenchRow } from './harness'

const HOUR = 3600
const CLASSES = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgust'] // CREMA-D's six, all in RAVDESS too
const FULL_CLIPS = { cremad: 7462, ravdess: 1440 }

/** Feature sets of the real sizes: CREMA-D 91 speakers, 7442 clips; RAVDESS 24 speakers x 60 clips (6 shared classes: 44 each). */
function featureSets(): { source: ItemSet; target: ItemSet } {
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
  return { source: subset(src, idx), target: subset(tgtAll, tIdx) }
}

async function gridPart(ctx: BenchContext, rows: BenchRow[]): Promise<number> {
  const pretrainEpochs = ctx.quick ? 4 : 20
  const config = makeConfig({ sources: [{ name: 'cremad', ref: 'generated' }], target: { name: 'ravdess', ref: 'generated' }, pretrainEpochs })
  const size = gridSize(config)
  const { plan, outDir } = openPlanFolder(path.join(ctx.tmpDir, 'grid'), config, size.evaluations)
  const tctx = taskContext(outDir, plan)
  const data = featureSets()
  provideFeatures(tctx, [{ corpus: 'cremad', role: 'source', items: data.source }, { corpus: 'ravdess', role: 'target', items: data.target }], { name: 'egemaps', version: 'bench' })
  ctx.log(`grid: ${plan.tasks.length} tasks, ${size.evaluations} evaluations; source ${data.source.labels.length} clips / 91 speakers, target ${data.target.labels.length} clips / 24 speakers (6 shared classes)`)
  const timed = async (ids: string[]) => {
    const t0 = performance.now()
    for (const id of ids) await runTask(tctx, id)
    return (performance.now() - t0) / 1000
  }
  const stage = (name: string) => plan.stages.find((s) => s.name === name)!.tasks
  const tune = await timed(stage('tune'))
  const pre1 = stage('pretrain').filter((id) => id.endsWith('/s1'))
  const pre = (await timed(pre1)) * (stage('pretrain').length / pre1.length) * (20 / pretrainEpochs)
  const evalIds = stage('evaluate')
  const isTarget = (id: string) => id.startsWith('evaluate/target/')
  const sampled = evalIds.filter((id) => /\/f0\/r1\//.test(id) && (isTarget(id) || /\/s1\/f0\//.test(id)))
  const tTarget = await timed(sampled.filter(isTarget))
  const tBase = await timed(sampled.filter((id) => !isTarget(id)))
  const nT = evalIds.filter(isTarget).length
  const evalFull = tTarget * (nT / sampled.filter(isTarget).length) + tBase * ((evalIds.length - nT) / sampled.filter((id) => !isTarget(id)).length)
  ctx.log(`tuning ${stage('tune').length} losses: ${tune.toFixed(1)} s; pre-training ${pre1.length} of ${stage('pretrain').length} bases: ${(pre / 3).toFixed(1)} s; ${sampled.length} of ${evalIds.length} evaluate tasks: ${(tTarget + tBase).toFixed(1)} s`)
  rows.push({ name: `tuning, ${stage('tune').length} losses x ${config.tuneBudget} trials (measured)`, value: tune, unit: 's' })
  rows.push({ name: `pre-training, ${stage('pretrain').length} bases x up to 20 epochs x 50 steps (measured ${pre1.length}${ctx.quick ? ` at ${pretrainEpochs} epochs, x5` : ''}, x${stage('pretrain').length / pre1.length})`, value: pre, unit: 's' })
  rows.push({ name: `${size.evaluations} evaluations in ${evalIds.length} tasks (measured ${sampled.length} tasks = fold 0, draw 1, base seed 1; extrapolated per kind of task)`, value: evalFull, unit: 's' })
  return tune + pre + evalFull
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
    ctx.log(`\n${r.markdown}\n\n${claimsText(r.claims, r.headline)}`)
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
