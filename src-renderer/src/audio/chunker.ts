/**
 * The capture pipeline minus the browser: device-rate blocks in, 16 kHz mono
 * chunks of a fixed size out, each with its level. The AudioWorklet and the
 * ScriptProcessor fallback both drive this class, and unit tests drive it
 * directly. Memory is fixed: one resampler and one chunk-sized buffer.
 */
import { measureLevel, type Level } from './pcm'
import { StreamingResampler } from '../../../src-shared/resample'
import { ANALYSIS_RATE } from '../../../src-shared/audio'

export { ANALYSIS_RATE }

export interface RawChunk {
  /** Mono Float32 PCM at ANALYSIS_RATE, exactly chunkSamples long. */
  samples: Float32Array
  /** Index of the chunk's first sample since capture started (at ANALYSIS_RATE). */
  startSample: number
  level: Level
}

export class Chunker {
  private readonly resampler: StreamingResampler | null
  private chunk: Float32Array
  private fill = 0
  private emitted = 0

  constructor(
    readonly deviceRate: number,
    readonly chunkSamples: number,
    private readonly emit: (c: RawChunk) => void,
  ) {
    if (!Number.isInteger(chunkSamples) || chunkSamples < 160 || chunkSamples > ANALYSIS_RATE) {
      throw new Error(`chunk size ${chunkSamples} samples is outside 160..${ANALYSIS_RATE} (10 ms..1 s)`)
    }
    this.resampler = deviceRate === ANALYSIS_RATE ? null : new StreamingResampler(deviceRate, ANALYSIS_RATE)
    this.chunk = new Float32Array(chunkSamples)
  }

  /** Feeds one block of device-rate audio; channels are averaged to mono. */
  push(channels: Float32Array[]): void {
    if (channels.length === 0 || channels[0].length === 0) return
    let mono = channels[0]
    if (channels.length > 1) {
      mono = new Float32Array(channels[0].length)
      for (const ch of channels) for (let i = 0; i < mono.length; i++) mono[i] += ch[i]
      for (let i = 0; i < mono.length; i++) mono[i] /= channels.length
    }
    this.take(this.resampler ? this.resampler.push(mono) : mono)
  }

  private take(x: Float32Array): void {
    let o = 0
    while (o < x.length) {
      const n = Math.min(x.length - o, this.chunkSamples - this.fill)
      this.chunk.set(x.subarray(o, o + n), this.fill)
      this.fill += n
      o += n
      if (this.fill === this.chunkSamples) {
        const samples = this.chunk
        // The emitted array is handed over (transferable); start a new one.
        this.chunk = new Float32Array(this.chunkSamples)
        this.fill = 0
        this.emit({ samples, startSample: this.emitted * this.chunkSamples, level: measureLevel(samples) })
        this.emitted++
      }
    }
  }
}
