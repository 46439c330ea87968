/**
 * The grid on feature sets already in memory (ItemSets): pre-train once per source x
 * loss, then for every fold, seed and shots draw one support set from the training
 * folds' speakers and evaluate every method on the test fold's speakers with it.
 * Each finished task is appended to the run folder before the next starts, so an
 * interrupted run resumes at the first unfinished task. No workspace, no audio: the
 * bench and the tests drive this directly with generated feature sets.
 */
import fs from 'node:fs'
import path from 'node:path'
import { initBackend } from '../engine/backend'
import { throwIfCancelled } from '../jobs/registry'
import { defaultArchitecture } from '../model/networks'
import { makeRng, selectShots } from '../model/sampling'
import { buildProfile, predict } from '../model/inference'
import { embedAll, finetune, pretrain, trainOnTargetOnly, defaultTrainConfig, type TrainedModel } from '../model/train'
import { softmaxBaseline } from '../model/softmax'
import { loadModel, saveModel } from '../model/storage'
import { makeCard } from '../model/card'
import type { Architecture, ItemSet, LossConfig, TrainConfig } from '../model/types'
import type { CurvePoint, EmbeddingMap, ExperimentConfig, ResultRecord } from '../../../src-shared/contract/experiments'
import { expandGrid, type Task } from './grid'
import { classificationMetrics } from './metrics'
import { pca2 } from '../model/pca'
import { appendRecord, type OpenedRun } from './state'
import { writeAtomic } from './results'

export interface GridData {
  sources: { name: string; items: ItemSet }[]
  target: ItemSet
  /** The fold of each target speaker (speaker-independent folds). */
  foldOf: Map<string, number>
  classes: string[]
  extractor: { name: 'egemaps' | 'logmel'; version: string }
}

export interface GridProgress {
  signal?: AbortSignal
  progress?(fraction: number, message: string): void
  /** Runs only the tasks this accepts (the bench times a sample of the grid); the others stay undone. */
  only?(task: Task): boolean
}

export function lossConfig(name: 'contrastive' | 'distance'): LossConfig {
  // Margins as in services/model/run.ts: contrastive 1 (Hadsell et al.), distance 0.5 with t = 0.1.
  return { name, margin: name === 'contrastive' ? 1 : 0.5, temperature: 0.1 }
}

export function subset(d: ItemSet, idx: number[]): ItemSet {
  const per = d.itemShape.reduce((a, b) => a * b, 1)
  const x = new Float32Array(idx.length * per)
  idx.forEach((i, r) => x.set(d.x.subarray(i * per, (i + 1) * per), r * per))
  return { x, itemShape: d.itemShape, labels: idx.map((i) => d.labels[i]), speakers: idx.map((i) => d.speakers[i]) }
}

/**
 * Training data from the support set. A class with a single clip gets one jittered copy
 * (each feature + N(0, (0.05 sd of that feature in the pool)^2)) so the contrastive loss
 * has a same-class pair; every method sees the same training data. Support embeddings
 * for the prototypes use the original clips only.
 */
export function trainingSet(support: ItemSet, pool: ItemSet, seed: string): ItemSet {
  const counts = new Map<string, number>()
  for (const l of support.labels) counts.set(l, (counts.get(l) ?? 0) + 1)
  const single = support.labels.map((l, i) => (counts.get(l) === 1 ? i : -1)).filter((i) => i >= 0)
  if (single.length === 0) return support
  const per = support.itemShape.reduce((a, b) => a * b, 1)
  const n = pool.labels.length
  const sdv = new Float32Array(per)
  for (let k = 0; k < per; k++) {
    let m = 0
    let s = 0
    for (let i = 0; i < n; i++) m += pool.x[i * per + k]
    m /= n
    for (let i = 0; i < n; i++) s += (pool.x[i * per + k] - m) ** 2
    sdv[k] = Math.sqrt(s / Math.max(1, n - 1))
  }
  const rng = makeRng(`jitter-${seed}`)
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng())
  const x = new Float32Array((support.labels.length + single.length) * per)
  x.set(support.x)
  single.forEach((i, r) => {
    const o = (support.labels.length + r) * per
    for (let k = 0; k < per; k++) x[o + k] = support.x[i * per + k] + 0.05 * sdv[k] * gauss()
  })
  return { x, itemShape: support.itemShape, labels: [...support.labels, ...single.map((i) => support.labels[i])], speakers: [...support.speakers, ...single.map((i) => support.speakers[i])] }
}

/**
 * The softmax baseline takes vectors: a spectrogram item [frames, bands] becomes each
 * band's mean and sd over the frames (2 x bands values); vectors pass through.
 */
