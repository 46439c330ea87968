/**
 * In-process AVI demuxer for the audio stream (eNTERFACE'05 clips are AVI with
 * a video stream and an audio stream). Reads the stream headers ('strh' with
 * fccType 'auds', 'strf' = WAVEFORMATEX), then gathers that stream's '##wb'
 * chunks from every 'movi' list (also inside 'rec ' lists and OpenDML 'AVIX'
 * extensions). PCM/float is decoded here; a compressed stream goes to ffmpeg
 * when it is installed, otherwise the error says so.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { AudioDecodeError, finish, type DecodedAudio } from './errors'
import { chunks, fourcc, riffHeader } from './riff'
import { deinterleave, formatName, parseWaveFormat, TAG_NAMES, WAVE_FORMAT_IEEE_FLOAT, WAVE_FORMAT_PCM, type WaveFormat } from './wav'

interface StreamInfo {
  index: number
  type: string
  strf: Uint8Array | null
}

function readStreams(file: string, b: Uint8Array, hdrl: { start: number; size: number }): StreamInfo[] {
  const streams: StreamInfo[] = []
  let sawAvih = false
  for (const ch of chunks(file, b, hdrl.start + 4, hdrl.start + hdrl.size, "AVI 'hdrl'")) {
    if (ch.id === 'avih') {
      if (ch.size < 40) throw new AudioDecodeError(file, `AVI main header 'avih' is ${ch.size} bytes, expected 56`)
      sawAvih = true
    } else if (ch.id === 'LIST' && ch.size >= 4 && fourcc(b, ch.start) === 'strl') {
      const s: StreamInfo = { index: streams.length, type: '', strf: null }
      for (const sc of chunks(file, b, ch.start + 4, ch.start + ch.size, `AVI stream ${s.index} 'strl'`)) {
        if (sc.id === 'strh') {
          if (sc.size < 48) throw new AudioDecodeError(file, `AVI stream ${s.index} header 'strh' is ${sc.size} bytes, expected at least 48`)
          s.type = fourcc(b, sc.start)
        } else if (sc.id === 'strf') s.strf = b.subarray(sc.start, sc.start + sc.size)
      }
      if (!s.type) throw new AudioDecodeError(file, `AVI stream ${s.index} has no 'strh' header`)
      streams.push(s)
    }
  }
  if (!sawAvih) throw new AudioDecodeError(file, "AVI has no main header 'avih'")
  return streams
}

function collectAudio(file: string, b: Uint8Array, from: number, to: number, id: string, out: Uint8Array[]): void {
  for (const ch of chunks(file, b, from, to, "AVI 'movi'")) {
    if (ch.id === id) out.push(b.subarray(ch.start, ch.start + ch.size))
    else if (ch.id === 'LIST' && ch.size >= 4 && fourcc(b, ch.start) === 'rec ') collectAudio(file, b, ch.start + 4, ch.start + ch.size, id, out)
  }
}

/** Demuxes the first audio stream: its WAVEFORMATEX and its payload bytes, concatenated. */
export function demuxAviAudio(file: string, b: Uint8Array): { format: WaveFormat; data: Uint8Array; streams: string[] } {
  let end = riffHeader(file, b, 'AVI ')
  let streams: StreamInfo[] | null = null
  const movis: { start: number; end: number }[] = []
  const scan = (from: number, to: number) => {
    for (const ch of chunks(file, b, from, to, 'AVI')) {
      if (ch.id !== 'LIST' || ch.size < 4) continue
      const kind = fourcc(b, ch.start)
      if (kind === 'hdrl') {
        if (streams) throw new AudioDecodeError(file, `second AVI 'hdrl' list at byte ${ch.at}`)
        streams = readStreams(file, b, ch)
      } else if (kind === 'movi') movis.push({ start: ch.start + 4, end: ch.start + ch.size })
    }
  }
  scan(12, end)
  // OpenDML: further 'RIFF' 'AVIX' chunks after the first one.
  while (end + 12 <= b.length && fourcc(b, end) === 'RIFF' && fourcc(b, end + 8) === 'AVIX') {
    const next = riffHeader(file, b, 'AVIX', end)
    scan(end + 12, next)
    end = next
  }
  const found = streams as StreamInfo[] | null
  if (!found) throw new AudioDecodeError(file, "AVI has no header list 'hdrl'")
  const kinds = found.map((s) => s.type)
  const audio = found.find((s) => s.type === 'auds')
  if (!audio) throw new AudioDecodeError(file, `AVI has no audio stream (streams: ${kinds.length ? kinds.join(', ') : 'none'})`)
  if (!audio.strf) throw new AudioDecodeError(file, `AVI audio stream ${audio.index} has no format chunk 'strf'`)
  if (movis.length === 0) throw new AudioDecodeError(file, "AVI has no 'movi' list (no media data)")
  const format = parseWaveFormat(file, audio.strf, `AVI audio stream ${audio.index} 'strf'`, true)
  const id = `${String(audio.index).padStart(2, '0')}wb`
  const parts: Uint8Array[] = []
  for (const m of movis) collectAudio(file, b, m.start, m.end, id, parts)
  const total = parts.reduce((s, p) => s + p.length, 0)
  if (total === 0) throw new AudioDecodeError(file, `AVI audio stream ${audio.index} has no data chunks ('${id}')`)
  const data = new Uint8Array(total)
  let o = 0
  for (const p of parts) {
    data.set(p, o)
    o += p.length
  }
  return { format, data, streams: kinds }
}

