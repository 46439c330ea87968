/**
 * The live pipeline in-process with the shipped default model and generated
 * speech: the top emotion follows the rendered emotion, silence and noise show
 * none, the gate closes soon after speech stops, and an hour of audio leaves
 * memory where it was.
 */
import path from 'node:path'
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'
import seedrandom from 'seedrandom'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadForAnalysis } from '../../../src-main/services/audio/index'
import { LivePipeline, loadWindowPredictor, SampleRing, StatWindow, type PipelineFrame, type WindowPredictor } from '../../../src-main/services/live/index'
import { defaultModelDir } from '../../../src-main/services/model/default-model'
import { silenceFile, speechStream } from './live-speech'

let predictor: WindowPredictor
const streams: Record<string, Float32Array> = {}

beforeAll(async () => {
  const dir = defaultModelDir()
  predictor = await loadWindowPredictor(dir, path.join(dir, 'profile.json'))
  for (const emotion of ['angry', 'sad'] as const) streams[emotion] = await loadForAnalysis(await speechStream({ emotion }))
})

function run(p: LivePipeline, x: Float32Array, chunk = 1600): PipelineFrame[] {
  const out: PipelineFrame[] = []
  for (let o = 0, seq = 0; o < x.length; o += chunk, seq++) {
    const f = p.push(x.subarray(o, Math.min(x.length, o + chunk)), seq, 0)
    if (f) out.push(f)
  }
  return out
}

function topCounts(frames: PipelineFrame[]): Record<string, number> {
  const c: Record<string, number> = {}
  for (const f of frames) if (f.top) c[f.top] = (c[f.top] ?? 0) + 1
  return c
}

const noise = (seconds: number, db: number, seed = 'n') => {
  const rnd = seedrandom(seed)
  const amp = 10 ** (db / 20) * Math.sqrt(3)
  return Float32Array.from({ length: seconds * 16000 }, () => (rnd() * 2 - 1) * amp)
}

