/**
 * One live session's analysis, independent of threads and transports:
 * 16 kHz chunks in -> ring buffer of the last window -> every hop, the VAD
 * summary and (when it says speech) the predictor's probabilities for the
 * window. If a push spans several hops only the newest window is evaluated
 * (the view wants the present, not a backlog); skipped hops are counted.
 * Memory is fixed after construction.
 */
import { StatWindow, SampleRing } from './ring'
import { VoiceActivity, type VadDetectorName, type VadSummary } from './vad'
import { makeVoicing } from './vad-detector'
import { LIVE_RATE } from '../../../src-shared/contract/live'
import type { UnfamiliarVerdict } from '../../../src-shared/contract/unfamiliar'

export { LIVE_RATE }

/** Epoch milliseconds with sub-ms precision, comparable between worker threads. */
export const epochNow = () => performance.timeOrigin + performance.now()

export interface WindowPrediction {
  probabilities: Record<string, number>
  top: string
  uncertain: boolean
  /** Outside what the model (or the enrolled takes) learned from: then the frame shows no estimate. */
  unfamiliar?: UnfamiliarVerdict
}

/** Turns one analysis window (16 kHz mono) into per-emotion probabilities. */
export interface WindowPredictor {
  readonly classes: string[]
  predictWindow(samples: Float32Array): WindowPrediction
}

export interface PipelineOptions {
  windowMs?: number
  hopMs?: number
  /** Frame detector (default DEFAULT_VAD_DETECTOR; the gate stands in, with a warning, when Silero cannot load). */
  detector?: VadDetectorName
}

export interface PipelineFrame {
  t: number
  seq: number
  vad: VadSummary
  probabilities: Record<string, number> | null
  top: string | null
  uncertain: boolean
  /** The window's unfamiliarity verdict (null when gated or the predictor has none). */
  unfamiliar: UnfamiliarVerdict | null
  /** When the chunk that completed this hop arrived (caller's clock, ms). */
  arrivedAt: number
  computeMs: number | null
}

export interface PipelineStats {
  receivedSamples: number
  ringCapacity: number
  ringSize: number
  frames: number
  inferences: number
  skippedHops: number
  computeMedianMs: number | null
  computeP95Ms: number | null
}

export class LivePipeline {
  readonly windowSamples: number
  readonly hopSamples: number
  private readonly ring: SampleRing
  private readonly window: Float32Array
  private readonly vad: VoiceActivity
  /** The detector in use, the one asked for, and why they differ (null when they do not). */
  readonly detector: { name: VadDetectorName; requested: VadDetectorName; fallback: string | null }
  private readonly compute = new StatWindow(200)
  private nextHop: number
  private frames = 0
  private inferences = 0
  private skipped = 0

  constructor(
    private readonly predictor: WindowPredictor,
    opts: PipelineOptions = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    const windowMs = opts.windowMs ?? 2000
    const hopMs = opts.hopMs ?? 250
    if (!(windowMs >= 100 && hopMs >= 10 && hopMs <= windowMs))
      throw new Error(`live window ${windowMs} ms / hop ${hopMs} ms: need 100 <= window and 10 <= hop <= window`)
    this.windowSamples = Math.round((windowMs * LIVE_RATE) / 1000)
    this.hopSamples = Math.round((hopMs * LIVE_RATE) / 1000)
    this.ring = new SampleRing(this.windowSamples)
    this.window = new Float32Array(this.windowSamples)
    const { voicing, requested, fallback } = makeVoicing(opts.detector)
    this.detector = { name: voicing.name, requested, fallback }
    this.vad = new VoiceActivity(Math.round(this.windowSamples / 160), voicing)
    this.nextHop = this.hopSamples
  }

  /** Adds a chunk; returns the frame it completes (at most one), or null. */
  push(samples: Float32Array, seq: number, arrivedAt: number): PipelineFrame | null {
    for (let i = 0; i < samples.length; i++) if (!Number.isFinite(samples[i])) throw new Error(`live audio chunk ${seq} has a non-finite sample at ${i}`)
    this.ring.write(samples)
    this.vad.push(samples)
    const total = this.ring.total
    if (total < this.nextHop) return null
    const hops = Math.floor((total - this.nextHop) / this.hopSamples) + 1
    this.skipped += hops - 1
    this.nextHop += hops * this.hopSamples
    this.frames++
    const vad = this.vad.summary()
    const frame: PipelineFrame = {
      t: total / LIVE_RATE,
      seq,
      vad,
      probabilities: null,
      top: null,
      uncertain: false,
      unfamiliar: null,
      arrivedAt,
      computeMs: null,
    }
    if (vad.state !== 'speech') return frame
    const t0 = this.now()
    const p = this.predictor.predictWindow(this.ring.latest(this.window))
    frame.computeMs = this.now() - t0
    this.compute.add(frame.computeMs)
    this.inferences++
    frame.unfamiliar = p.unfamiliar ?? null
    // Unfamiliar: no estimate at all, so no view, smoothing or timeline can show one as a measurement.
    if (p.unfamiliar?.unfamiliar) return frame
    frame.probabilities = p.probabilities
    frame.top = p.top
    frame.uncertain = p.uncertain
    return frame
  }

  stats(): PipelineStats {
    return {
      receivedSamples: this.ring.total,
      ringCapacity: this.ring.capacity,
      ringSize: this.ring.size,
      frames: this.frames,
      inferences: this.inferences,
      skippedHops: this.skipped,
      computeMedianMs: this.compute.quantile(0.5),
      computeP95Ms: this.compute.quantile(0.95),
    }
  }
}
