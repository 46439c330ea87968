/**
 * Data-parallel training steps for the wasm backend. Under Node the wasm backend runs
 * single-threaded (docs/engine.md), so a batch is split between this thread and N-1 worker
 * threads (model/grad-worker.ts), each with its own wasm instance and a copy of the
 * weights; this thread sums the gradients and applies them with the one optimiser, so
 * Adam's state and the weights live here only.
 * - Contrastive pair batches: each thread computes the gradient of the mean loss over its
 *   share of the pairs; weighted by share size they sum to the whole batch's gradient.
 * - Class-balanced item batches (every other loss couples all items of the batch):
 *   each thread embeds its share, this thread computes the loss and dL/dE on the whole
 *   batch, and each thread returns sum_i dE_i . dE_i/dtheta for its share (one extra
 *   forward pass per share and two barriers per step: 1.5x with a free core, slower than
 *   one thread on a saturated machine; docs/engine.md).
 *
 * Results are reproducible for a given seed and thread count; a different thread count
 * sums the gradient in another order (float32 rounding differences, nothing more).
 */
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import * as tf from '@tensorflow/tfjs'
import { workerFile } from '../workers'
import { activeFraction, type LossOutput } from './losses'
import type { EmbeddingModel } from './networks'
import { adamApplyWasm } from '../engine/adam'
import { fusedAdam, fusedPairGrads, globalNorm, lossGrads, pairBatchOutput, type StepResult } from './step'
import type { Architecture, LossConfig } from './types'
import type { GradReply, GradRequest } from './grad-worker'

const fromSources = import.meta.url.endsWith('.ts')
// tsx's ESM register API (the package exports only its CommonJS form to require.resolve)
const tsxApi = () => pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href

/**
 * Threads for a training run: an explicit request wins, then SER_TRAIN_THREADS; otherwise
 * min(2, cores) for the CNN on the wasm backend (where a step costs hundreds of ms) and 1
 * elsewhere (MLP steps take ~5 ms, less than the messaging would save; tfjs-node threads itself).
 */
export function trainThreads(requested: number | undefined, arch: Architecture, backend: string): number {
  const env = Number(process.env.SER_TRAIN_THREADS)
  const want = requested ?? (Number.isFinite(env) && env > 0 ? Math.floor(env) : undefined)
  if (want !== undefined && (!Number.isInteger(want) || want < 1)) throw new Error(`training threads must be a positive integer, got ${want}`)
  if (backend !== 'wasm') return 1
  return want ?? (arch.kind === 'cnn' ? Math.min(2, os.availableParallelism()) : 1)
}

/** Shares of a batch of P pairs (or items) over T threads: [start, end) each, the first ones one larger. */
export function pairShares(P: number, T: number): [number, number][] {
  const out: [number, number][] = []
  let s = 0
  for (let k = 0; k < T; k++) {
    const n = Math.floor(P / T) + (k < P % T ? 1 : 0)
    out.push([s, s + n])
    s += n
  }
  return out.filter(([a, b]) => b > a)
}

type Reply = Exclude<GradReply, { type: 'ready' } | { type: 'error' }>

class GradWorker {
  private queue: { resolve(r: Reply): void; reject(e: Error): void }[] = []
  private failed: Error | null = null
  constructor(readonly worker: Worker) {
    worker.on('message', (m: GradReply) => {
      if (m.type === 'ready') return
      const p = this.queue.shift()
      if (!p) return
      if (m.type === 'error') p.reject(new Error(`training worker: ${m.message}`))
      else p.resolve(m)
    })
    const fail = (e: Error) => {
      this.failed = e
      for (const p of this.queue.splice(0)) p.reject(e)
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`training worker exited (code ${code})`)))
  }
  request<T extends Reply['type']>(m: GradRequest, expect: T): Promise<Extract<Reply, { type: T }>> {
    if (this.failed) return Promise.reject(this.failed)
    const transfer = [m.type === 'vjp' ? m.dE.buffer : m.x.buffer, ...(m.type === 'vjp' ? [] : [m.weights.buffer])] as ArrayBuffer[]
    const p = new Promise<Reply>((resolve, reject) => {
      this.queue.push({ resolve, reject })
      this.worker.postMessage(m, transfer)
    }).then((r) => {
      if (r.type !== expect) throw new Error(`training worker answered '${r.type}', expected '${expect}'`)
      return r as Extract<Reply, { type: T }>
    })
    // Awaited later; keep a rejection from surfacing as unhandled while this thread computes.
    p.catch(() => undefined)
    return p
  }
}

