/**
 * Piscina worker 'live' (services/workers.ts WORKER_ENTRIES): one task per live
 * session, running for the session's life and holding the model, the ring
 * buffer and the VAD, so feature extraction and inference never block the
 * server's event loop. The task talks over the MessagePort it is given:
 *   in:  { type: 'chunk', seq, pcm: Int16Array | Float32Array, arrivedAt } | { type: 'stop' }
 *   out: { type: 'ready' } | { type: 'error', message } | { type: 'result', seq, frame: PipelineFrame | null }
 * Times are epoch milliseconds with sub-ms precision (timeOrigin + now), comparable across threads.
 */
import type { MessagePort } from 'node:worker_threads'
import { LivePipeline } from './pipeline'
import { loadWindowPredictor } from './predictor'

export interface LiveTask {
  modelDir: string
  profilePath: string
  windowMs: number
  hopMs: number
  port: MessagePort
}

export type WorkerIn = { type: 'chunk'; seq: number; pcm: Int16Array | Float32Array; arrivedAt: number } | { type: 'stop' }

export default async function live(task: LiveTask): Promise<{ frames: number }> {
  const { port } = task
  let pipeline: LivePipeline
  try {
    const predictor = await loadWindowPredictor(task.modelDir, task.profilePath)
    pipeline = new LivePipeline(predictor, { windowMs: task.windowMs, hopMs: task.hopMs })
  } catch (err) {
    port.postMessage({ type: 'error', message: (err as Error).message })
    port.close()
    return { frames: 0 }
  }
  port.postMessage({ type: 'ready' })
  return new Promise((resolve) => {
    const finish = () => {
      port.close()
      resolve({ frames: pipeline.stats().frames })
    }
    port.on('close', finish)
    port.on('message', (m: WorkerIn) => {
      if (m.type === 'stop') return finish()
      try {
        let x: Float32Array
        if (m.pcm instanceof Float32Array) x = m.pcm
        else {
          x = new Float32Array(m.pcm.length)
          for (let i = 0; i < x.length; i++) x[i] = m.pcm[i] / 32767
        }
        const frame = pipeline.push(x, m.seq, m.arrivedAt)
        port.postMessage({ type: 'result', seq: m.seq, frame })
      } catch (err) {
        port.postMessage({ type: 'error', message: (err as Error).message })
      }
    })
  })
}
