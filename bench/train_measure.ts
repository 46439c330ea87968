/**
 * One throughput measurement of the engine's real training loop (trainSiamese), run in
 * its own process by bench/train.bench.ts so its peak RSS is its own.
 * Usage: tsx bench/train_measure.ts mlp|cnn PAIRS STEPS [contrastive|distance|triplet|protonet|supcon]
 * (every loss but contrastive: class-balanced batches of 2*PAIRS items, 4 classes; "pairs" then counts item pairs)
 * Prints one JSON line: backend, pairs per second (wall time of the measured epoch), pairs per CPU-second
 * (this process's CPU time over both epochs, warm-up and epoch ends included: a conservative figure that
 * other work on a shared machine inflates far less than wall time), peak RSS, peak tf memory.
 */
import * as tf from '@tensorflow/tfjs'
import { initBackend } from '../src-main/services/engine/backend'
import { trainThreads } from '../src-main/services/model/data-parallel'
import { buildNetwork, defaultArchitecture } from '../src-main/services/model/networks'
import { defaultTrainConfig, trainSiamese } from '../src-main/services/model/train'
import { makeRng } from '../src-main/services/model/sampling'
import type { ItemSet } from '../src-main/services/model/types'
import { lossConfigFor } from '../src-main/services/model/losses'
import { ArchitectureKindSchema, LossNameSchema } from '../src-shared/losses'

const [arch = 'mlp', pairsArg = '64', stepsArg = '50', lossArg = 'contrastive'] = process.argv.slice(2)
const info = await initBackend()
const shape = arch === 'mlp' ? [88] : [128, 64]
const n = arch === 'mlp' ? 2000 : 200
const per = shape.reduce((a, b) => a * b, 1)
const rng = makeRng(1)
const x = new Float32Array(n * per).map(() => rng() * 2 - 1)
const data: ItemSet = {
  x,
  itemShape: shape,
  labels: Array.from({ length: n }, (_, i) => `c${i % 6}`),
  speakers: Array.from({ length: n }, (_, i) => `s${i % 10}`),
}
const cfg = defaultTrainConfig(defaultArchitecture(ArchitectureKindSchema.parse(arch), shape), {
  pairsPerBatch: Number(pairsArg),
  loss: lossConfigFor(LossNameSchema.parse(lossArg)),
  classesPerBatch: 4,
  perClass: (2 * Number(pairsArg)) / 4,
  stepsPerEpoch: Number(stepsArg),
  epochs: 2, // epoch 1 warms up (kernel compilation, allocations); epoch 2 is measured
  validationSpeakers: 0,
  patience: 0,
})
const net = buildNetwork(cfg.arch, 1)
let peakBytes = 0
const timer = setInterval(() => (peakBytes = Math.max(peakBytes, tf.memory().numBytes)), 5)
const cpu0 = process.cpuUsage()
const r = await trainSiamese(net, data, cfg, { train: data.labels.map((_, i) => i), val: [] })
const cpu = process.cpuUsage(cpu0)
clearInterval(timer)
console.log(
  JSON.stringify({
    arch,
    backend: info.name,
    threads: info.threads,
    simd: info.simd,
    // threads a training step is split over (model/data-parallel.ts; SER_TRAIN_THREADS overrides)
    trainThreads: Math.min(trainThreads(undefined, cfg.arch, info.name), lossArg !== 'contrastive' ? 2 * cfg.pairsPerBatch : cfg.pairsPerBatch),
    pairsPerSecond: r.history[r.history.length - 1].pairsPerSecond,
    cpuPairsPerSecond: (cfg.epochs * cfg.stepsPerEpoch * (lossArg === 'contrastive' ? cfg.pairsPerBatch : 0)) / ((cpu.user + cpu.system) / 1e6) || null,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    peakTensorMiB: peakBytes / 2 ** 20,
  }),
)
