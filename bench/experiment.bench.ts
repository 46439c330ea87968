/**
 * The default experiment grid (MLP, one source, losses contrastive x distance crossed,
 * 5 pre-training seeds per loss, frozen 0,1, shots 1,5,all, 5 folds x 1 support draw, the
 * recommended arm: 945 evaluations, 10 bases, 2 tunings) on a RAVDESS-sized target (24 speakers
 * x 60 clips = 1440) and a CREMA-D-sized source (91 speakers, 7442 clips), against the issue's
 * target: under 30 minutes on 2 cores. The estimate mode (below) predates today's default and
 * samples the grid of its time (sizes from gridSize). Two parts, each either measured whole or
 * measured on a sample and extrapolated (every row says which):
 * 1. the plan's tasks on generated eGeMAPS-sized feature sets of exactly those sizes
 *    (services/model/synthetic.ts), so no audio has to be generated for it: the tune
 *    tasks measured whole; pre-training measured on the seed-1 base of each loss and
 *    multiplied by 3; the evaluate tasks measured on fold 0, draw 1 (the target task and
 *    the seed-1 bases' tasks of every shots value) and multiplied per kind of task;
 * 2. import + eGeMAPS features: measured on generated audio corpora in the real layouts
 *    (default 6 CREMA-D actors + 4 RAVDESS actors), extrapolated per clip to 7462 + 1440
 *    clips (the generator's 91-actor CREMA-D has 7462).
 *
 * That estimate runs only with SER_BENCH_EXPERIMENT=estimate. By default the bench measures
 * the whole thing: it generates a CREMA-D-sized source (91 speakers) and a RAVDESS-sized
 * target (24 speakers) once (cached under the system temp folder; generation is not timed),
 * runs `runExperiment` end to end with the default MLP grid (import and features included)
 * and prints the wall time with the load average (before, the highest 1-min figure sampled
 * every 10 s during the run, and after); target: under 30 minutes on 2 cores. Then the CNN on
 * a smaller grid (CNN_GRID below, stated in the row) over the same corpora, and the ratio of
 * the CNN's time per evaluation to the MLP's.
 * Smaller validation runs state their size in every row (and are not held to the target):
 * SER_BENCH_SOURCE_SPEAKERS / SER_BENCH_TARGET_SPEAKERS (default 91 / 24), SER_BENCH_GRID
 * (JSON merged into the MLP grid, e.g. '{"pretrainSeeds":1,"folds":2}'), SER_BENCH_CNN_GRID
 * (the same for the CNN grid), SER_BENCH_CNN=0 (skip the CNN grid).
 * `--quick`: the estimate's smaller audio sample and 4 pre-training epochs (extrapolated x5).
 */
