/**
 * Audio for the renderer's players, shared by both transports: the browser
 * shell serves it at /media/<path>?token=..., Electron at ser-media://<path>.
 * Formats Chromium plays natively are sent as they are; anything else (the PCM
 * track inside an eNTERFACE AVI, for instance) is decoded and sent as WAV.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import type { AppServices } from './context'
import { experimentReportMedia } from '../services/experiment/report-file'

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

function text(status: number, message: string): MediaResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: message }
}

export async function handleMediaRequest(services: AppServices, mediaPath: string, _range?: string): Promise<MediaResponse> {
  const report = /^experiment\/(\d{1,12})\/report\.html$/.exec(mediaPath)
  if (report) return experimentReportMedia(services.ws, Number(report[1]))
  const m = /^clip\/(\d{1,12})$/.exec(mediaPath)
  if (!m) return text(404, `unknown media path: ${mediaPath}`)
  const row = services.ws.db.prepare('SELECT path FROM clips WHERE id = ?').get(Number(m[1])) as { path: string } | undefined
  if (!row) return text(404, `no clip with id ${m[1]}`)
  const ext = path.extname(row.path).toLowerCase()
  try {
    if (NATIVE[ext]) {
      const body = await fs.readFile(row.path)
      return { status: 200, headers: { 'Content-Type': NATIVE[ext], 'Content-Length': String(body.length), 'Cache-Control': 'no-store' }, body }
    }
    const { decodeAudioFile, toMono, encodeWav16 } = await import('../services/audio/index')
    const decoded = await decodeAudioFile(row.path)
    const body = encodeWav16(toMono(decoded), decoded.sampleRate)
    return { status: 200, headers: { 'Content-Type': 'audio/wav', 'Content-Length': String(body.length), 'Cache-Control': 'no-store' }, body }
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'ENOENT') return text(410, `the audio file has moved or was deleted: ${row.path} (relink the dataset)`)
    return text(422, `cannot play ${row.path}: ${e.message}`)
  }
}