describe('LivePipeline with the default model', () => {
  it('emits a frame per 250 ms hop and follows the rendered emotion (angry vs sad)', () => {
    const tops: Record<string, string> = {}
    const meanSad: Record<string, number> = {}
    for (const emotion of ['angry', 'sad']) {
      const frames = run(new LivePipeline(predictor), streams[emotion])
      // one frame per hop: 100 ms chunks cross a 250 ms boundary every 2-3 chunks
      expect(frames.length).toBe(Math.floor(streams[emotion].length / 4000))
      // speech windows: answered (probabilities) or withheld as unfamiliar (this clean rendering has no recording channel,
      // which every clip of the model's corpus had: docs/live.md, Unfamiliar); a withheld frame carries no estimate at all
      const voiced = frames.filter((f) => f.vad.state === 'speech')
      expect(voiced.length).toBeGreaterThan(frames.length * 0.6)
      for (const f of voiced) expect(f.probabilities === null).toBe(f.unfamiliar!.unfamiliar)
      const speech = frames.filter((f) => f.probabilities)
      expect(speech.length).toBeGreaterThan(voiced.length * 0.2)
      for (const f of speech) {
        const sum = Object.values(f.probabilities!).reduce((a, b) => a + b, 0)
        expect(sum).toBeCloseTo(1, 5)
        expect(f.computeMs).toBeGreaterThan(0)
      }
      meanSad[emotion] = speech.reduce((a, f) => a + (f.probabilities!.sad ?? 0), 0) / speech.length
      const counts = topCounts(frames)
      tops[emotion] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0]
      // a clear plurality, not a coin toss: the default model is an honest demonstration model (held-out
      // accuracy about 0.43 on unseen generated speakers, chance 1/6), so its top share must be at least
      // twice the chance level of its classes rather than a near-perfect majority
      const chance = 1 / predictor.classes.length
      console.log(`${emotion}: top ${tops[emotion]} in ${counts[tops[emotion]]} of ${speech.length} speech frames (chance ${chance.toFixed(3)})`)
      expect(counts[tops[emotion]] / speech.length).toBeGreaterThan(2 * chance)
    }
    expect(tops.angry).toBe('angry')
    // the demonstration model confuses sad with disgust on clean rendered speech (docs/live.md); the
    // pipeline must still move towards sad: a different top emotion and more probability on sad
    expect(tops.sad).not.toBe(tops.angry)
    expect(meanSad.sad).toBeGreaterThan(2 * meanSad.angry)
  })

  it('shows no emotion for digital silence, quiet hiss or loud broadband noise', async () => {
    const silence = await loadForAnalysis(silenceFile(4))
    const cases: [string, Float32Array, string[]][] = [
      ['silence', silence, ['silence']],
      ['hiss at -70 dBFS', noise(6, -70), ['silence']],
      ['noise at -20 dBFS', noise(6, -20), ['noise', 'silence']],
    ]
    for (const [name, x, states] of cases) {
      const frames = run(new LivePipeline(predictor), x)
      expect(frames.length, name).toBeGreaterThan(10)
      expect(frames.filter((f) => f.probabilities !== null), name).toEqual([])
      expect(frames.filter((f) => f.top !== null), name).toEqual([])
      expect(new Set(frames.map((f) => f.vad.state)), name).toEqual(new Set(frames.map((f) => f.vad.state).filter((s) => states.includes(s))))
    }
  })

  it('closes the gate within 0.5 s after the talker stops', () => {
    const speech = streams.angry.subarray(0, 5 * 16000)
    const x = new Float32Array(speech.length + 4 * 16000)
    x.set(speech)
    const frames = run(new LivePipeline(predictor), x)
    const lastSpeech = Math.max(...frames.filter((f) => f.probabilities).map((f) => f.t))
    // the stream's own last voiced sample sits somewhere before 5 s; the gate must not outlive it by much
    expect(lastSpeech).toBeGreaterThan(2)
    expect(lastSpeech).toBeLessThanOrEqual(5 + 0.5 + 0.25)
    expect(frames.filter((f) => f.t > 6).every((f) => f.probabilities === null)).toBe(true)
  })

  it('refuses non-finite samples with the chunk number', () => {
    const p = new LivePipeline(predictor)
    expect(() => p.push(Float32Array.from([0, NaN]), 7, 0)).toThrow(/chunk 7 has a non-finite sample at 1/)
  })

  it('runs an hour of audio with bounded buffers and no heap growth', () => {
    v8.setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const p = new LivePipeline(predictor)
    const quiet = noise(60, -65, 'hour')
    const talk = streams.angry.subarray(0, 3 * 16000)
    const minute = new Float32Array(60 * 16000)
    minute.set(quiet)
    minute.set(talk, 20 * 16000)
    const pushMinute = () => run(p, minute).length
    let frames = 0
    for (let m = 0; m < 5; m++) frames += pushMinute()
    gc()
    const heapAfter5 = process.memoryUsage().heapUsed
    for (let m = 5; m < 60; m++) frames += pushMinute()
    gc()
    const growth = process.memoryUsage().heapUsed - heapAfter5
    const s = p.stats()
    expect(s.receivedSamples).toBe(3600 * 16000)
    expect(frames).toBe(3600 * 4)
    expect(s.ringSize).toBeLessThanOrEqual(s.ringCapacity)
    expect(s.ringCapacity).toBe(32000)
    // ~ 10 speech windows a minute were really analysed
    expect(s.inferences).toBeGreaterThan(60 * 5)
    // measured ~0 (±10 kB); keeping every frame (~200 B per hop) would add ~2.9 MB
    expect(growth).toBeLessThan(1024 * 1024)
  })
})

describe('fixed-size buffers', () => {
  it('SampleRing keeps the newest samples in order across wrap-around, zero-padding a short stream', () => {
    const r = new SampleRing(5)
    r.write(Float32Array.from([1, 2, 3]))
    expect(Array.from(r.latest(new Float32Array(5)))).toEqual([0, 0, 1, 2, 3])
    r.write(Float32Array.from([4, 5, 6, 7]))
    expect(Array.from(r.latest(new Float32Array(5)))).toEqual([3, 4, 5, 6, 7])
    r.write(Float32Array.from([8, 9, 10, 11, 12, 13, 14]))
    expect(Array.from(r.latest(new Float32Array(3)))).toEqual([12, 13, 14])
    expect(r.total).toBe(14)
  })

  it('StatWindow reports quantiles of the last N values only', () => {
    const w = new StatWindow(4)
    expect(w.quantile(0.5)).toBeNull()
    for (const v of [100, 100, 1, 2, 3, 4]) w.add(v)
    expect(w.count).toBe(4)
    expect(w.quantile(0.5)).toBe(2.5)
    expect(w.quantile(1)).toBe(4)
  })
})