import os from 'node:os'
import path from 'node:path'
import { syntheticCorpus } from '../test/helpers/corpora'
import { closeImportPool, importCorpus } from '../src-main/services/corpus/index'
import { closeFeaturePool } from '../src-main/services/features/index'
import type { ExperimentConfigInput } from '../src-shared/contract/experiments'
import {
  claimsText,
  gridSize,
  makeConfig,
  openPlanFolder,
  provideFeatures,
  runExperiment,
  runTask,
  subset,
  taskContext,
} from '../src-main/services/experiment/index'
import { datasetItems } from '../src-main/services/model/data'
import { makeSyntheticCorpus } from '../src-main/services/model/synthetic'
import { makeRng } from '../src-main/services/model/sampling'
import type { ItemSet } from '../src-main/services/model/types'
import { openWorkspace } from '../src-main/services/store/workspace'
import { withinReference, type BenchContext, type BenchRow } from './harness'

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
  provideFeatures(
    tctx,
    [
      { corpus: 'cremad', role: 'source', items: data.source },
      { corpus: 'ravdess', role: 'target', items: data.target },
    ],
    { name: 'egemaps', version: 'bench' },
  )
  ctx.log(
    `grid: ${plan.tasks.length} tasks, ${size.evaluations} evaluations; source ${data.source.labels.length} clips / 91 speakers, ` +
      `target ${data.target.labels.length} clips / 24 speakers (6 shared classes)`,
  )
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
  ctx.log(
    `tuning ${stage('tune').length} losses: ${tune.toFixed(1)} s; pre-training ${pre1.length} of ${stage('pretrain').length} bases: ` +
      `${(pre / 3).toFixed(1)} s; ${sampled.length} of ${evalIds.length} evaluate tasks: ${(tTarget + tBase).toFixed(1)} s`,
  )
  rows.push({ name: `tuning, ${stage('tune').length} losses x ${config.tuneBudget} trials (measured)`, value: tune, unit: 's' })
  rows.push({
    name:
      `pre-training, ${stage('pretrain').length} bases x up to 20 epochs x 50 steps (measured ` +
      `${pre1.length}${ctx.quick ? ` at ${pretrainEpochs} epochs, x5` : ''}, x${stage('pretrain').length / pre1.length})`,
    value: pre,
    unit: 's',
  })
  rows.push({
    name:
      `${size.evaluations} evaluations in ${evalIds.length} tasks (measured ${sampled.length} tasks = fold 0, draw 1, base seed 1; ` +
      `extrapolated per kind of task)`,
    value: evalFull,
    unit: 's',
  })
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
    rows.push({
      name: `import + eGeMAPS features, ${FULL_CLIPS.cremad} + ${FULL_CLIPS.ravdess} clips (measured ${clips} generated clips, per-clip extrapolation)`,
      value: full,
      unit: 's',
      note: `${(audio / sec).toFixed(0)}x real time on generated speech of ${(audio / clips).toFixed(1)} s per clip; scale by the real corpora's durations`,
    })
    return full
  } finally {
    await closeImportPool()
    await closeFeaturePool()
    ws.close()
  }
}

/** The CNN's smaller grid: one loss, one base, frozen 0, 5 shots, 2 folds x 1 draw (stated in its row). */
export const CNN_GRID = {
  model: 'cnn',
  losses: ['contrastive'],
  pretrainSeeds: 1,
  frozen: [0],
  shots: [5],
  folds: 2,
  seeds: 1,
  tuneBudget: 2,
} as const satisfies Partial<ExperimentConfigInput>

interface GridRun {
  sec: number
  evaluations: number
  load: { before: number; max: number; after: number }
}

function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name])
  return Number.isInteger(v) && v > 0 ? v : fallback
}

const loadText = (l: GridRun['load']) =>
  `1-min load ${l.before.toFixed(1)} before, ${l.max.toFixed(1)} highest during, ${l.after.toFixed(1)} after (${os.cpus().length} cores)`

async function timedGrid(ctx: BenchContext, ws: ReturnType<typeof openWorkspace>, input: ExperimentConfigInput, out: string, label: string): Promise<GridRun> {
  const before = os.loadavg()[0]
  let max = before
  const sampler = setInterval(() => (max = Math.max(max, os.loadavg()[0])), 10_000)
  const t1 = performance.now()
  // One log line per phase, and at most one every 15 s within a phase.
  let last = { phase: '', at: 0 }
  const progress = (_f: number | null, m: string) => {
    const phase = m.replace(/[\d/%:(),.]+.*$/, '')
    const now = performance.now()
    if (phase !== last.phase || now - last.at > 15_000) {
      last = { phase, at: now }
      ctx.log(`${label} ${((now - t1) / 1000).toFixed(0).padStart(5)} s  ${m}  (load ${os.loadavg()[0].toFixed(1)})`)
    }
  }
  try {
    const r = await runExperiment(ws, input, { out, progress })
    const sec = (performance.now() - t1) / 1000
    ctx.log(`\n${r.markdown}\n\n${claimsText(r.claims, r.headline)}`)
    return { sec, evaluations: r.records.length, load: { before, max: Math.max(max, os.loadavg()[0]), after: os.loadavg()[0] } }
  } finally {
    clearInterval(sampler)
  }
}

