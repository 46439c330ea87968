/**
 * Audio for the renderer's players, shared by both transports: the browser
 * shell serves it at /media/<path>?token=..., Electron at ser-media://<path>.
 * Formats Chromium plays natively are sent as they are; anything else (the PCM
 * track inside an eNTERFACE AVI, for instance) is decoded on the 'audio-playback'
 * worker thread and sent as WAV. Every answer, errors included, carries
 * Cache-Control: no-store: a 410 for a moved file must not stick after a relink.
 */
import path from 'node:path'
import type { AppServices } from './context'
import { experimentReportMedia } from '../services/experiment/report-file'
import { AudioDecodeError, readAudioBytes } from '../services/audio/index'
import { singleThreadPool } from '../services/workers'
import type { PlaybackResult } from '../services/audio/playback-worker'
import { clipRow } from '../services/store/clips'

export interface MediaResponse {
  status: number
  headers: Record<string, string>
  body: Buffer | string
}

const NATIVE: Record<string, string> = {
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.webm': 'audio/webm',
}

const playbackPool = singleThreadPool('audio-playback')

/** Stops the playback decoding thread (server shutdown). */
export function closeMediaPool(): Promise<void> {
  return playbackPool.close()
}

export function mediaText(status: number, message: string): MediaResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: message }
}

function audio(type: string, body: Buffer): MediaResponse {
  return { status: 200, headers: { 'Content-Type': type, 'Content-Length': String(body.length), 'Cache-Control': 'no-store' }, body }
}

const moved = (id: string, p: string) => mediaText(410, `the audio file of clip ${id} has moved or was deleted: ${p} (relink the dataset)`)

export async function handleMediaRequest(services: AppServices, mediaPath: string, _range?: string): Promise<MediaResponse> {
  const report = /^experiment\/(\d{1,12})\/report\.html$/.exec(mediaPath)
  if (report) return experimentReportMedia(services.ws, Number(report[1]))
  const m = /^clip\/(\d{1,12})$/.exec(mediaPath)
  if (!m) return mediaText(404, 'unknown media path (expected clip/<id> or experiment/<id>/report.html)')
  const row = clipRow(services.ws.db, Number(m[1]))
  if (!row) return mediaText(404, `no clip with id ${m[1]}`)
  const ext = path.extname(row.path).toLowerCase()
  try {
    if (NATIVE[ext]) return audio(NATIVE[ext], await readAudioBytes(row.path))
    const r = (await playbackPool.get().run({ path: row.path })) as PlaybackResult
    if (r.ok) return audio('audio/wav', Buffer.from(r.wav.buffer, r.wav.byteOffset, r.wav.byteLength))
    return r.missing ? moved(m[1], row.path) : mediaText(422, `cannot play clip ${m[1]} (${row.path}): ${r.message}`)
  } catch (err) {
    const problem = err instanceof AudioDecodeError ? err.problem : (err as Error).message
    if (/file not found/.test(problem)) return moved(m[1], row.path)
    return mediaText(422, `cannot play clip ${m[1]} (${row.path}): ${problem}`)
  }
}
