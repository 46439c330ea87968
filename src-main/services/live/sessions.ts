/**
 * Live sessions: one worker thread per microphone run (services/live/session-worker.ts).
 * Chunks are decoded here and handed to the worker; its results come back as
 * LiveFrames to the session's subscribers, with the latency measured from the
 * chunk's arrival in this process to the frame being delivered. Bounded: at
 * most `maxSessions` sessions, at most `maxInFlight` chunks queued per worker
 * (more are dropped and counted), sessions idle for `idleMs` are closed, and
 * no audio is ever written anywhere.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import type { Piscina } from 'piscina'
import { LIVE_RATE, type LiveFrame, type LivePushInput, type LiveSource, type LiveStartResult } from '../../../src-shared/contract/live'
import type { Workspace } from '../store/workspace'
import { createPool } from '../workers'
import { epochNow, type PipelineFrame } from './pipeline'
import { StatWindow } from './ring'
import { listSources, resolveSource } from './sources'
import type { LiveTask, WorkerIn } from './session-worker'
import { serviceErrorClass } from '../../../src-shared/errors'

export class LiveSessionError extends serviceErrorClass('LiveSessionError') {}

export interface LiveSessionsOptions {
  maxSessions?: number
  idleMs?: number
  maxInFlight?: number
}

type Listener = { frame: (f: LiveFrame) => void; end: (reason: string) => void }

interface Session {
  id: string
  source: LiveSource
  port: MessagePort
  abort: AbortController
  task: Promise<unknown>
  listeners: Set<Listener>
  expectSeq: number
  lost: number
  inFlight: number
  lastPush: number
  idleTimer: NodeJS.Timeout
  latency: StatWindow
  compute: StatWindow
  frames: number
  closed: boolean
}

export interface LiveSessionStats {
  frames: number
  lostChunks: number
  latencyMedianMs: number | null
  latencyP95Ms: number | null
  computeMedianMs: number | null
  samplesOfLatency: number
}

let nextId = 1
let pool: Piscina | null = null

/** One thread per running session; a thread lingers a minute after its session so a restart is quick. */
function livePool(maxThreads: number): Piscina {
  pool ??= createPool('live', { maxThreads, idleTimeout: 60_000 })
  return pool
}

/** Ends the live worker threads (tests, CLI exit). */
export async function closeLivePool(): Promise<void> {
  const p = pool
  pool = null
  if (p) await p.destroy()
}

export class LiveSessions {
  private readonly sessions = new Map<string, Session>()
  private readonly maxSessions: number
  private readonly idleMs: number
  private readonly maxInFlight: number

  constructor(
    private readonly ws: Workspace,
    opts: LiveSessionsOptions = {},
  ) {
    this.maxSessions = opts.maxSessions ?? 4
    this.idleMs = opts.idleMs ?? 15_000
    this.maxInFlight = opts.maxInFlight ?? 30
  }

  sources(): LiveSource[] {
    return listSources(this.ws)
  }

  async start(input: { source: string; windowMs: number; hopMs: number }): Promise<LiveStartResult> {
    if (this.sessions.size >= this.maxSessions) throw new LiveSessionError(`too many live sessions (${this.maxSessions}); stop one first`, 'busy')
    const { modelDir, profilePath, ...source } = resolveSource(this.ws, input.source)
    const { port1, port2 } = new MessageChannel()
    const abort = new AbortController()
    const id = `live-${nextId++}`
    const task = livePool(this.maxSessions)
      .run({ modelDir, profilePath, windowMs: input.windowMs, hopMs: input.hopMs, port: port2 } satisfies LiveTask, {
        transferList: [port2],
        signal: abort.signal,
      })
      .catch(() => undefined)
    try {
      await new Promise<void>((resolve, reject) => {
        port1.once('message', (m: { type: string; message?: string }) => {
          if (m.type === 'ready') resolve()
          else reject(new LiveSessionError(`${source.label}: ${m.message ?? 'the live worker did not start'}`))
        })
        port1.once('close', () => reject(new LiveSessionError(`the live worker stopped while loading ${source.label}`)))
      })
    } catch (err) {
      abort.abort()
      port1.close()
      throw err
    }
    const s: Session = {
      id,
      source,
      port: port1,
      abort,
      task,
      listeners: new Set(),
      expectSeq: 0,
      lost: 0,
      inFlight: 0,
      lastPush: Date.now(),
      idleTimer: setInterval(() => {
        if (Date.now() - s.lastPush > this.idleMs) this.close(s, `no audio for ${Math.round(this.idleMs / 1000)} s`)
      }, Math.min(5000, this.idleMs)).unref(),
      latency: new StatWindow(200),
      compute: new StatWindow(200),
      frames: 0,
      closed: false,
    }
    port1.on('message', (m: { type: string; frame?: PipelineFrame | null; message?: string }) => {
      if (m.type === 'result') {
        s.inFlight--
        if (m.frame) this.deliver(s, m.frame)
      } else if (m.type === 'error') {
        this.close(s, `live analysis failed: ${m.message}`)
      }
    })
    port1.on('close', () => this.close(s, 'the live worker stopped'))
    void task.then(() => this.close(s, 'the live worker stopped'))
    this.sessions.set(id, s)
    return { sessionId: id, source, windowMs: input.windowMs, hopMs: input.hopMs, sampleRate: LIVE_RATE }
  }

