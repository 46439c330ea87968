/**
 * Data-parallel training steps for the wasm backend. Under Node the wasm backend runs
 * single-threaded (docs/engine.md), so a pair batch is split between this thread and
 * N-1 worker threads (engine/grad-worker.ts), each with its own wasm instance and a copy
 * of the weights. Each computes the gradient of the mean loss over its share; this thread
 * combines them, weighted by share size (= the gradient of the mean over the whole batch),
 * and applies them with the one optimiser, so Adam's state and the weights live here only.
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
import type { EmbeddingModel } from '../model/networks'
import { pairBatchLoss } from '../model/step'
import type { Architecture, LossConfig } from '../model/types'
import type { GradReply, GradStepMessage } from './grad-worker'

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

/** Pair shares of a batch of P pairs over T threads: [start, end) each, the first ones one larger. */
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

interface Pending {
  resolve(r: { grads: Float32Array; loss: number }): void
  reject(e: Error): void
}

class GradWorker {
  private queue: Pending[] = []
  private failed: Error | null = null
  constructor(readonly worker: Worker) {
    worker.on('message', (m: GradReply) => {
      if (m.type === 'ready') return
      const p = this.queue.shift()
      if (!p) return
      if (m.type === 'grads') p.resolve(m)
      else p.reject(new Error(`training worker: ${m.message}`))
    })
    const fail = (e: Error) => {
      this.failed = e
      for (const p of this.queue.splice(0)) p.reject(e)
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`training worker exited (code ${code})`)))
  }
  step(m: GradStepMessage): Promise<{ grads: Float32Array; loss: number }> {
    if (this.failed) return Promise.reject(this.failed)
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject })
      this.worker.postMessage(m, [m.x.buffer as ArrayBuffer, m.weights.buffer as ArrayBuffer])
    })
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
        ? new Worker(`import(${JSON.stringify(tsxApi())}).then((t) => { t.register(); return import(${JSON.stringify(url)}) })`, { eval: true, workerData: { arch, itemShape } })
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

  /**
   * One optimisation step on a pair batch `x` = rows [a_0..a_{P-1}, b_0..b_{P-1}] (row-major,
   * `per` floats each). Returns the batch's mean loss (a scalar the caller disposes).
   */
  async pairStep(net: EmbeddingModel, frozen: number, optimizer: tf.Optimizer, x: Float32Array, same: Float32Array, per: number, loss: LossConfig): Promise<tf.Scalar> {
    const P = same.length
    const shares = pairShares(P, this.threads)
    const vars = net.trainableVariables(frozen)
    const all = net.layers.flatMap((l) => [l.kernel, l.bias])
    const weights = new Float32Array(all.reduce((s, v) => s + v.size, 0))
    let off = 0
    for (const v of all) {
      weights.set(v.dataSync() as Float32Array, off)
      off += v.size
    }
    const shareRows = ([s, e]: [number, number]) => {
      const out = new Float32Array(2 * (e - s) * per)
      out.set(x.subarray(s * per, e * per), 0)
      out.set(x.subarray((P + s) * per, (P + e) * per), (e - s) * per)
      return out
    }
    // Post the workers' shares first so they run while this thread computes its own.
    const remote = shares.slice(1).map((sh, k) =>
      this.workers[k].step({ type: 'step', weights: weights.slice(), x: shareRows(sh), same: same.slice(sh[0], sh[1]), frozen, loss }),
    )
    // Rejections are awaited below; keep them from surfacing as unhandled while this thread computes.
    remote.forEach((r) => r.catch(() => undefined))
    const [s0, e0] = shares[0]
    const local = tf.tidy(() => {
      const xt = tf.tensor(shareRows(shares[0]), [2 * (e0 - s0), ...this.itemShape])
      const st = tf.tensor1d(same.subarray(s0, e0))
      const r = tf.variableGrads(() => pairBatchLoss(net, xt, st, loss, frozen), vars)
      return { value: r.value, grads: vars.map((v) => r.grads[v.name]) }
    })
    let replies: { grads: Float32Array; loss: number }[]
    try {
      replies = await Promise.all(remote)
    } catch (e) {
      tf.dispose([local.value, ...local.grads])
      throw e
    }
    const w0 = (e0 - s0) / P
    const named: tf.NamedTensorMap = {}
    const value = tf.tidy(() => {
      let o = 0 // offset of this variable in each worker's flat gradient
      vars.forEach((v, i) => {
        let g = tf.mul(local.grads[i], w0)
        replies.forEach((r, k) => {
          const [s, e] = shares[k + 1]
          g = tf.add(g, tf.mul(tf.tensor(r.grads.subarray(o, o + v.size), v.shape), (e - s) / P))
        })
        named[v.name] = tf.keep(g)
        o += v.size
      })
      const rest = replies.reduce((sum, r, k) => sum + (r.loss * (shares[k + 1][1] - shares[k + 1][0])) / P, 0)
      return tf.add(tf.mul(local.value, w0), rest) as tf.Scalar
    })
    tf.dispose([local.value, ...local.grads])
    optimizer.applyGradients(named)
    tf.dispose(Object.values(named))
    return value
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((g) => g.worker.terminate()))
  }
}
