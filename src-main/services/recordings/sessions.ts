/**
 * Recording sessions: PCM arrives in numbered chunks while the user records and is
 * held in memory (at most MAX_RECORDING_SEC of 16-bit audio, ~3.8 MB) until
 * finish() writes it. A session nobody touches for IDLE_MS is dropped, so a
 * closed window cannot leak memory; nothing reaches the disk before finish().
 */
import crypto from 'node:crypto'
import type { Workspace } from '../store/workspace'
import { MAX_CHUNK_SAMPLES, MAX_RECORDING_SEC, RECORDING_RATE, type Recording } from '../../../src-shared/contract/recordings'
import { RecordingError, saveRecording } from './store'

export const IDLE_MS = 60_000
export const MAX_SESSIONS = 8

interface Session {
  id: string
  person: string
  emotion: string | null
  annotator?: string
  chunks: Int16Array[]
  samples: number
  nextSeq: number
  timer: NodeJS.Timeout
}

/** Base64 of little-endian Int16 -> samples, with the problems named. */
export function decodePcm(b64: string): Int16Array {
  const bytes = Buffer.from(b64, 'base64')
  if (bytes.length === 0) throw new RecordingError('an audio chunk is empty')
  if (bytes.length % 2 !== 0) throw new RecordingError(`an audio chunk holds ${bytes.length} bytes, not whole 16-bit samples`)
  if (bytes.length / 2 > MAX_CHUNK_SAMPLES)
    throw new RecordingError(`an audio chunk holds ${bytes.length / 2} samples, at most ${MAX_CHUNK_SAMPLES} are accepted`)
  const out = new Int16Array(bytes.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(i * 2)
  return out
}

export class RecordingSessions {
  private readonly sessions = new Map<string, Session>()

  constructor(
    private readonly ws: Workspace,
    private readonly idleMs = IDLE_MS,
  ) {}

  start(opts: { person: string; emotion: string | null; annotator?: string }): { sessionId: string; maxSeconds: number; maxChunkSamples: number } {
    if (this.sessions.size >= MAX_SESSIONS) throw new RecordingError(`${MAX_SESSIONS} recordings are already open; finish or cancel one first`)
    const id = `rec-${crypto.randomBytes(8).toString('hex')}`
    const s: Session = {
      id,
      person: opts.person,
      emotion: opts.emotion,
      annotator: opts.annotator,
      chunks: [],
      samples: 0,
      nextSeq: 0,
      timer: this.idleTimer(id),
    }
    this.sessions.set(id, s)
    return { sessionId: id, maxSeconds: MAX_RECORDING_SEC, maxChunkSamples: MAX_CHUNK_SAMPLES }
  }

  private idleTimer(id: string): NodeJS.Timeout {
    const t = setTimeout(() => this.sessions.delete(id), this.idleMs)
    t.unref()
    return t
  }

  private get(id: string): Session {
    const s = this.sessions.get(id)
    if (!s) throw new RecordingError(`no open recording ${id} (finished, cancelled, or idle for more than ${Math.round(this.idleMs / 1000)} s)`)
    clearTimeout(s.timer)
    s.timer = this.idleTimer(id)
    return s
  }

  append(id: string, seq: number, pcm: string): { seconds: number; chunks: number } {
    const s = this.get(id)
    if (seq < s.nextSeq) return { seconds: s.samples / RECORDING_RATE, chunks: s.nextSeq } // a retried send: already have it
    if (seq > s.nextSeq) throw new RecordingError(`audio chunk ${seq} arrived but chunk ${s.nextSeq} was expected: a chunk was lost, record again`)
    const samples = decodePcm(pcm)
    if (s.samples + samples.length > MAX_RECORDING_SEC * RECORDING_RATE) {
      throw new RecordingError(`the recording would exceed ${MAX_RECORDING_SEC} s; stop and save it, then record another`)
    }
    s.chunks.push(samples)
    s.samples += samples.length
    s.nextSeq++
    return { seconds: s.samples / RECORDING_RATE, chunks: s.nextSeq }
  }

  /** Writes the WAV and imports the clip; the session is closed either way. */
  finish(id: string): Recording {
    const s = this.get(id)
    this.close(id)
    const all = new Int16Array(s.samples)
    let o = 0
    for (const c of s.chunks) {
      all.set(c, o)
      o += c.length
    }
    return saveRecording(this.ws, { person: s.person, emotion: s.emotion, annotator: s.annotator, samples: all })
  }

  cancel(id: string): boolean {
    return this.close(id)
  }

  private close(id: string): boolean {
    const s = this.sessions.get(id)
    if (!s) return false
    clearTimeout(s.timer)
    this.sessions.delete(id)
    return true
  }

  get open(): number {
    return this.sessions.size
  }

  closeAll(): void {
    for (const id of [...this.sessions.keys()]) this.close(id)
  }
}

// One set of sessions per open workspace; the router reaches it through the workspace object.
const byWorkspace = new WeakMap<Workspace, RecordingSessions>()

export function sessionsFor(ws: Workspace): RecordingSessions {
  let s = byWorkspace.get(ws)
  if (!s) {
    s = new RecordingSessions(ws)
    byWorkspace.set(ws, s)
  }
  return s
}