export class DataParallelTrainer {
  private constructor(
    private readonly workers: GradWorker[],
    private readonly itemShape: number[],
  ) {}

  /** Starts `threads - 1` workers (this thread is the first) and waits until their backends are up. */
  static async start(threads: number, arch: Architecture, itemShape: number[]): Promise<DataParallelTrainer> {
    const started = Array.from({ length: threads - 1 }, () => {
      const url = pathToFileURL(workerFile('train-grad')).href
      // From sources the entry is a .ts file: a one-line eval entry registers tsx's loader in
      // the worker and imports it (execArgv ['--import', 'tsx'] does not reach a .ts entry here).
      const w = fromSources
        ? new Worker(`import(${JSON.stringify(tsxApi())}).then((t) => { t.register(); return import(${JSON.stringify(url)}) })`, {
            eval: true,
            workerData: { arch, itemShape },
          })
        : new Worker(new URL(url), { workerData: { arch, itemShape } })
      return new Promise<GradWorker>((resolve, reject) => {
        const onMsg = (m: GradReply) => {
          if (m.type !== 'ready') return
          w.off('message', onMsg)
          if (m.backend !== 'wasm') reject(new Error(`training worker started the ${m.backend} backend, expected wasm`))
          else resolve(new GradWorker(w))
        }
        w.on('message', onMsg)
        w.once('error', reject)
        w.once('exit', (code) => reject(new Error(`training worker exited during start (code ${code})`)))
      }).catch(async (e) => {
        await w.terminate()
        throw e
      })
    })
    const settled = await Promise.allSettled(started)
    const ok = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
    const bad = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
    if (bad) {
      await Promise.all(ok.map((g) => g.worker.terminate()))
      throw bad.reason
    }
    return new DataParallelTrainer(ok, itemShape)
  }

  get threads(): number {
    return this.workers.length + 1
  }

  /** Every weight of the network (kernel then bias per layer), flattened, as the workers expect. */
  private weightsOf(net: EmbeddingModel): Float32Array {
    const all = net.layers.flatMap((l) => [l.kernel, l.bias])
    const out = new Float32Array(all.reduce((s, v) => s + v.size, 0))
    let off = 0
    for (const v of all) {
      out.set(v.dataSync() as Float32Array, off)
      off += v.size
    }
    return out
  }

  /**
   * sum_k scale_k * g_k over this thread's gradients and the workers' flat ones, applied with
   * `optimizer`; returns the global norm of the summed gradient.
   */
  private apply(
    optimizer: tf.Optimizer,
    vars: tf.Variable[],
    local: tf.Tensor[],
    localScale: number,
    remote: { grads: Float32Array; scale: number }[],
  ): tf.Scalar {
    const named: tf.NamedTensorMap = {}
    tf.tidy(() => {
      let o = 0 // offset of this variable in each worker's flat gradient
      vars.forEach((v, i) => {
        let g = localScale === 1 ? local[i] : tf.mul(local[i], localScale)
        for (const r of remote) {
          const t = tf.tensor(r.grads.subarray(o, o + v.size), v.shape)
          g = tf.add(g, r.scale === 1 ? t : tf.mul(t, r.scale))
        }
        named[v.name] = tf.keep(g === local[i] ? tf.clone(g) : g)
        o += v.size
      })
    })
    if (fusedAdam(optimizer)) {
      const norm = adamApplyWasm(
        optimizer,
        vars,
        vars.map((v) => named[v.name]),
      )
      tf.dispose(Object.values(named))
      return tf.scalar(norm)
    }
    const norm = globalNorm(Object.values(named))
    optimizer.applyGradients(named)
    tf.dispose(Object.values(named))
    return norm
  }

