/**
 * Fixed-seed training runs whose numbers were captured from trainSiamese before it became a
 * loop with callbacks (fixtures/train-reference.json); train-loop.test.ts checks the loop
 * reproduces them. Regenerate only on purpose: `npx tsx test/unit/model/train-reference.ts write`.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildNetwork } from '../../../src-main/services/model/networks'
import { fitNormaliser, normaliseSet } from '../../../src-main/services/model/normalise'
import { makeRng, speakerSplit } from '../../../src-main/services/model/sampling'
import { defaultTrainConfig, trainSiamese } from '../../../src-main/services/model/train'
import { lossConfigFor } from '../../../src-main/services/model/losses'
import { makeSyntheticCorpus } from '../../../src-main/services/model/synthetic'
import type { LossName } from '../../../src-shared/losses'
import type { TrainConfig } from '../../../src-main/services/model/types'

export const REFERENCE_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'train-reference.json')

interface Case {
  name: string
  loss: LossName
  overrides: Partial<TrainConfig>
  threads: number
  checkpoint: boolean
}

export const CASES: Case[] = [
  {
    name: 'contrastive-hard-negatives-patience',
    loss: 'contrastive',
    overrides: { hardNegatives: 0.5, patience: 2, epochs: 6 },
    threads: 1,
    checkpoint: false,
  },
  { name: 'distance-validation', loss: 'distance', overrides: { epochs: 4, patience: 0 }, threads: 1, checkpoint: true },
  { name: 'protonet-frozen', loss: 'protonet', overrides: { epochs: 3, frozenLayers: 1 }, threads: 1, checkpoint: false },
  { name: 'supcon-no-validation', loss: 'supcon', overrides: { epochs: 3, validationSpeakers: 0 }, threads: 1, checkpoint: false },
  {
    name: 'distance-early-stop',
    loss: 'distance',
    overrides: { epochs: 12, patience: 1, learningRate: 1e-2, validationSpeakers: 0.3 },
    threads: 1,
    checkpoint: true,
  },
  { name: 'triplet-two-threads', loss: 'triplet', overrides: { epochs: 3, patience: 1 }, threads: 2, checkpoint: false },
]

/** The loss settings the reference was captured with (the defaults of the time). */
const OLD_DEFAULTS: Record<LossName, { margin: number; temperature: number }> = {
  contrastive: { margin: 0.5, temperature: 0 },
  distance: { margin: 0.5, temperature: 0.1 },
  triplet: { margin: 0, temperature: 0 },
  protonet: { margin: 0, temperature: 0.1 },
  supcon: { margin: 0, temperature: 0.1 },
}

export interface CaseResult {
  name: string
  history: {
    epoch: number
    trainLoss: number
    valLoss: number | null
    valAccuracy: number | null
    active: number
    grad: number
    norm: number
    change: number
  }[]
  best: { epoch: number; valAccuracy: number; valLoss: number } | null
  weightSum: number
}

export async function runCase(c: Case): Promise<CaseResult> {
  const src = makeSyntheticCorpus({ classes: ['a', 'b', 'c', 'd'], speakers: 10, perSpeakerPerClass: 5, seed: 7, dim: 24, speakerPrefix: 's' })
  const cfg = defaultTrainConfig(
    { kind: 'mlp', inputDim: 24, hidden: [32, 16], embedding: 8 },
    {
      loss: lossConfigFor(c.loss, OLD_DEFAULTS[c.loss]),
      stepsPerEpoch: 5,
      classesPerBatch: 4,
      perClass: 4,
      pairsPerBatch: 16,
      seed: 3,
      minEpochs: 0,
      ...c.overrides,
    },
  )
  const sp = speakerSplit(makeRng('ref-split'), src.speakers, cfg.validationSpeakers)
  const data = normaliseSet(src, fitNormaliser(src, sp.train))
  const net = buildNetwork(cfg.arch, cfg.seed)
  const dir = c.checkpoint ? fs.mkdtempSync(path.join(os.tmpdir(), 'ser-ref-')) : undefined
  try {
    const r = await trainSiamese(net, data, cfg, { train: sp.train, val: sp.heldOut }, { threads: c.threads, checkpointDir: dir })
    const weightSum = net.getWeights().reduce((s, w) => s + (w.dataSync() as Float32Array).reduce((a, b) => a + Math.abs(b), 0), 0)
    return {
      name: c.name,
      history: r.history.map((h) => ({
        epoch: h.epoch,
        trainLoss: h.trainLoss,
        valLoss: h.valLoss,
        valAccuracy: h.valAccuracy,
        active: h.diagnostics.active_fraction,
        grad: h.diagnostics.grad_norm,
        norm: h.diagnostics.embedding_norm,
        change: h.diagnostics.weight_change,
      })),
      best: r.best,
      weightSum,
    }
  } finally {
    net.dispose()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[2] === 'write') {
  const out: CaseResult[] = []
  for (const c of CASES) out.push(await runCase(c))
  fs.writeFileSync(REFERENCE_FILE, JSON.stringify(out, null, 1) + '\n')
  console.log(`wrote ${REFERENCE_FILE}`)
}
