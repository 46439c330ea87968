/**
 * Piscina worker ('corpus-import'): reads one file, hashes it (sha256 of the
 * bytes) and decodes it fully, so a clip enters the database only when every
 * sample decodes. Never throws: a bad file comes back as { ok: false, reason }.
 */
import crypto from 'node:crypto'
import { AudioDecodeError, decodeAudioBuffer, readAudioBytes } from '../audio/index'

export interface ProbeTask {
  path: string
  /** name used in messages (the path relative to the corpus root) */
  name: string
  /** shared flag, 1 = the import was cancelled: the task stops (and kills its ffmpeg) */
  cancel?: Int32Array
}

export type ProbeResult =
  | { ok: true; hash: string; bytes: number; durationSec: number; sampleRate: number; channels: number; format: string }
  | { ok: false; reason: string; cancelled?: boolean }

const CANCELLED = { ok: false, reason: 'import cancelled', cancelled: true } as const

export async function probeFile(task: ProbeTask): Promise<ProbeResult> {
  const isCancelled = () => !!task.cancel && Atomics.load(task.cancel, 0) === 1
  if (isCancelled()) return CANCELLED
  const controller = new AbortController()
  const watch = task.cancel ? setInterval(() => isCancelled() && controller.abort(), 20) : null
  try {
    const r = await probe(task, controller.signal)
    return isCancelled() && !r.ok ? CANCELLED : r
  } finally {
    if (watch) clearInterval(watch)
  }
}

async function probe(task: ProbeTask, signal: AbortSignal): Promise<ProbeResult> {
  let bytes: Buffer
  try {
    // stat first: a device, FIFO or over-size file is refused without being opened or read
    bytes = await readAudioBytes(task.path, task.name)
  } catch (err) {
    const problem = err instanceof AudioDecodeError ? err.problem : (err as Error).message
    return { ok: false, reason: `cannot read ${task.name}: ${problem.replace(/^cannot read: /, '')}` }
  }
  const hash = crypto.createHash('sha256').update(bytes).digest('hex')
  try {
    const d = await decodeAudioBuffer(bytes, task.name, { signal })
    return { ok: true, hash, bytes: bytes.length, durationSec: d.durationSec, sampleRate: d.sampleRate, channels: d.channels.length, format: d.format }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err)
    return { ok: false, reason: msg.startsWith('cannot decode') ? msg : `cannot decode ${task.name}: ${msg}` }
  }
}

export default probeFile