  /**
   * One optimisation step on a pair batch `x` = rows [a_0..a_{P-1}, b_0..b_{P-1}] (row-major,
   * `per` floats each). Returns the batch's mean loss, active share and gradient norm (scalars the caller disposes).
   */
  async pairStep(
    net: EmbeddingModel,
    frozen: number,
    optimizer: tf.Optimizer,
    x: Float32Array,
    same: Float32Array,
    per: number,
    loss: LossConfig,
  ): Promise<StepResult> {
    const P = same.length
    const shares = pairShares(P, this.threads)
    const vars = net.trainableVariables(frozen)
    const weights = this.weightsOf(net)
    const shareRows = ([s, e]: [number, number]) => {
      const out = new Float32Array(2 * (e - s) * per)
      out.set(x.subarray(s * per, e * per), 0)
      out.set(x.subarray((P + s) * per, (P + e) * per), (e - s) * per)
      return out
    }
    // Post the workers' shares first so they run while this thread computes its own.
    const remote = shares
      .slice(1)
      .map((sh, k) =>
        this.workers[k].request({ type: 'pairs', weights: weights.slice(), x: shareRows(sh), same: same.slice(sh[0], sh[1]), frozen, loss }, 'grads'),
      )
    const [s0, e0] = shares[0]
    const fused = fusedPairGrads(net, shareRows(shares[0]), same.subarray(s0, e0), loss, frozen)
    const local = fused
      ? { value: tf.scalar(fused.loss), active: tf.scalar(fused.active), grads: fused.grads }
      : tf.tidy(() => {
          const xt = tf.tensor(shareRows(shares[0]), [2 * (e0 - s0), ...this.itemShape])
          const st = tf.tensor1d(same.subarray(s0, e0))
          return lossGrads(vars, () => pairBatchOutput(net, xt, st, loss, frozen))
        })
    try {
      const replies = await Promise.all(remote)
      const w = (k: number) => (shares[k][1] - shares[k][0]) / P
      const gradNorm = this.apply(
        optimizer,
        vars,
        local.grads,
        w(0),
        replies.map((r, k) => ({ grads: r.grads, scale: w(k + 1) })),
      )
      const rest = replies.reduce((sum, r, k) => sum + r.loss * w(k + 1), 0)
      const restActive = replies.reduce((sum, r, k) => sum + r.active * w(k + 1), 0)
      return tf.tidy(() => ({
        loss: tf.add(tf.mul(local.value, w(0)), rest) as tf.Scalar,
        active: tf.add(tf.mul(local.active, w(0)), restActive) as tf.Scalar,
        gradNorm,
      }))
    } finally {
      tf.dispose([local.value, local.active, ...local.grads])
    }
  }

  /**
   * One optimisation step on an item batch `x` (n rows of `per` floats) whose loss couples all
   * items (`lossOf` maps the batch's embeddings [n, D] to a LossOutput). Returns the loss, active
   * share and gradient norm.
   */
  async itemStep(
    net: EmbeddingModel,
    frozen: number,
    optimizer: tf.Optimizer,
    x: Float32Array,
    per: number,
    lossOf: (e: tf.Tensor2D) => LossOutput,
  ): Promise<StepResult> {
    const n = x.length / per
    const shares = pairShares(n, this.threads)
    const vars = net.trainableVariables(frozen)
    const weights = this.weightsOf(net)
    const D = net.embeddingDim
    const embeds = shares
      .slice(1)
      .map(([s, e], k) => this.workers[k].request({ type: 'embed', weights: weights.slice(), x: x.slice(s * per, e * per), n: e - s }, 'emb'))
    const [s0, e0] = shares[0]
    const x0 = tf.tensor(x.subarray(s0 * per, e0 * per), [e0 - s0, ...this.itemShape])
    try {
      const e0t = net.embed(x0)
      const remoteE = await Promise.all(embeds).catch((err) => {
        e0t.dispose()
        throw err
      })
      let active: tf.Scalar | null = null
      const { value, dEs } = tf.tidy(() => {
        const E = tf.concat([e0t, ...remoteE.map((r, k) => tf.tensor2d(r.emb, [shares[k + 1][1] - shares[k + 1][0], D]))], 0) as tf.Tensor2D
        const { value, grad } = tf.valueAndGrad((e: tf.Tensor) => {
          const o = lossOf(e as tf.Tensor2D)
          active = tf.keep(activeFraction(o))
          return o.loss
        })(E)
        return {
          value,
          dEs: tf.split(
            grad,
            shares.map(([s, e]) => e - s),
            0,
          ),
        }
      })
      e0t.dispose()
      const vjps = shares
        .slice(1)
        .map((_, k) => this.workers[k].request({ type: 'vjp', dE: new Float32Array(dEs[k + 1].dataSync() as Float32Array), frozen }, 'grads'))
      const local = tf.tidy(() => {
        const r = tf.variableGrads(() => tf.sum(tf.mul(net.embed(x0, frozen), dEs[0])) as tf.Scalar, vars)
        return vars.map((v) => r.grads[v.name])
      })
      tf.dispose(dEs)
      try {
        const replies = await Promise.all(vjps)
        const gradNorm = this.apply(
          optimizer,
          vars,
          local,
          1,
          replies.map((r) => ({ grads: r.grads, scale: 1 })),
        )
        return { loss: value, active: active!, gradNorm }
      } catch (err) {
        tf.dispose([value, active!])
        throw err
      } finally {
        tf.dispose(local)
      }
    } finally {
      x0.dispose()
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((g) => g.worker.terminate()))
  }
}