  private get(id: string): Session {
    const s = this.sessions.get(id)
    if (!s) throw new LiveSessionError(`no live session ${id} (stopped, timed out or never started)`, 'not_found')
    return s
  }

  /** Takes a validated chunk; returns how much audio is waiting in the worker and how many chunks were lost so far. */
  push(input: LivePushInput, arrivedAt = epochNow()): { bufferedMs: number; lostChunks: number } {
    const s = this.get(input.sessionId)
    s.lastPush = Date.now()
    if (input.seq < s.expectSeq) throw new LiveSessionError(`chunk ${input.seq} of ${s.id} arrived after chunk ${s.expectSeq - 1}`)
    s.lost += input.seq - s.expectSeq
    s.expectSeq = input.seq + 1
    let pcm: Int16Array | Float32Array
    if (input.pcm16 !== undefined) {
      const bytes = Buffer.from(input.pcm16, 'base64')
      // A fresh, aligned copy: Buffer may share a pool at an odd offset, and the copy is transferred.
      pcm = new Int16Array(bytes.length >> 1)
      new Uint8Array(pcm.buffer).set(bytes.subarray(0, pcm.byteLength))
    } else {
      pcm = Float32Array.from(input.samples!)
    }
    if (s.inFlight >= this.maxInFlight) {
      // The worker is more than maxInFlight chunks behind: drop rather than queue without bound.
      s.lost++
      return { bufferedMs: (s.inFlight * 1000 * pcm.length) / LIVE_RATE, lostChunks: s.lost }
    }
    s.inFlight++
    s.port.postMessage({ type: 'chunk', seq: input.seq, pcm, arrivedAt } satisfies WorkerIn, [pcm.buffer as ArrayBuffer])
    return { bufferedMs: (s.inFlight * 1000 * pcm.length) / LIVE_RATE, lostChunks: s.lost }
  }

  private deliver(s: Session, f: PipelineFrame): void {
    const latencyMs = f.probabilities || f.unfamiliar ? epochNow() - f.arrivedAt : null
    if (latencyMs !== null) s.latency.add(latencyMs)
    if (f.computeMs !== null) s.compute.add(f.computeMs)
    s.frames++
    const frame: LiveFrame = {
      sessionId: s.id,
      t: f.t,
      seq: f.seq,
      vad: f.vad,
      probabilities: f.probabilities,
      top: f.top,
      uncertain: f.uncertain,
      unfamiliar: f.unfamiliar,
      latencyMs,
      computeMs: f.computeMs,
    }
    for (const l of s.listeners) l.frame(frame)
  }

  subscribe(id: string, frame: Listener['frame'], end: Listener['end']): () => void {
    const s = this.get(id)
    const l = { frame, end }
    s.listeners.add(l)
    return () => s.listeners.delete(l)
  }

  stats(id: string): LiveSessionStats {
    const s = this.get(id)
    return {
      frames: s.frames,
      lostChunks: s.lost,
      latencyMedianMs: s.latency.quantile(0.5),
      latencyP95Ms: s.latency.quantile(0.95),
      computeMedianMs: s.compute.quantile(0.5),
      samplesOfLatency: s.latency.count,
    }
  }

  stop(id: string): boolean {
    const s = this.sessions.get(id)
    if (!s) return false
    this.close(s, 'stopped')
    return true
  }

  private close(s: Session, reason: string): void {
    if (s.closed) return
    s.closed = true
    clearInterval(s.idleTimer)
    this.sessions.delete(s.id)
    s.port.removeAllListeners('message')
    s.port.postMessage({ type: 'stop' } satisfies WorkerIn)
    s.port.close()
    for (const l of s.listeners) l.end(reason)
    s.listeners.clear()
  }

  stopAll(): void {
    for (const s of [...this.sessions.values()]) this.close(s, 'shutting down')
  }

  get size(): number {
    return this.sessions.size
  }
}

const perServices = new WeakMap<object, LiveSessions>()

/** The live sessions of one app instance (AppServices object), created on first use. */
export function liveSessionsFor(owner: object, ws: Workspace): LiveSessions {
  let l = perServices.get(owner)
  if (!l) {
    l = new LiveSessions(ws)
    perServices.set(owner, l)
  }
  return l
}
