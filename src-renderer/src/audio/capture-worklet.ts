/**
 * AudioWorklet processor 'ser-capture': resamples the microphone to 16 kHz mono
 * in the audio thread and posts fixed-size chunks (Float32Array, transferred)
 * with their level to the main thread. Bundled on its own via `?worker&url`.
 */
import { Chunker, type RawChunk } from './chunker'

// The AudioWorkletGlobalScope is not in TypeScript's DOM lib.
declare const sampleRate: number
declare function registerProcessor(name: string, ctor: unknown): void
declare class AudioWorkletProcessor {
  readonly port: MessagePort
  constructor(options?: { processorOptions?: unknown })
}

class CaptureProcessor extends AudioWorkletProcessor {
  private chunker: Chunker
  private stopped = false

  constructor(options: { processorOptions?: { chunkSamples?: number } }) {
    super(options)
    const chunkSamples = options.processorOptions?.chunkSamples ?? 1600
    this.chunker = new Chunker(sampleRate, chunkSamples, (c: RawChunk) => {
      this.port.postMessage({ type: 'chunk', samples: c.samples, startSample: c.startSample, level: c.level }, [c.samples.buffer])
    })
    this.port.onmessage = (e: MessageEvent) => {
      if ((e.data as { type?: string })?.type === 'stop') this.stopped = true
    }
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false
    const input = inputs[0]
    if (input && input.length) this.chunker.push(input)
    return true
  }
}

registerProcessor('ser-capture', CaptureProcessor)