export async function decodeAvi(file: string, b: Uint8Array): Promise<DecodedAudio> {
  const { format, data } = demuxAviAudio(file, b)
  if (format.tag === WAVE_FORMAT_PCM || format.tag === WAVE_FORMAT_IEEE_FLOAT) {
    if (data.length % format.blockAlign !== 0) {
      throw new AudioDecodeError(file, `AVI audio holds ${data.length} bytes, not a whole number of ${format.blockAlign}-byte frames`)
    }
    return finish(file, format.sampleRate, deinterleave(format, data), `avi/${formatName(format)}`)
  }
  const codec = TAG_NAMES[format.tag] ?? `format tag 0x${format.tag.toString(16).padStart(4, '0')}`
  return decodeWithFfmpeg(file, b, format, codec)
}

/** ffmpeg decodes the compressed stream of the whole AVI to float32 at the stream's own rate. */
async function decodeWithFfmpeg(file: string, b: Uint8Array, format: WaveFormat, codec: string): Promise<DecodedAudio> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-avi-'))
  const input = path.join(tmp, 'in.avi')
  try {
    fs.writeFileSync(input, b)
    const nc = format.channels
    const pcm = await new Promise<Buffer>((resolve, reject) => {
      const child = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-i', input, '-map', '0:a:0', '-ac', String(nc), '-ar', String(format.sampleRate), '-f', 'f32le', '-'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const out: Buffer[] = []
      let err = ''
      child.stdout.on('data', (d: Buffer) => out.push(d))
      child.stderr.on('data', (d: Buffer) => (err += d))
      child.on('error', (e: NodeJS.ErrnoException) =>
        reject(new AudioDecodeError(file, e.code === 'ENOENT' ? `AVI audio is compressed (${codec}); decoding it needs ffmpeg, which is not installed` : `ffmpeg failed to start: ${e.message}`)),
      )
      child.on('close', (code) => {
        if (code === 0) resolve(Buffer.concat(out))
        else reject(new AudioDecodeError(file, `ffmpeg could not decode the ${codec} audio stream: ${err.trim().split('\n').slice(-2).join(' ') || `exit code ${code}`}`))
      })
    })
    const frames = Math.floor(pcm.length / 4 / nc)
    const channels = Array.from({ length: nc }, () => new Float32Array(frames))
    for (let f = 0; f < frames; f++) for (let c = 0; c < nc; c++) channels[c][f] = pcm.readFloatLE((f * nc + c) * 4)
    return finish(file, format.sampleRate, channels, `avi/ffmpeg:${codec}`)
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}