export function asVectors(d: ItemSet): ItemSet {
  if (d.itemShape.length === 1) return d
  const bands = d.itemShape[d.itemShape.length - 1]
  const per = d.itemShape.reduce((a, b) => a * b, 1)
  const frames = per / bands
  const n = d.labels.length
  const x = new Float32Array(n * 2 * bands)
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < bands; b++) {
      let m = 0
      let q = 0
      for (let f = 0; f < frames; f++) {
        const v = d.x[i * per + f * bands + b]
        m += v
        q += v * v
      }
      m /= frames
      x[i * 2 * bands + b] = m
      x[i * 2 * bands + bands + b] = Math.sqrt(Math.max(0, q / frames - m * m))
    }
  }
  return { x, itemShape: [2 * bands], labels: d.labels, speakers: d.speakers }
}

function weightedLayers(arch: Architecture): number {
  return arch.kind === 'mlp' ? arch.hidden.length + 1 : arch.channels.length + 1
}

/** The task whose fine-tuned embeddings the report maps in 2-D. */
export function mapTask(config: ExperimentConfig): Omit<Task, 'key'> | null {
  if (!config.sources.length) return null
  return { method: 'finetune', source: config.sources[0].name, loss: config.losses[config.losses.length - 1], frozen: config.frozen[0], shots: config.shots[config.shots.length - 1], fold: 0, seed: 1 }
}

