/**
 * Piscina worker ('audio-playback'): decodes a clip Chromium cannot play itself (the
 * PCM or compressed track inside an eNTERFACE AVI, for instance) to a mono 16-bit WAV,
 * off the server's main thread. Never throws: a problem comes back as { ok: false }.
 */
import { decodeAudioFile, toMono } from './index'
import { AudioDecodeError } from './errors'
import { encodeWav16 } from './wav'

export type PlaybackResult = { ok: true; wav: Uint8Array } | { ok: false; missing: boolean; message: string }

export default async function playback(task: { path: string }): Promise<PlaybackResult> {
  try {
    const d = await decodeAudioFile(task.path)
    const wav = encodeWav16(toMono(d), d.sampleRate)
    return { ok: true, wav: new Uint8Array(wav.buffer, wav.byteOffset, wav.byteLength) }
  } catch (err) {
    const problem = err instanceof AudioDecodeError ? err.problem : (err as Error).message
    return { ok: false, missing: /file not found/.test(problem), message: problem }
  }
}
