import path from 'node:path'
import type { Command } from 'commander'
import { initBackend } from '../../services/engine/backend'
import { EXTRACTOR_VERSION } from '../../services/features/index'
import { datasetItems } from '../../services/model/data'
import { buildProfile, calibrate, evaluateProfile } from '../../services/model/inference'
import { makeRng, selectShots, speakerSplit } from '../../services/model/sampling'
import { loadModel } from '../../services/model/storage'
import type { ItemSet } from '../../services/model/types'
import { output, withWorkspace, type GlobalOptions } from '../context'

function subset(d: ItemSet, idx: number[]): ItemSet {
  const per = d.itemShape.reduce((a, b) => a * b, 1)
  const x = new Float32Array(idx.length * per)
  idx.forEach((i, r) => x.set(d.x.subarray(i * per, (i + 1) * per), r * per))
  return { x, itemShape: d.itemShape, labels: idx.map((i) => d.labels[i]), speakers: idx.map((i) => d.speakers[i]) }
}

const stats = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length
  return { mean: m, std: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length) }
}

/** `ser evaluate --model M --dataset D`: few-shot, speaker-independent evaluation (accuracy, UAR, macro-F1, ECE). */
export function register(program: Command): void {
  program
    .command('evaluate')
    .description('speaker-independent few-shot evaluation of a model on a dataset: K support shots per class from some speakers, test on the others')
    .requiredOption('--model <dir>', 'model folder')
    .requiredOption('--dataset <dataset>', 'dataset (name or id) in the workspace')
    .option('--shots <k>', 'support examples per class', (v) => parseInt(v, 10), 5)
    .option('--seeds <list>', 'comma-separated seeds', '1,2,3')
    .option('--test-speakers <f>', 'fraction of speakers held out for testing', parseFloat, 0.33)
    .option('--method <m>', 'prototype or knn', 'prototype')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>()
      const info = await initBackend()
      const { model, card } = await loadModel(path.resolve(o.model), { extractorVersion: EXTRACTOR_VERSION })
      const data = await withWorkspace(opts, (ws) => datasetItems(ws, o.dataset, { extractor: card.extractor.name }))
      const runs = String(o.seeds)
        .split(',')
        .map(Number)
        .map((seed) => {
          const rng = makeRng(`eval-${seed}`)
          const sp = speakerSplit(rng, data.speakers, o.testSpeakers)
          const cal = speakerSplit(rng, data.speakers, 0.25, sp.train)
          const support = subset(data, selectShots(rng, data.labels, cal.train, o.shots))
          const profile = buildProfile(model, support, { method: o.method })
          const c = cal.heldOut.length ? calibrate(model, profile, subset(data, cal.heldOut)) : null
          const m = evaluateProfile(model, profile, subset(data, sp.heldOut))
          return { seed, accuracy: m.accuracy, uar: m.uar, macroF1: m.macroF1, ece: m.ece, eceUncalibrated: c?.eceBefore ?? null, uncertainRate: m.uncertainRate, testSpeakers: sp.heldOutSpeakers }
        })
      const summary = {
        model: card.name,
        dataset: o.dataset,
        backend: info.name,
        shots: o.shots,
        accuracy: stats(runs.map((r) => r.accuracy)),
        uar: stats(runs.map((r) => r.uar)),
        macroF1: stats(runs.map((r) => r.macroF1)),
        ece: stats(runs.map((r) => r.ece)),
        runs,
      }
      output(opts, summary, () =>
        [`${card.name} on ${o.dataset} (${o.shots} shots/class, backend ${info.name})`, ...(['accuracy', 'uar', 'macroF1', 'ece'] as const).map((k) => `  ${k}: ${summary[k].mean.toFixed(3)} ± ${summary[k].std.toFixed(3)}`)].join('\n'),
      )
    })
}
