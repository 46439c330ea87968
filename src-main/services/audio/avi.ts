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
import { FFMPEG_TIMEOUT_MS, checkDeclared, checkRunning, clipLimitSec } from './limits'
import { chunks, fourcc, riffHeader, view } from './riff'
import { deinterleave, formatName, parseWaveFormat, TAG_NAMES, WAVE_FORMAT_IEEE_FLOAT, WAVE_FORMAT_PCM, type WaveFormat } from './wav'

interface StreamInfo {
  index: number
  type: string
  strf: Uint8Array | null
  /** strh dwScale, dwRate, dwLength: the stream lasts length x scale / rate seconds */
  scale: number
  rate: number
  length: number
}

const STREAM_TYPES = new Set(['vids', 'auds', 'txts', 'mids'])

function readStreams(file: string, b: Uint8Array, hdrl: { start: number; size: number }): StreamInfo[] {
  const streams: StreamInfo[] = []
  let sawAvih = false
  for (const ch of chunks(file, b, hdrl.start + 4, hdrl.start + hdrl.size, "AVI 'hdrl'")) {
    if (ch.id === 'avih') {
      if (ch.size < 40) throw new AudioDecodeError(file, `AVI main header 'avih' is ${ch.size} bytes, expected 56`)
      sawAvih = true
      // dwMicroSecPerFrame x dwTotalFrames: a video that declares more than the clip limit is refused here
      const us = view(b).getUint32(ch.start, true)
      const frames = view(b).getUint32(ch.start + 16, true)
      const sec = (us * frames) / 1e6
      if (sec > clipLimitSec()) {
        throw new AudioDecodeError(
          file,
          `AVI main header declares ${frames} frames of ${us} us (${+sec.toFixed(1)} s), above the limit of ${clipLimitSec()} s per clip (docs/audio.md, ` +
            `Limits)`,
        )
      }
    } else if (ch.id === 'LIST' && ch.size >= 4 && fourcc(b, ch.start) === 'strl') {
      const s: StreamInfo = { index: streams.length, type: '', strf: null, scale: 0, rate: 0, length: 0 }
      for (const sc of chunks(file, b, ch.start + 4, ch.start + ch.size, `AVI stream ${s.index} 'strl'`)) {
        if (sc.id === 'strh') {
          if (sc.size < 48) throw new AudioDecodeError(file, `AVI stream ${s.index} header 'strh' is ${sc.size} bytes, expected at least 48`)
          const t = fourcc(b, sc.start)
          s.type = STREAM_TYPES.has(t) ? t : 'unknown'
          s.scale = view(b).getUint32(sc.start + 20, true)
          s.rate = view(b).getUint32(sc.start + 24, true)
          s.length = view(b).getUint32(sc.start + 32, true)
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
  if (audio.rate > 0 && audio.scale > 0) {
    // declared length in seconds, as samples of the stream's own rate
    const declared = Math.ceil(((audio.length * audio.scale) / audio.rate) * format.sampleRate)
    checkDeclared(file, `AVI audio stream ${audio.index} header 'strh'`, declared, format.sampleRate, format.channels)
  }
  const id = `${String(audio.index).padStart(2, '0')}wb`
  const parts: Uint8Array[] = []
  for (const m of movis) collectAudio(file, b, m.start, m.end, id, parts)
  const total = parts.reduce((s, p) => s + p.length, 0)
  if (total === 0) throw new AudioDecodeError(file, `AVI audio stream ${audio.index} has no data chunks ('${id}')`)
  if (format.blockAlign > 0 && (format.tag === WAVE_FORMAT_PCM || format.tag === WAVE_FORMAT_IEEE_FLOAT)) {
    checkDeclared(file, `AVI audio stream ${audio.index} data`, total / format.blockAlign, format.sampleRate, format.channels)
  }
  const data = new Uint8Array(total)
  let o = 0
  for (const p of parts) {
    data.set(p, o)
    o += p.length
  }
  return { format, data, streams: kinds }
}

export interface DecodeOptions {
  /** cancels the decode; a running ffmpeg is killed */
  signal?: AbortSignal
  /** ffmpeg is killed after this many ms (default FFMPEG_TIMEOUT_MS) */
  ffmpegTimeoutMs?: number
  /** called with ffmpeg's pid once it runs (diagnostics, tests) */
  onFfmpegSpawn?: (pid: number) => void
}

export async function decodeAvi(file: string, b: Uint8Array, opts: DecodeOptions = {}): Promise<DecodedAudio> {
  const { format, data } = demuxAviAudio(file, b)
  if (format.tag === WAVE_FORMAT_PCM || format.tag === WAVE_FORMAT_IEEE_FLOAT) {
    if (data.length % format.blockAlign !== 0) {
      throw new AudioDecodeError(file, `AVI audio holds ${data.length} bytes, not a whole number of ${format.blockAlign}-byte frames`)
    }
    return finish(file, format.sampleRate, deinterleave(format, data), `avi/${formatName(format)}`)
  }
  const codec = TAG_NAMES[format.tag] ?? `format tag 0x${format.tag.toString(16).padStart(4, '0')}`
  return decodeWithFfmpeg(file, b, format, codec, opts)
}

/**
 * ffmpeg decodes the compressed stream of the whole AVI to float32 at the stream's own
 * rate. It is killed (SIGKILL) on timeout, on abort and when its output passes the
 * sample cap; `-t` (the limit + 1 s, so an over-long stream still trips the cap) keeps it from decoding far past it.
 */
async function decodeWithFfmpeg(file: string, b: Uint8Array, format: WaveFormat, codec: string, opts: DecodeOptions): Promise<DecodedAudio> {
  opts.signal?.throwIfAborted()
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-avi-'))
  const input = path.join(tmp, 'in.avi')
  const timeoutMs = opts.ffmpegTimeoutMs ?? FFMPEG_TIMEOUT_MS
  try {
    fs.writeFileSync(input, b)
    const nc = format.channels
    // -timelimit (CPU seconds) is ffmpeg's own backstop: it holds even when the thread that spawned it is terminated
    const args = [
      '-nostdin',
      '-v',
      'error',
      '-timelimit',
      String(Math.max(1, Math.ceil(timeoutMs / 1000))),
      '-i',
      input,
      '-map',
      '0:a:0',
      '-t',
      String(clipLimitSec() + 1),
      '-ac',
      String(nc),
      '-ar',
      String(format.sampleRate),
      '-f',
      'f32le',
      '-',
    ]
    const pcm = await new Promise<Buffer>((resolve, reject) => {
      const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] })
      child.once('spawn', () => opts.onFfmpegSpawn?.(child.pid!))
      const out: Buffer[] = []
      let bytes = 0
      let err = ''
      let failure: Error | null = null
      const kill = (why: Error) => {
        failure ??= why
        child.kill('SIGKILL')
      }
      const timer = setTimeout(
        () => kill(new AudioDecodeError(file, `ffmpeg (pid ${child.pid}) did not finish decoding the ${codec} audio within ${timeoutMs} ms and was killed`)),
        timeoutMs,
      )
      const onAbort = () => kill(Object.assign(new AudioDecodeError(file, `decoding cancelled; ffmpeg (pid ${child.pid}) was killed`), { name: 'AbortError' }))
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      child.stdout.on('data', (d: Buffer) => {
        bytes += d.length
        try {
          checkRunning(file, `ffmpeg (${codec})`, bytes / 4 / nc, format.sampleRate, nc)
          out.push(d)
        } catch (e) {
          kill(e as Error)
        }
      })
      child.stderr.on('data', (d: Buffer) => {
        if (err.length < 4096) err += d
      })
      child.on('error', (e: NodeJS.ErrnoException) =>
        kill(
          new AudioDecodeError(
            file,
            e.code === 'ENOENT'
              ? `AVI audio is compressed (${codec}); decoding it needs ffmpeg, which is not installed`
              : `ffmpeg failed to start: ${e.message}`,
          ),
        ),
      )
      child.on('close', (code) => {
        clearTimeout(timer)
        opts.signal?.removeEventListener('abort', onAbort)
        if (failure) reject(failure)
        else if (code === 0) resolve(Buffer.concat(out))
        else
          reject(
            new AudioDecodeError(
              file,
              `ffmpeg could not decode the ${codec} audio stream: ${err.trim().split('\n').slice(-2).join(' ') || `exit code ${code}`}`,
            ),
          )
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
