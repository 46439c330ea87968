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
async function streamDecode(
  file: string,
  kind: string,
  b: Uint8Array,
  decode: (chunk: Uint8Array) => Decoded | Promise<Decoded>,
  flush?: () => Promise<Decoded>,
): Promise<Decoded> {
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
  const xing = mp3Declared(file, b)
  mp3Framed(file, b)
  return serial(async () => {
    if (!mpeg) mpeg = new MPEGDecoder()
    await mpeg.ready
    try {
      const m = mpeg
      const d = check(file, 'mp3', await streamDecode(file, 'mp3', b, (c) => m.decode(c) as Decoded))
      const frames = d.channels[0].length
      // a gapless decoder drops the encoder delay (1 105 samples) and the padding (under a frame), and the tag frame may count
      if (xing && frames + 1105 + 2 * xing.perFrame < xing.frames * xing.perFrame) {
        throw new AudioDecodeError(file, `MP3 truncated: ${frames} of ${xing.frames * xing.perFrame} samples declared by its Xing/Info header decoded`)
      }
      return d
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
      oggEnds(file, b)
      const v = vorbis
      return check(
        file,
        'ogg/vorbis',
        await streamDecode(
          file,
          'ogg/vorbis',
          b,
          async (c) => (await v.decode(c)) as Decoded,
          async () => (await v.flush()) as Decoded,
        ),
      )
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

/** The page that ends an Ogg file must carry the end-of-stream flag; a cut file does not. */
function oggEnds(file: string, b: Uint8Array): void {
  const tail = Buffer.from(b.subarray(Math.max(0, b.length - 65536)))
  const last = tail.lastIndexOf('OggS', undefined, 'latin1')
  if (last < 0 || last + 27 > tail.length) throw new AudioDecodeError(file, 'Ogg stream truncated: no complete page at the end')
  const segments = tail[last + 26]
  if (last + 27 + segments > tail.length) throw new AudioDecodeError(file, 'Ogg stream truncated: the last page is cut short')
  const size = tail.subarray(last + 27, last + 27 + segments).reduce((a, x) => a + x, 0)
  if (last + 27 + segments + size > tail.length) throw new AudioDecodeError(file, 'Ogg stream truncated: the last page is cut short')
  if (!(tail[last + 5] & 0x04)) throw new AudioDecodeError(file, 'Ogg stream truncated: the last page is not marked end-of-stream')
}

/** Offset after a leading ID3v2 tag (its size is four 7-bit bytes), else 0. */
function id3End(b: Uint8Array): number {
  if (b.length < 10 || b[0] !== 0x49 || b[1] !== 0x44 || b[2] !== 0x33) return 0
  return 10 + (((b[6] & 0x7f) << 21) | ((b[7] & 0x7f) << 14) | ((b[8] & 0x7f) << 7) | (b[9] & 0x7f))
}

const MPEG_RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] }

/**
 * MP3's Xing/Info header (written by LAME and ffmpeg) declares the frame count: checked
 * against the limits before decoding, and later against what decoded (truncation).
 */
function mp3Declared(file: string, b: Uint8Array): { frames: number; perFrame: number } | null {
  const at = id3End(b)
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1] & 0xe0) !== 0xe0) return null
  const version = (b[at + 1] >> 3) & 3
  const layer = (b[at + 1] >> 1) & 3
  const rate = MPEG_RATES[version]?.[(b[at + 2] >> 2) & 3]
  if (!rate || layer !== 1) return null
  const mono = b[at + 3] >> 6 === 3
  const perFrame = version === 3 ? 1152 : 576
  // the tag sits after the side information, whose size depends on version and channels
  const side = version === 3 ? (mono ? 17 : 32) : mono ? 9 : 17
  const tag = at + 4 + side
  if (tag + 12 > b.length) return null
  const id = Buffer.from(b.subarray(tag, tag + 4)).toString('latin1')
  if (id !== 'Xing' && id !== 'Info') return null
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  if (!(dv.getUint32(tag + 4) & 1)) return null
  const frames = dv.getUint32(tag + 8)
  checkDeclared(file, `MP3 ${id} header`, frames * perFrame, rate, mono ? 1 : 2)
  return { frames, perFrame }
}

const L3_KBPS: Record<'1' | '2', number[]> = {
  1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}

/** Length of the Layer III frame whose header is at i, or 0 when none is there. */
function l3FrameLength(b: Uint8Array, i: number): number {
  if (i + 4 > b.length || b[i] !== 0xff || (b[i + 1] & 0xe0) !== 0xe0) return 0
  const version = (b[i + 1] >> 3) & 3
  if (version === 1 || ((b[i + 1] >> 1) & 3) !== 1) return 0
  const rate = MPEG_RATES[version]?.[(b[i + 2] >> 2) & 3]
  const kbps = L3_KBPS[version === 3 ? 1 : 2][b[i + 2] >> 4]
  if (!rate || !kbps) return 0
  return Math.floor(((version === 3 ? 144000 : 72000) * kbps) / rate) + ((b[i + 2] >> 1) & 1)
}

/**
 * mpg123 decodes whatever frame-like bytes it finds, so random bytes after an ID3 tag
 * "decode" without an error. A real Layer III stream is a chain of frames, each header
 * right where the previous frame ends: at least half the audio bytes must lie in such a chain.
 */
function mp3Framed(file: string, b: Uint8Array): void {
  const start = id3End(b)
  let end = b.length
  if (end - 128 >= start && b[end - 128] === 0x54 && b[end - 127] === 0x41 && b[end - 126] === 0x47) end -= 128 // ID3v1 'TAG'
  if (end <= start) throw new AudioDecodeError(file, 'MP3 holds an ID3 tag and no audio frames')
  // only Layer III is checked (Layer I/II files are rare; mpg123 still validates them)
  if (l3FrameLength(b, start) === 0 && ((b[start + 1] >> 1) & 3) !== 1 && b[start] === 0xff) return
  let chained = 0
  for (let i = start; i < end; ) {
    const len = l3FrameLength(b, i)
    if (len > 4 && (i + len === end || (i + len < end && l3FrameLength(b, i + len) > 0))) {
      chained += len
      i += len
    } else i++
  }
  if (chained < 0.5 * (end - start)) {
    throw new AudioDecodeError(
      file,
      `MP3 stream damaged: only ${Math.round((100 * chained) / (end - start))}% of its ${end - start} audio bytes form a chain of MPEG Layer III frames`,
    )
  }
}