export async function runGrid(config: ExperimentConfig, data: GridData, run: OpenedRun, ctl: GridProgress = {}): Promise<{ records: ResultRecord[]; curves: CurvePoint[] }> {
  const signal = ctl.signal ?? new AbortController().signal
  const say = ctl.progress ?? (() => {})
  await initBackend()
  const arch = defaultArchitecture(config.model, data.target.itemShape)
  const layers = weightedLayers(arch)
  const tooMany = config.frozen.filter((f) => f >= layers)
  if (tooMany.length) throw new Error(`the ${config.model} has ${layers} weighted layers; frozen ${tooMany.join(', ')} would leave nothing to fine-tune (use 0..${layers - 1})`)
  const tasks = expandGrid(config)
  const todo = tasks.filter((t) => !run.done.has(t.key) && (ctl.only?.(t) ?? true))
  const needPre = new Set(todo.filter((t) => t.method === 'finetune').map((t) => `${t.source}|${t.loss}`))
  const preUnits = config.sources.length * config.losses.length
  const totalUnits = preUnits * 10 + tasks.length
  let doneUnits = run.done.size
  const fraction = () => Math.min(1, doneUnits / totalUnits)
  const curves: CurvePoint[] = []
  const bases = new Map<string, TrainedModel>()
  const ft: Partial<TrainConfig> = { validationSpeakers: 0, epochs: config.finetuneEpochs, stepsPerEpoch: config.finetuneSteps, patience: 0 }

  // 1. Pre-training, once per source x loss (seed 1), saved in the run folder and reused on resume.
  for (const src of data.sources) {
    for (const lossName of config.losses) {
      throwIfCancelled(signal)
      const dir = path.join(run.outDir, 'pretrained', `${src.name}-${lossName}`)
      const histFile = path.join(dir, 'history.json')
      const key = `${src.name}|${lossName}`
      if (fs.existsSync(path.join(dir, 'card.json')) && fs.existsSync(histFile)) {
        if (needPre.has(key)) bases.set(key, (await loadModel(dir)).model)
      } else if (needPre.has(key)) {
        say(fraction(), `pre-training on ${src.name} with the ${lossName} loss`)
        const cfg = defaultTrainConfig(arch, { epochs: config.pretrainEpochs, stepsPerEpoch: config.stepsPerEpoch, loss: lossConfig(lossName), seed: 1 })
        const base = await pretrain(src.items, cfg, {
          signal,
          checkpointDir: path.join(run.outDir, 'pretrained', `.ckpt-${src.name}-${lossName}`),
          onEpoch: (e) => say(Math.min(1, (doneUnits + (10 * e.epoch) / e.epochs) / totalUnits), `pre-training on ${src.name} (${lossName}): epoch ${e.epoch}/${e.epochs}, loss ${e.trainLoss.toFixed(4)}`),
        })
        await saveModel(dir, base, await makeCard(base, { name: `pretrained-${src.name}-${lossName}`, extractor: data.extractor, sourceCorpus: src.name }))
        writeAtomic(histFile, JSON.stringify(base.history))
        fs.rmSync(path.join(run.outDir, 'pretrained', `.ckpt-${src.name}-${lossName}`), { recursive: true, force: true })
        bases.set(key, base)
      }
      if (fs.existsSync(histFile)) {
        const hist = JSON.parse(fs.readFileSync(histFile, 'utf8')) as { epoch: number; trainLoss: number; valAccuracy: number | null }[]
        curves.push(...hist.map((h) => ({ source: src.name, loss: lossName, epoch: h.epoch, trainLoss: h.trainLoss, valAccuracy: h.valAccuracy })))
      }
      doneUnits += 10
    }
  }

  // 2. The grid: one support set per (fold, seed, shots), shared by every method.
  const target = data.target
  const mapT = mapTask(config)
  const groups = new Map<string, Task[]>()
  for (const t of todo) {
    const g = `${t.fold}|${t.seed}|${t.shots}`
    groups.set(g, [...(groups.get(g) ?? []), t])
  }
  const folds = target.speakers.map((s) => {
    const f = data.foldOf.get(s)
    if (f === undefined) throw new Error(`target speaker ${s} has no fold`)
    return f
  })
  for (const group of groups.values()) {
    const { fold, seed, shots } = group[0]
    const testIdx = folds.flatMap((f, i) => (f === fold ? [i] : []))
    const poolIdx = folds.flatMap((f, i) => (f !== fold ? [i] : []))
    if (!testIdx.length || !poolIdx.length) throw new Error(`fold ${fold} leaves an empty ${testIdx.length ? 'training' : 'test'} set`)
    const supIdx = shots === 'all' ? poolIdx : selectShots(makeRng(`support-${fold}-${seed}-${shots}`), target.labels, poolIdx, shots)
    const support = subset(target, supIdx)
    const train = trainingSet(support, subset(target, poolIdx), `${fold}-${seed}-${shots}`)
    const test = subset(target, testIdx)
    const trainSpeakers = [...new Set(support.speakers)].sort()
    const testSpeakers = [...new Set(test.speakers)].sort()
    for (const t of group) {
      throwIfCancelled(signal)
      const label = `${t.method}${t.source ? ` from ${t.source}` : ''}${t.loss ? `, ${t.loss}` : ''}${t.frozen !== null ? `, frozen ${t.frozen}` : ''}, ${shots} shots, fold ${fold}, seed ${seed}`
      say(fraction(), `${doneUnits - preUnits * 10 + 1}/${tasks.length}: ${label}`)
      const t0 = performance.now()
      let predicted: string[]
      if (t.method === 'softmax') {
        const steps = Math.ceil(train.labels.length / 32)
        const m = await softmaxBaseline(asVectors(train), { seed, epochs: Math.max(20, Math.min(100, Math.ceil(1500 / steps))) })
        predicted = m.predict(asVectors(test))
        m.dispose()
      } else {
        const loss = lossConfig(t.loss!)
        const model =
          t.method === 'target_only'
            ? await trainOnTargetOnly(arch, train, { shots: null, loss, seed, overrides: ft }, { signal })
            : await finetune(bases.get(`${t.source}|${t.loss}`)!, train, { frozenLayers: t.frozen!, shots: null, loss, seed, overrides: ft }, { signal })
        const profile = buildProfile(model, support)
        predicted = predict(model, profile, test).map((p) => p.top)
        if (mapT && (Object.keys(mapT) as (keyof typeof mapT)[]).every((k) => mapT[k] === t[k])) writeEmbeddingMap(run.outDir, model, support, test, label)
        model.net.dispose()
      }
      const m = classificationMetrics(data.classes, test.labels, predicted)
      const record: ResultRecord = {
        method: t.method, source: t.source, loss: t.loss, frozen: t.frozen, shots, fold, seed, model: config.model,
        classes: data.classes, n_support: support.labels.length, n_test: test.labels.length,
        accuracy: m.accuracy, uar: m.uar, macro_f1: m.macroF1,
        train_speakers: trainSpeakers, test_speakers: testSpeakers, confusion: m.confusion,
        seconds: (performance.now() - t0) / 1000,
      }
      appendRecord(run.outDir, t.key, record)
      run.done.set(t.key, record)
      doneUnits++
    }
  }
  for (const b of bases.values()) b.net.dispose()
  say(1, `${tasks.length} evaluations done`)
  return { records: tasks.map((t) => run.done.get(t.key)!).filter(Boolean), curves }
}

function writeEmbeddingMap(outDir: string, model: TrainedModel, support: ItemSet, test: ItemSet, label: string): void {
  const x = new Float32Array(support.x.length + test.x.length)
  x.set(support.x)
  x.set(test.x, support.x.length)
  const both: ItemSet = { x, itemShape: support.itemShape, labels: [...support.labels, ...test.labels], speakers: [...support.speakers, ...test.speakers] }
  const emb = embedAll(model, both)
  const xy = pca2(emb, both.labels.length, model.net.embeddingDim)
  const map: EmbeddingMap = {
    title: label,
    method: 'PCA of the fine-tuned embeddings of the support and test clips',
    points: both.labels.map((e, i) => ({ x: xy[2 * i], y: xy[2 * i + 1], emotion: e, speaker: both.speakers[i], role: i < support.labels.length ? 'support' : 'test' })),
  }
  writeAtomic(path.join(outDir, 'embeddings.json'), JSON.stringify(map))
}
