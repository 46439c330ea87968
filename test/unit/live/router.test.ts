/**
 * The live router end to end in-process: real worker thread, real default
 * model, generated speech pushed as base64 Int16 like the renderer sends it,
 * frames read back from the subscription; plus the contract's refusals.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { appRouter } from '../../../src-main/api/router'
import { createCallerFactory } from '../../../src-main/api/trpc'
import { JobRegistry } from '../../../src-main/services/jobs/registry'
import { loadForAnalysis } from '../../../src-main/services/audio/index'
import { closeLivePool, liveSessionsFor } from '../../../src-main/services/live/sessions'
import type { LiveFrame } from '../../../src-shared/contract/live'
import { LivePushSchema } from '../../../src-shared/contract/live'
import { floatToInt16, int16ToBase64 } from '../../../src-renderer/src/audio/pcm'
import { tempWorkspace } from '../../helpers/workspace'
import { speechStream } from './live-speech'

const ws = tempWorkspace()
const services = { ws, jobs: new JobRegistry() }
const caller = createCallerFactory(appRouter)({ services, transport: 'direct' })
afterAll(async () => {
  liveSessionsFor(services, ws).stopAll()
  await closeLivePool()
  ws.cleanup()
})

async function collect(
  iterable: AsyncIterable<LiveFrame>,
  until: (frames: LiveFrame[]) => boolean,
  timeoutMs = 60_000,
  frames: LiveFrame[] = [],
): Promise<LiveFrame[]> {
  const it = iterable[Symbol.asyncIterator]()
  const deadline = Date.now() + timeoutMs
  while (!until(frames)) {
    if (Date.now() > deadline) throw new Error(`timed out with ${frames.length} frames`)
    const r = await it.next()
    if (r.done) break
    frames.push(r.value)
  }
  await it.return?.()
  return frames
}

describe('live router', () => {
  it('lists the shipped default model as a source', async () => {
    const sources = await caller.live.sources()
    const d = sources.find((s) => s.id === 'default')!
    expect(d.kind).toBe('default')
    expect(d.classes).toContain('angry')
    expect(d.extractor).toBe('egemaps')
  })

  it('streams frames with measured latency for speech pushed as base64 Int16 chunks', async () => {
    const samples = await loadForAnalysis(await speechStream({ emotion: 'angry' }))
    const started = await caller.live.start({ source: 'default' })
    expect(started).toMatchObject({ windowMs: 2000, hopMs: 250, sampleRate: 16000 })
    const sub = (await caller.live.frames({ sessionId: started.sessionId })) as AsyncIterable<LiveFrame>
    const seen: LiveFrame[] = []
    const done = collect(sub, (f) => f.length >= 20, 300_000, seen)
    const seconds = 6
    for (let seq = 0; seq < seconds * 10; seq++) {
      // paced by the frames that came back, not by the clock: at most 1.5 s of audio beyond the last frame is
      // on its way (the session drops chunks beyond 30 in flight), however slow the machine
      while (seq >= 20 && (seen.at(-1)?.t ?? 0) < (seq - 15) / 10) await new Promise((res) => setTimeout(res, 10))
      const pcm16 = int16ToBase64(floatToInt16(samples.subarray(seq * 1600, (seq + 1) * 1600)))
      const r = await caller.live.push({ sessionId: started.sessionId, seq, pcm16 })
      expect(r.lostChunks).toBe(0)
    }
    const frames = await done
    expect(frames.length).toBeGreaterThanOrEqual(20)
    const speech = frames.filter((f) => f.probabilities)
    expect(speech.length).toBeGreaterThan(5)
    for (const f of speech) {
      // measured, not bounded: how long it takes is the machine's (npm run bench -- live measures it)
      expect(Number.isFinite(f.latencyMs) && f.latencyMs! > 0).toBe(true)
      expect(f.sessionId).toBe(started.sessionId)
    }
    expect(speech.filter((f) => f.top === 'angry').length).toBeGreaterThan(speech.length / 2)
    const stats = liveSessionsFor(services, ws).stats(started.sessionId)
    expect(stats.samplesOfLatency).toBeGreaterThan(5)
    expect(await caller.live.stop({ sessionId: started.sessionId })).toEqual({ stopped: true })
    await expect(caller.live.push({ sessionId: started.sessionId, seq: 61, samples: [0] })).rejects.toThrow(/no live session live-\d+/)
  })

  it('counts lost chunks from sequence gaps and refuses chunks out of order', async () => {
    const { sessionId } = await caller.live.start({ source: 'default', hopMs: 500 })
    const zeros = new Array(1600).fill(0)
    expect((await caller.live.push({ sessionId, seq: 0, samples: zeros })).lostChunks).toBe(0)
    expect((await caller.live.push({ sessionId, seq: 3, samples: zeros })).lostChunks).toBe(2)
    await expect(caller.live.push({ sessionId, seq: 1, samples: zeros })).rejects.toThrow(/chunk 1 .* arrived after chunk 3/)
    await caller.live.stop({ sessionId })
  })

  it('names what is wrong with a bad source or a bad chunk', async () => {
    await expect(caller.live.start({ source: 'model:99' })).rejects.toThrow(/no model with id 99/)
    await expect(caller.live.start({ source: 'profile:5' })).rejects.toThrow(/no profile with id 5/)
    await expect(caller.live.start({ source: '../etc' as 'default' })).rejects.toThrow(/live source is 'default'/)
    await expect(caller.live.push({ sessionId: 'live-1', seq: 0, pcm16: 'not base64!' })).rejects.toThrow(/pcm16 must be base64/)
    await expect(caller.live.push({ sessionId: 'live-1', seq: 0, samples: [0, Number.NaN] })).rejects.toThrow(/samples/)
  })
})

describe('live contract', () => {
  const ok = { sessionId: 'live-1', seq: 0 }
  it('bounds chunk size, requires whole samples and exactly one payload', () => {
    const oneSecond = Buffer.alloc(32000).toString('base64')
    expect(LivePushSchema.safeParse({ ...ok, pcm16: oneSecond }).success).toBe(true)
    const tooLong = Buffer.alloc(32002).toString('base64')
    expect(LivePushSchema.safeParse({ ...ok, pcm16: tooLong }).error?.issues[0].message).toMatch(/at most 16000 samples/)
    expect(LivePushSchema.safeParse({ ...ok, pcm16: Buffer.alloc(3).toString('base64') }).error?.issues[0].message).toMatch(/whole 16-bit samples/)
    expect(LivePushSchema.safeParse({ ...ok, samples: new Array(16001).fill(0) }).success).toBe(false)
    expect(LivePushSchema.safeParse({ ...ok, samples: [2] }).success).toBe(false)
    expect(LivePushSchema.safeParse({ ...ok, samples: [Infinity] }).success).toBe(false)
    expect(LivePushSchema.safeParse({ ...ok }).error?.issues[0].message).toMatch(/exactly one of pcm16 or samples/)
    expect(LivePushSchema.safeParse({ ...ok, sessionId: 'x', samples: [0] }).error?.issues[0].message).toMatch(/live-3/)
  })
})
