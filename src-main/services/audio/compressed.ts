/**
 * FLAC, MP3 and Ogg Vorbis through the wasm-audio-decoders family (well kept,
 * WebAssembly builds of libFLAC, mpg123 and libvorbis; no native code). One
 * decoder per kind per thread, reused and reset between files, used one file
 * at a time.
 */
import { FLACDecoder } from '@wasm-audio-decoders/flac'
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis'
import { MPEGDecoder } from 'mpg123-decoder'
import { AudioDecodeError, checkRate, finish, type DecodedAudio } from './errors'
import { flacFrameSamplesBound, splitFlacFrames } from './flac-frames'
import { checkDeclared, checkRunning } from './limits'

interface Decoded {
  channelData: Float32Array[]
  samplesDecoded: number
  sampleRate: number
  errors: { message: string }[]
}

let chain: Promise<unknown> = Promise.resolve()
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const p = chain.then(fn, fn)
  chain = p.catch(() => undefined)
  return p
}

let flac: FLACDecoder | null = null
let mpeg: MPEGDecoder | null = null
let vorbis: OggVorbisDecoder | null = null

/**
 * Feeds the bytes to a streaming decoder in small chunks and stops as soon as the
 * running total passes the clip limit, so a stream that hides its length (MP3, Ogg)
 * never decodes much past it.
 */
async function streamDecode(file: string, kind: string, b: Uint8Array, decode: (chunk: Uint8Array) => Decoded | Promise<Decoded>, flush?: () => Promise<Decoded>): Promise<Decoded> {
  const CHUNK = 16 * 1024
  const parts: Float32Array[][] = []
  const errors: { message: string }[] = []
  let total = 0
  let rate = 0
  const take = (r: Decoded) => {
    errors.push(...r.errors)
    if (r.samplesDecoded > 0) {
      rate = r.sampleRate || rate
      parts.push(r.channelData.map((c) => (c.length === r.samplesDecoded ? c : c.slice(0, r.samplesDecoded))))
      total += r.samplesDecoded
      checkRunning(file, kind, total, Math.max(rate, 1), r.channelData.length)
    }
  }
  for (let off = 0; off < b.length; off += CHUNK) take(await decode(b.subarray(off, Math.min(b.length, off + CHUNK))))
  if (flush) take(await flush())
  const nc = parts.length ? Math.max(...parts.map((p) => p.length)) : 0
  const channelData = Array.from({ length: nc }, (_, c) => {
    const out = new Float32Array(total)
    let o = 0
    for (const p of parts) {
      if (p[c]) out.set(p[c], o)
      o += p[0].length
    }
    return out
  })
  return { channelData, samplesDecoded: total, sampleRate: rate, errors }
}

function check(file: string, kind: string, r: Decoded): DecodedAudio {
  if (r.samplesDecoded === 0 || r.channelData.length === 0) {
    const why = r.errors.length ? `: ${r.errors[0].message}` : ''
    throw new AudioDecodeError(file, `no ${kind} audio frames could be decoded${why}`)
  }
  if (r.errors.length) throw new AudioDecodeError(file, `${kind} stream damaged (${r.errors.length} bad frame(s)): ${r.errors[0].message}`)
  checkRate(file, r.sampleRate, kind)
  const channels = r.channelData.map((c) => (c.length === r.samplesDecoded ? c : c.slice(0, r.samplesDecoded)))
  return finish(file, r.sampleRate, channels, kind)
}

/**
 * Total samples declared in FLAC's STREAMINFO (0 = unknown), checked against the limits
 * together with the rate and channels, and an upper bound from the frame headers
 * (a file that declares 0 or lies cannot make the decoder allocate past the cap).
 */