async function fullRun(ctx: BenchContext, rows: BenchRow[]): Promise<void> {
  const srcN = envInt('SER_BENCH_SOURCE_SPEAKERS', 91)
  const tgtN = envInt('SER_BENCH_TARGET_SPEAKERS', 24)
  const grid = JSON.parse(process.env.SER_BENCH_GRID ?? '{}') as Partial<ExperimentConfigInput>
  const fullSize = srcN === 91 && tgtN === 24 && Object.keys(grid).length === 0
  const t0 = performance.now()
  const [cremad, ravdess] = await Promise.all([syntheticCorpus('cremad', { speakers: srcN }), syntheticCorpus('ravdess', { speakers: tgtN })])
  ctx.log(
    `corpora: ${cremad.clips.length} clips / ${srcN} speakers + ${ravdess.clips.length} clips / ${tgtN} speakers (ready in ` +
      `${((performance.now() - t0) / 1000).toFixed(0)} s, cached, not timed)`,
  )
  const ws = openWorkspace(path.join(ctx.tmpDir, 'ws-full'))
  const corpora = { sources: [{ name: 'cremad', ref: cremad.dir }], target: { name: 'ravdess', ref: ravdess.dir } }
  const sizes = `${cremad.clips.length} + ${ravdess.clips.length} generated clips (${srcN} + ${tgtN} speakers)`
  try {
    const mlp = await timedGrid(ctx, ws, { ...corpora, ...grid }, path.join(ctx.tmpDir, 'full-mlp'), 'mlp')
    const stated = Object.keys(grid).length ? `grid = default + ${JSON.stringify(grid)}` : 'default grid'
    rows.push({
      name:
        `MLP experiment end to end (${stated}; ${mlp.evaluations} evaluations; import + eGeMAPS + tuning + training + evaluation) ` +
        `on ${sizes}${fullSize ? '' : ': REDUCED size, not the target measurement'}`,
      value: mlp.sec,
      unit: 's',
      ...(fullSize
        ? { reference: { name: '30 minutes', value: 1800 }, ratio: mlp.sec / 1800, target: { op: '<=' as const, value: 1, of: 'ratio' as const } }
        : {}),
      note: loadText(mlp.load),
    })
    if (process.env.SER_BENCH_CNN === '0') return
    const cnnGrid = { ...CNN_GRID, ...(JSON.parse(process.env.SER_BENCH_CNN_GRID ?? '{}') as Partial<ExperimentConfigInput>) }
    const cnn = await timedGrid(ctx, ws, { ...corpora, ...cnnGrid }, path.join(ctx.tmpDir, 'full-cnn'), 'cnn')
    rows.push({
      name: `CNN experiment end to end (smaller grid ${JSON.stringify(cnnGrid)}; ${cnn.evaluations} evaluations; log-mel features included) on ${sizes}`,
      value: cnn.sec,
      unit: 's',
      note: loadText(cnn.load),
    })
    const per = (g: GridRun) => g.sec / Math.max(1, g.evaluations)
    rows.push({
      name:
        "time per evaluation, CNN grid / MLP grid (each grid's wall time over its evaluations; the grids differ, " +
        'so this includes their different shares of tuning and pre-training)',
      value: per(cnn) / per(mlp),
      unit: 'x',
      note: `MLP ${per(mlp).toFixed(2)} s, CNN ${per(cnn).toFixed(2)} s per evaluation`,
    })
  } finally {
    await closeImportPool()
    await closeFeaturePool()
    ws.close()
  }
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  if (process.env.SER_BENCH_EXPERIMENT === 'estimate') {
    const total = (await gridPart(ctx, rows)) + (await audioPart(ctx, rows))
    rows.push(
      withinReference(
        'default MLP experiment, RAVDESS-sized target + CREMA-D-sized source: total (partly extrapolated, see rows above)',
        total,
        's',
        { name: '30 minutes', value: 1800 },
        'an estimate; without SER_BENCH_EXPERIMENT=estimate the bench measures it end to end',
      ),
    )
    return rows
  }
  await fullRun(ctx, rows)
  return rows
}
