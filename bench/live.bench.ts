/**
 * Live view: latency from a chunk's arrival at the server to the probabilities
 * of the window it completes (median, p95), and CPU use at steady state, for a
 * real-time stream of generated angry speech (mostly voiced, so nearly every
 * 250 ms hop runs features + model: the expensive case) through the same
 * router, zod contract, worker thread and default model the app uses.
 * CPU is process.cpuUsage() (all threads of this process) over the steady-state
 * part of the stream, as % of one core; the chunks are base64-encoded before
 * the clock starts (the renderer does that, not the server).
 * Also: what the chunk encoding on the wire costs (base64 Int16 vs a JSON number array).
 * The frames name the VAD detector that ran (the default, Silero; bench/live-vad.bench.ts compares it with the gate).
 * Targets: median <= 150 ms, <= 15% of one core.
 */
import { appRouter } from '../src-main/api/router'
import { createCallerFactory } from '../src-main/api/trpc'
import { loadForAnalysis } from '../src-main/services/audio/index'
import { JobRegistry } from '../src-main/services/jobs/registry'
import { closeLivePool, liveSessionsFor } from '../src-main/services/live/sessions'
import { DEFAULT_VAD_DETECTOR } from '../src-main/services/live/vad-detector'
import { openWorkspace } from '../src-main/services/store/workspace'
import { LivePushSchema, type LiveFrame } from '../src-shared/contract/live'
import { floatToInt16, int16ToBase64 } from '../src-renderer/src/audio/pcm'
import { speechStream } from '../test/unit/live/live-speech'
import path from 'node:path'
import { withinReference, type BenchContext, type BenchRow } from './harness'

const CHUNK = 1600 // 100 ms at 16 kHz, what the renderer sends
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)))

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  return s[lo] + (s[Math.ceil(pos)] - s[lo]) * (pos - lo)
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const warmSec = 3
  const measureSec = ctx.quick ? 6 : 20
  const samples = await loadForAnalysis(await speechStream({ emotion: 'angry' }))
  const chunks: string[] = []
  for (let i = 0; i < ((warmSec + measureSec) * 16000) / CHUNK; i++) {
    const o = (i * CHUNK) % (samples.length - CHUNK)
    chunks.push(int16ToBase64(floatToInt16(samples.subarray(o, o + CHUNK))))
  }
  const ws = openWorkspace(path.join(ctx.tmpDir, 'ws'))
  const services = { ws, jobs: new JobRegistry() }
  const caller = createCallerFactory(appRouter)({ services, transport: 'direct' })
  try {
    const { sessionId } = await caller.live.start({ source: 'default' })
    const frames: { f: LiveFrame; at: number }[] = []
    const sub = (await caller.live.frames({ sessionId })) as AsyncIterable<LiveFrame>
    const reading = (async () => {
      for await (const f of sub) frames.push({ f, at: performance.now() })
    })()
    const t0 = performance.now()
    let cpu0: NodeJS.CpuUsage | null = null
    let tCpu0 = 0
    for (let seq = 0; seq < chunks.length; seq++) {
      // Real time: chunk k is due at k * 100 ms (drift-free pacing).
      await sleep(t0 + seq * 100 - performance.now())
      if (seq === (warmSec * 16000) / CHUNK) {
        cpu0 = process.cpuUsage()
        tCpu0 = performance.now()
      }
      await caller.live.push({ sessionId, seq, pcm16: chunks[seq] })
    }
    await sleep(300)
    const cpu = process.cpuUsage(cpu0!)
    const wall = performance.now() - tCpu0
    const stats = liveSessionsFor(services, ws).stats(sessionId)
    await caller.live.stop({ sessionId })
    await reading
    const steady = frames.filter((x) => x.f.t > warmSec && x.f.latencyMs !== null)
    const lat = steady.map((x) => x.f.latencyMs!)
    const compute = steady.map((x) => x.f.computeMs!)
    if (lat.length < 5) throw new Error(`only ${lat.length} speech frames in the steady state: the VAD gate stayed closed?`)
    const detectors = [...new Set(frames.map((x) => x.f.vad.detector))]
    if (detectors.join() !== DEFAULT_VAD_DETECTOR)
      throw new Error(`the live frames say VAD ${detectors.join(', ')}, not the default ${DEFAULT_VAD_DETECTOR}: did Silero fail to load in the worker?`)
    const median = quantile(lat, 0.5)
    const p95 = quantile(lat, 0.95)
    const cpuPct = ((cpu.user + cpu.system) / 1000 / wall) * 100
    ctx.log(
      `${frames.length} frames, ${steady.length} with probabilities in ${(wall / 1000).toFixed(1)} s steady state; lost chunks ${stats.lostChunks}; ` +
        `VAD ${detectors.join(', ')}`,
    )
    ctx.log(
      `latency median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms; compute median ${quantile(compute, 0.5).toFixed(1)} ms; ` +
        `CPU ${cpuPct.toFixed(1)}% of one core`,
    )

    // Wire format: zod validation + decoding per chunk, and its JSON size
    const b64 = chunks[40]
    const arr = Array.from(floatToInt16(samples.subarray(40 * CHUNK, 41 * CHUNK)), (v) => v / 32767)
    const reps = ctx.quick ? 500 : 3000
    let t = performance.now()
    for (let i = 0; i < reps; i++) {
      const v = LivePushSchema.parse({ sessionId, seq: i, pcm16: b64 })
      const bytes = Buffer.from(v.pcm16!, 'base64')
      new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))
    }
    const b64Us = ((performance.now() - t) / reps) * 1000
    t = performance.now()
    for (let i = 0; i < reps; i++) Float32Array.from(LivePushSchema.parse({ sessionId, seq: i, samples: arr }).samples!)
    const arrUs = ((performance.now() - t) / reps) * 1000
    const b64Bytes = JSON.stringify({ sessionId, seq: 1, pcm16: b64 }).length
    const arrBytes = JSON.stringify({ sessionId, seq: 1, samples: arr }).length
    ctx.log(
      `100 ms chunk on the wire: base64 Int16 ${b64Bytes} B, ${b64Us.toFixed(1)} µs to validate+decode; number array ${arrBytes} B, ${arrUs.toFixed(1)} µs`,
    )

    return [
      withinReference('live latency, chunk in -> probabilities out, median (ms)', median, 'ms', { name: 'target', value: 150 }),
      { name: 'live latency, 95th percentile (ms)', value: p95, unit: 'ms', reference: { name: 'target (median)', value: 150 }, ratio: p95 / 150 },
      withinReference('live CPU at steady state (% of one core)', cpuPct, '% core', { name: 'target', value: 15 }),
      { name: 'live features + model per 2 s window, median (ms)', value: quantile(compute, 0.5), unit: 'ms' },
      {
        name: 'live chunk validate+decode, base64 Int16 (µs/100 ms chunk)',
        value: b64Us,
        unit: 'µs',
        reference: { name: 'JSON number array', value: arrUs },
        ratio: b64Us / arrUs,
        note: `${b64Bytes} B vs ${arrBytes} B per chunk`,
      },
    ]
  } finally {
    liveSessionsFor(services, ws).stopAll()
    await closeLivePool()
    ws.close()
  }
}