function flacDeclaredSamples(file: string, b: Uint8Array): number {
  if (b.length < 42) throw new AudioDecodeError(file, `FLAC file is ${b.length} bytes, too short for its STREAMINFO block`)
  if ((b[4] & 0x7f) !== 0) throw new AudioDecodeError(file, 'FLAC first metadata block is not STREAMINFO')
  const len = (b[5] << 16) | (b[6] << 8) | b[7]
  if (len !== 34) throw new AudioDecodeError(file, `FLAC STREAMINFO length is ${len}, expected 34`)
  const rate = (b[18] << 12) | (b[19] << 4) | (b[20] >> 4)
  checkRate(file, rate, 'FLAC STREAMINFO')
  const channels = ((b[20] >> 1) & 0x07) + 1
  const total = (b[21] & 0x0f) * 2 ** 32 + ((b[22] << 24) >>> 0) + (b[23] << 16) + (b[24] << 8) + b[25]
  checkDeclared(file, 'FLAC STREAMINFO', total, rate, channels)
  checkDeclared(file, 'FLAC frame headers (sum of block sizes)', flacFrameSamplesBound(b), rate, channels)
  return total
}

export function decodeFlac(file: string, b: Uint8Array): Promise<DecodedAudio> {
  const declared = flacDeclaredSamples(file, b)
  return serial(async () => {
    if (!flac) flac = new FLACDecoder()
    await flac.ready
    try {
      let r = (await flac.decodeFile(b)) as Decoded
      if (declared && r.samplesDecoded < declared && r.errors.length === 0) {
        // codec-parser merges a short final frame into the one before it (see flac-frames.ts)
        await flac.reset()
        r = (await flac.decodeFrames(splitFlacFrames(b))) as Decoded
      }
      const d = check(file, 'flac', r)
      if (declared && r.samplesDecoded < declared) {
        throw new AudioDecodeError(file, `FLAC truncated: ${r.samplesDecoded} of ${declared} declared samples decoded`)
      }
      return d
    } finally {
      await flac.reset()
    }
  })
}

export function decodeMp3(file: string, b: Uint8Array): Promise<DecodedAudio> {
  return serial(async () => {
    if (!mpeg) mpeg = new MPEGDecoder()
    await mpeg.ready
    try {
      const m = mpeg
      return check(file, 'mp3', await streamDecode(file, 'mp3', b, (c) => m.decode(c) as Decoded))
    } finally {
      await mpeg.reset()
    }
  })
}

export function decodeOgg(file: string, b: Uint8Array): Promise<DecodedAudio> {
  // The first page's payload names the codec: '\x01vorbis' or 'OpusHead'.
  const head = Buffer.from(b.subarray(0, Math.min(b.length, 64))).toString('latin1')
  if (head.includes('OpusHead')) throw new AudioDecodeError(file, 'Ogg Opus is not supported (Ogg Vorbis is)')
  if (!head.includes('vorbis')) throw new AudioDecodeError(file, 'Ogg stream is not Vorbis (no vorbis identification header on the first page)')
  checkOggDeclared(file, b)
  return serial(async () => {
    if (!vorbis) vorbis = new OggVorbisDecoder()
    await vorbis.ready
    try {
      const v = vorbis
      return check(file, 'ogg/vorbis', await streamDecode(file, 'ogg/vorbis', b, async (c) => (await v.decode(c)) as Decoded, async () => (await v.flush()) as Decoded))
    } finally {
      await vorbis.reset()
    }
  })
}

/**
 * Ogg Vorbis: channels and rate from the identification header, length from the
 * granule position of the last page (samples per channel at the end of the stream).
 */
function checkOggDeclared(file: string, b: Uint8Array): void {
  const at = Buffer.from(b.subarray(0, Math.min(b.length, 256))).indexOf('\x01vorbis', 0, 'latin1')
  if (at < 0 || at + 16 > b.length) throw new AudioDecodeError(file, 'Ogg Vorbis identification header is missing or truncated')
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const channels = b[at + 11]
  const rate = dv.getUint32(at + 12, true)
  if (channels === 0) throw new AudioDecodeError(file, 'Ogg Vorbis identification header: channel count is 0')
  checkRate(file, rate, 'Ogg Vorbis identification header')
  const tail = Buffer.from(b.subarray(Math.max(0, b.length - 65536)))
  const last = tail.lastIndexOf('OggS', undefined, 'latin1')
  let granule = 0
  if (last >= 0 && last + 14 <= tail.length) {
    const g = tail.readBigInt64LE(last + 6)
    if (g > 0n) granule = Number(g)
  }
  checkDeclared(file, 'Ogg Vorbis headers (last page granule position)', granule, rate, channels)
}
