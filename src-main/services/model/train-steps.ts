/**
 * One epoch of optimisation steps for the training loop (train-loop.ts): pair batches for the
 * contrastive loss (optionally with hard negatives mined once per epoch from the current
 * embeddings), class-balanced batches for every other loss, on one thread or split over the
 * data-parallel workers (data-parallel.ts).
 */
import * as tf from '@tensorflow/tfjs'
import { DataParallelTrainer, trainThreads } from './data-parallel'
import { balancedLoss, disposeMasks } from './losses'
import { groupByLabel, samplePairs, sampleClassBalanced } from './sampling'
import { batchMasks, gatherRows, itemBatchOutput, optimiseStep, pairStep, type StepResult } from './step'
import type { EpochRunner, LoopState } from './train-loop'
import type { EmbeddingModel } from './networks'
import type { ItemSet, TrainConfig } from './types'
import { LOSS_DEFAULTS } from '../../../src-shared/losses'

export class SiameseSteps {
  private buf: Float32Array | undefined
  private constructor(
    private readonly data: ItemSet,
    private readonly cfg: TrainConfig,
    private readonly train: number[],
    private readonly parallel: DataParallelTrainer | null,
  ) {}

  /** Starts the workers when the run uses more than one thread. */
  static async start(data: ItemSet, cfg: TrainConfig, train: number[], threadsAsked?: number): Promise<SiameseSteps> {
    const usePairs = LOSS_DEFAULTS[cfg.loss.name].batching === 'pairs'
    const batch = usePairs ? cfg.pairsPerBatch : (cfg.classesPerBatch ?? 8) * (cfg.perClass ?? 8)
    const threads = Math.min(trainThreads(threadsAsked, cfg.arch, tf.getBackend()), batch)
    const parallel = threads > 1 ? await startParallel(threads, cfg, data.itemShape, threadsAsked !== undefined || !!process.env.SER_TRAIN_THREADS) : null
    return new SiameseSteps(data, cfg, train, parallel)
  }

  readonly runEpoch: EpochRunner = async (_epoch, state, onStep) => {
    const { cfg, data } = this
    const per = data.itemShape.reduce((p, q) => p * q, 1)
    const usePairs = LOSS_DEFAULTS[cfg.loss.name].batching === 'pairs'
    const hardNegative = cfg.hardNegatives > 0 && usePairs ? hardNegativeFinder(state.net, data, this.train) : undefined
    let pairs = 0
    const groups = usePairs ? [...groupByLabel(data.labels, this.train).values()] : undefined
    for (let s = 0; s < cfg.stepsPerEpoch; s++) {
      let step: StepResult
      if (usePairs) {
        const P = cfg.pairsPerBatch
        const pb = samplePairs(state.rng, data.labels, this.train, P, { hardFraction: cfg.hardNegatives, hardNegative, groups })
        const rows = new Int32Array(2 * P)
        rows.set(pb.a, 0)
        rows.set(pb.b, P)
        this.buf = gatherRows(data.x, per, rows, this.buf)
        if (this.parallel) {
          step = await this.parallel.pairStep(state.net, cfg.frozenLayers, state.optimizer, this.buf, pb.same, per, cfg.loss)
        } else {
          step = pairStep(state.net, state.optimizer, state.vars, this.buf, pb.same, data.itemShape, cfg.loss, cfg.frozenLayers, rows)
        }
        pairs += P
      } else {
        const r = await this.balancedStep(state, per)
        step = r.step
        pairs += (r.n * (r.n - 1)) / 2
      }
      onStep(step)
    }
    return pairs
  }

  private async balancedStep(state: LoopState, per: number): Promise<{ step: StepResult; n: number }> {
    const { cfg, data } = this
    const b = sampleClassBalanced(state.rng, data.labels, this.train, cfg.classesPerBatch ?? 8, cfg.perClass ?? 8)
    const rows = gatherRows(data.x, per, b.items)
    const masks = batchMasks(b.classIds, b.items)
    try {
      const n = b.items.length
      if (this.parallel)
        return { step: await this.parallel.itemStep(state.net, cfg.frozenLayers, state.optimizer, rows, per, (e) => balancedLoss(e, masks, cfg.loss)), n }
      const x = tf.tensor(rows, [n, ...data.itemShape])
      const step = optimiseStep(state.optimizer, state.vars, () => itemBatchOutput(state.net, x, masks, cfg.loss, cfg.frozenLayers))
      x.dispose()
      return { step, n }
    } finally {
      disposeMasks(masks)
    }
  }

  async close(): Promise<void> {
    await this.parallel?.close()
  }
}

/** For each anchor, the candidate closest to it in the current embedding (hard negatives). */
function hardNegativeFinder(net: EmbeddingModel, data: ItemSet, train: number[]): (a: number, c: number[]) => number {
  const emb = net.embedItems(data, train)
  const pos = new Map(train.map((g, i) => [g, i]))
  const D = net.embeddingDim
  const dist = (i: number, j: number) => {
    let s = 0
    for (let k = 0; k < D; k++) s += (emb[i * D + k] - emb[j * D + k]) ** 2
    return s
  }
  return (a, cands) => cands.reduce((bestC, c) => (dist(pos.get(a)!, pos.get(c)!) < dist(pos.get(a)!, pos.get(bestC)!) ? c : bestC))
}

/**
 * Starts the data-parallel workers. When the thread count was asked for, a failure is the
 * run's failure; when it is only the default, the run goes on single-threaded and says so
 * on stderr (slower, same results up to float rounding).
 */
async function startParallel(threads: number, cfg: TrainConfig, itemShape: number[], requested: boolean): Promise<DataParallelTrainer | null> {
  try {
    return await DataParallelTrainer.start(threads, cfg.arch, itemShape)
  } catch (err) {
    if (requested) throw err
    console.warn(`training: ${threads} threads unavailable, training on one (${(err as Error).message})`)
    return null
  }
}
