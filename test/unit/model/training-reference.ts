/**
 * Small seeded training runs whose every epoch figure is compared before and after the speed
 * work (test/unit/model/training-identical.test.ts). `capture-training-reference.ts` wrote
 * fixtures/training-reference.json from the training code as it was before the fused kernels
 * (commit 25e4049); the test runs the same trainings on the current code.
 */
import { buildNetwork, defaultArchitecture } from '../../../src-main/services/model/networks'
import { defaultTrainConfig, trainSiamese } from '../../../src-main/services/model/train'
import { lossConfigFor } from '../../../src-main/services/model/losses'
import { normaliseSet, fitNormaliser } from '../../../src-main/services/model/normalise'
import { makeSyntheticCorpus } from '../../../src-main/services/model/synthetic'
import type { Architecture, ItemSet } from '../../../src-main/services/model/types'
import type { LossName } from '../../../src-shared/losses'

export interface EpochFigures {
  trainLoss: number
  valLoss: number | null
  valAccuracy: number | null
  grad_norm: number
  active_fraction: number
  weight_change: number
  embedding_norm: number
}

export interface ReferenceRun {
  name: string
  epochs: EpochFigures[]
  /** Sum of the absolute values of every final weight (a checksum of the trained network). */
  weightSum: number
}

interface Plan {
  name: string
  arch: Architecture
  loss: LossName
  frozen: number
  threads: number
  fewItems?: boolean
}

function corpus(arch: Architecture): ItemSet {
  const mlp = makeSyntheticCorpus({ classes: ['neutral', 'happy', 'sad', 'angry'], speakers: 12, perSpeakerPerClass: 6, seed: 7, speakerPrefix: 'ref' })
  if (arch.kind === 'mlp') return mlp
  // a "spectrogram" per item: the 88 features tiled over frames x mels
  const per = arch.frames * arch.mels
  const x = new Float32Array(mlp.labels.length * per)
  for (let i = 0; i < mlp.labels.length; i++) for (let k = 0; k < per; k++) x[i * per + k] = mlp.x[i * 88 + ((k * 7) % 88)] * (1 + (k % 5) / 10)
  return { ...mlp, x, itemShape: [arch.frames, arch.mels] }
}

const mlp = defaultArchitecture('mlp', [88])
const cnn: Architecture = { kind: 'cnn', frames: 16, mels: 12, channels: [4, 8], embedding: 8, normalize: 'l2' }
export const PLANS: Plan[] = [
  { name: 'mlp contrastive', arch: mlp, loss: 'contrastive', frozen: 0, threads: 1 },
  { name: 'mlp distance', arch: mlp, loss: 'distance', frozen: 0, threads: 1 },
  { name: 'mlp supcon, first layer frozen', arch: mlp, loss: 'supcon', frozen: 1, threads: 1 },
  { name: 'cnn contrastive', arch: cnn, loss: 'contrastive', frozen: 0, threads: 1 },
  // few items (2 speakers' worth of training data), so most pair rows repeat an item: fine-tuning's case
  { name: 'mlp contrastive, few items', arch: mlp, loss: 'contrastive', frozen: 1, threads: 1, fewItems: true },
]

/** The loss settings in effect when the reference was captured (LOSS_DEFAULTS has changed since): pinned, so only the speed work is compared. */
const PINNED: Partial<Record<LossName, { margin?: number; temperature?: number }>> = {
  contrastive: { margin: 0.5 },
  distance: { margin: 0.5, temperature: 0.1 },
  supcon: { temperature: 0.1 },
}

export async function referenceRun(p: Plan): Promise<ReferenceRun> {
  const raw = corpus(p.arch)
  const spk = [...new Set(raw.speakers)].sort()
  const valSpk = new Set(spk.slice(0, 3))
  const all = raw.labels.map((_, i) => i)
  const train = all.filter((i) => !valSpk.has(raw.speakers[i]) && (!p.fewItems || raw.speakers[i] === spk[3] || raw.speakers[i] === spk[4]))
  const val = all.filter((i) => valSpk.has(raw.speakers[i]))
  const data = p.arch.kind === 'mlp' ? normaliseSet(raw, fitNormaliser(raw, train)) : raw
  const cfg = defaultTrainConfig(p.arch, {
    loss: lossConfigFor(p.loss, PINNED[p.loss]),
    pairsPerBatch: p.arch.kind === 'mlp' ? 32 : 8,
    classesPerBatch: 4,
    perClass: 4,
    stepsPerEpoch: p.arch.kind === 'mlp' ? 20 : 4,
    epochs: 3,
    patience: 0,
    frozenLayers: p.frozen,
    seed: 3,
  })
  const net = buildNetwork(p.arch, 5)
  const r = await trainSiamese(net, data, cfg, { train, val }, { threads: p.threads })
  const weightSum = net.getWeights().reduce((s, w) => s + (w.dataSync() as Float32Array).reduce((a, b) => a + Math.abs(b), 0), 0)
  net.dispose()
  return {
    name: p.name,
    weightSum,
    epochs: r.history.map((h) => ({
      trainLoss: h.trainLoss,
      valLoss: h.valLoss,
      valAccuracy: h.valAccuracy,
      grad_norm: h.diagnostics.grad_norm,
      active_fraction: h.diagnostics.active_fraction,
      weight_change: h.diagnostics.weight_change,
      embedding_norm: h.diagnostics.embedding_norm,
    })),
  }
}
