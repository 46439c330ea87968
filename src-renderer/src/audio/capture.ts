/**
 * Microphone capture for the live view and for recording: mono Float32 PCM at
 * 16 kHz (ANALYSIS_RATE) in fixed-size chunks, each with its RMS/peak level.
 *
 * API
 *   import { startCapture, MicrophoneError, ANALYSIS_RATE } from '../audio'  // src-renderer/src/audio
 *   const mic = await startCapture({
 *     chunkMs: 100,                       // 10..1000 ms per chunk (default 100)
 *     deviceId: undefined,                // a MediaDeviceInfo.deviceId from listInputDevices()
 *     onChunk(c) {                        // c: CaptureChunk
 *       c.samples      // Float32Array, mono, 16 kHz, chunkMs long; yours to keep
 *       c.index        // 0, 1, 2, ... (no gaps: every captured sample is delivered)
 *       c.startSample  // position of c.samples[0] since start, in 16 kHz samples
 *       c.receivedAt   // performance.now() when the chunk reached the page
 *       c.level        // { rms, peak, rmsDb, peakDb, clipped } of this chunk
 *     },
 *     onEnded(reason) {},                 // the device went away (unplugged, revoked)
 *   })
 *   mic.method, mic.deviceRate, mic.deviceLabel, mic.chunkSamples
 *   await mic.stop()                      // releases the microphone (tracks stopped, context closed)
 *
 *   Errors: startCapture rejects with MicrophoneError { kind: 'denied' | 'no-device' | 'busy' |
 *   'unsupported' | 'other' } and a message a person can act on.
 *   Also: listInputDevices(), encodeWav16(samples, rate) / floatToInt16 / int16ToBase64 /
 *   measureLevel (./pcm), StreamingResampler (src-shared/resample.ts: the import path's filter, docs/audio.md).
 *
 * Permission is asked only inside startCapture, so call it from a click handler.
 * The AudioWorklet does the resampling off the main thread; where the worklet
 * cannot load (old engines, file:// quirks) a ScriptProcessorNode runs the same
 * Chunker on the main thread. Browser voice processing (echo cancellation,
 * noise suppression, automatic gain) is off by default: it distorts the very
 * prosody emotion recognition measures.
 */
import workletUrl from './capture-worklet.ts?worker&url'
import { ANALYSIS_RATE, Chunker, type RawChunk } from './chunker'
import type { Level } from './pcm'

export { ANALYSIS_RATE }

export interface CaptureChunk {
  samples: Float32Array
  index: number
  startSample: number
  receivedAt: number
  level: Level
}

export interface CaptureOptions {
  chunkMs?: number
  deviceId?: string
  /** Browser voice processing; all off unless asked for. */
  echoCancellation?: boolean
  noiseSuppression?: boolean
  autoGainControl?: boolean
  onChunk: (chunk: CaptureChunk) => void
  onEnded?: (reason: string) => void
}

export interface MicCapture {
  readonly method: 'audioworklet' | 'scriptprocessor'
  /** The AudioContext's rate (the device's), before resampling to 16 kHz. */
  readonly deviceRate: number
  readonly deviceLabel: string
  readonly chunkSamples: number
  readonly stopped: boolean
  stop(): Promise<void>
}

export type MicrophoneErrorKind = 'denied' | 'no-device' | 'busy' | 'unsupported' | 'other'

export class MicrophoneError extends Error {
  override name = 'MicrophoneError'
  constructor(
    readonly kind: MicrophoneErrorKind,
    message: string,
  ) {
    super(message)
  }
}

function explain(err: unknown): MicrophoneError {
  const e = err as { name?: string; message?: string }
  switch (e?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new MicrophoneError('denied', 'microphone access was refused: allow it for this app and try again')
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new MicrophoneError('no-device', 'no microphone was found: connect one or choose another input')
    case 'NotReadableError':
    case 'AbortError':
      return new MicrophoneError('busy', `the microphone could not be opened (in use by another program?): ${e.message ?? ''}`.trim())
    default:
      return new MicrophoneError('other', `microphone error: ${e?.message ?? String(err)}`)
  }
}

export async function listInputDevices(): Promise<MediaDeviceInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return []
  return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput')
}

export async function startCapture(opts: CaptureOptions): Promise<MicCapture> {
  const chunkMs = opts.chunkMs ?? 100
  if (!Number.isFinite(chunkMs) || chunkMs < 10 || chunkMs > 1000) throw new MicrophoneError('other', `chunkMs ${chunkMs} is outside 10..1000`)
  const chunkSamples = Math.round((chunkMs * ANALYSIS_RATE) / 1000)
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new MicrophoneError('unsupported', 'this page cannot use a microphone (needs a secure context: the app window or http://127.0.0.1)')
  }
  let stream: MediaStream
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        deviceId: opts.deviceId ? { exact: opts.deviceId } : undefined,
        channelCount: { ideal: 1 },
        echoCancellation: opts.echoCancellation ?? false,
        noiseSuppression: opts.noiseSuppression ?? false,
        autoGainControl: opts.autoGainControl ?? false,
      },
      video: false,
    })
  } catch (err) {
    throw explain(err)
  }
  const track = stream.getAudioTracks()[0]
  const ctx = new AudioContext({ latencyHint: 'interactive' })
  let index = 0
  let stopped = false
  const deliver = (c: RawChunk) => {
    if (stopped) return
    opts.onChunk({ samples: c.samples, index: index++, startSample: c.startSample, receivedAt: performance.now(), level: c.level })
  }
  let method: MicCapture['method'] = 'audioworklet'
  let node: AudioNode
  let release: () => void = () => {}
  try {
    const source = ctx.createMediaStreamSource(stream)
    try {
      await ctx.audioWorklet.addModule(new URL(workletUrl, location.href).href)
      const w = new AudioWorkletNode(ctx, 'ser-capture', {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        channelCount: 1,
        channelCountMode: 'explicit',
        processorOptions: { chunkSamples },
      })
      w.port.onmessage = (e: MessageEvent) => {
        const d = e.data as { type: string } & RawChunk
        if (d.type === 'chunk') deliver(d)
      }
      release = () => w.port.postMessage({ type: 'stop' })
      node = w
    } catch {
      // Same Chunker on the main thread; ScriptProcessorNode is deprecated but universal.
      method = 'scriptprocessor'
      const chunker = new Chunker(ctx.sampleRate, chunkSamples, deliver)
      const sp = ctx.createScriptProcessor(2048, 1, 1)
      sp.onaudioprocess = (e) => chunker.push([e.inputBuffer.getChannelData(0)])
      release = () => (sp.onaudioprocess = null)
      node = sp
    }
    source.connect(node)
    // A muted sink keeps the graph pulling audio without playing the microphone back.
    const mute = ctx.createGain()
    mute.gain.value = 0
    node.connect(mute).connect(ctx.destination)
    if (ctx.state === 'suspended') await ctx.resume()
  } catch (err) {
    stream.getTracks().forEach((t) => t.stop())
    await ctx.close().catch(() => {})
    throw explain(err)
  }
  const stop = async () => {
    if (stopped) return
    stopped = true
    release()
    stream.getTracks().forEach((t) => t.stop())
    await ctx.close().catch(() => {})
  }
  track?.addEventListener('ended', () => {
    if (stopped) return
    void stop()
    opts.onEnded?.('the microphone was disconnected or its permission revoked')
  })
  return {
    method,
    deviceRate: ctx.sampleRate,
    deviceLabel: track?.label || 'microphone',
    chunkSamples,
    get stopped() {
      return stopped
    },
    stop,
  }
}
