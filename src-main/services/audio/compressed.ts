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
import { splitFlacFrames } from './flac-frames'

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

/** Total samples declared in FLAC's STREAMINFO (0 = unknown). */
function flacDeclaredSamples(file: string, b: Uint8Array): number {
  if (b.length < 42) throw new AudioDecodeError(file, `FLAC file is ${b.length} bytes, too short for its STREAMINFO block`)
  if ((b[4] & 0x7f) !== 0) throw new AudioDecodeError(file, 'FLAC first metadata block is not STREAMINFO')
  const len = (b[5] << 16) | (b[6] << 8) | b[7]
  if (len !== 34) throw new AudioDecodeError(file, `FLAC STREAMINFO length is ${len}, expected 34`)
  const rate = (b[18] << 12) | (b[19] << 4) | (b[20] >> 4)
  checkRate(file, rate, 'FLAC STREAMINFO')
  return (b[21] & 0x0f) * 2 ** 32 + ((b[22] << 24) >>> 0) + (b[23] << 16) + (b[24] << 8) + b[25]
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
      return check(file, 'mp3', mpeg.decode(b) as Decoded)
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
  return serial(async () => {
    if (!vorbis) vorbis = new OggVorbisDecoder()
    await vorbis.ready
    try {
      return check(file, 'ogg/vorbis', (await vorbis.decodeFile(b)) as Decoded)
    } finally {
      await vorbis.reset()
    }
  })
}
