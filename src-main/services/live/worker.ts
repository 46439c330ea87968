/**
 * Worker thread 'live' (services/workers.ts WORKER_ENTRIES): one per live
 * session, holding the model, the ring buffer and the VAD, so feature
 * extraction and inference never block the server's event loop. Messages:
 *   in:  { type: 'init', modelDir, profilePath, windowMs, hopMs } | { type: 'chunk', seq, pcm: Int16Array | Float32Array, arrivedAt } | { type: 'stop' }
 *   out: { type: 'ready' } | { type: 'error', message } | { type: 'result', seq, frame: PipelineFrame | null, doneAt }
 * Times are epoch milliseconds with sub-ms precision (timeOrigin + now), comparable across threads.
 */
import { parentPort } from 'node:worker_threads'
import { epochNow, LivePipeline } from './pipeline'
import { loadWindowPredictor } from './predictor'

export type WorkerIn =
  | { type: 'init'; modelDir: string; profilePath: string; windowMs: number; hopMs: number }
  | { type: 'chunk'; seq: number; pcm: Int16Array | Float32Array; arrivedAt: number }
  | { type: 'stop' }

let pipeline: LivePipeline | null = null
const port = parentPort
if (port) {
  port.on('message', async (m: WorkerIn) => {
    try {
      if (m.type === 'init') {
        const predictor = await loadWindowPredictor(m.modelDir, m.profilePath)
        pipeline = new LivePipeline(predictor, { windowMs: m.windowMs, hopMs: m.hopMs })
        port.postMessage({ type: 'ready' })
      } else if (m.type === 'chunk') {
        if (!pipeline) throw new Error('live worker: audio before the model was loaded')
        let x: Float32Array
        if (m.pcm instanceof Float32Array) x = m.pcm
        else {
          x = new Float32Array(m.pcm.length)
          for (let i = 0; i < x.length; i++) x[i] = m.pcm[i] / 32767
        }
        const frame = pipeline.push(x, m.seq, m.arrivedAt)
        port.postMessage({ type: 'result', seq: m.seq, frame, doneAt: epochNow() })
      } else if (m.type === 'stop') {
        port.close()
      }
    } catch (err) {
      port.postMessage({ type: 'error', message: (err as Error).message })
    }
  })
}
