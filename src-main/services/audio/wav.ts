/**
 * Strict WAV reader and a 16-bit writer. Accepts PCM 8/16/24/32-bit integer,
 * IEEE float 32/64 and WAVE_FORMAT_EXTENSIBLE carrying either; any channel
 * count up to 64 and any rate in MIN_RATE..MAX_RATE. Every header field is
 * checked against the others and against the file length.
 */
import { AudioDecodeError, checkRate, finish, MAX_CHANNELS, type DecodedAudio } from './errors'
import { checkDeclared, checkRateChannels } from './limits'
import { chunks, riffHeader, view } from './riff'

export const WAVE_FORMAT_PCM = 0x0001
export const WAVE_FORMAT_IEEE_FLOAT = 0x0003
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe

export interface WaveFormat {
  /** 1 = integer PCM, 3 = IEEE float (after resolving EXTENSIBLE) */
  tag: number
  /** the tag as written (0xFFFE for extensible) */
  rawTag: number
  channels: number
  sampleRate: number
  byteRate: number
  blockAlign: number
  bitsPerSample: number
}

/** Codec names for tags seen in AVI files, for error messages. */
export const TAG_NAMES: Record<number, string> = {
  0x0002: 'MS ADPCM', 0x0006: 'A-law', 0x0007: 'mu-law', 0x0011: 'IMA ADPCM', 0x0031: 'GSM 6.10',
  0x0050: 'MPEG-1 Layer II', 0x0055: 'MP3', 0x00ff: 'AAC', 0x0161: 'WMA', 0x2000: 'AC-3', 0x2001: 'DTS', 0x1610: 'AAC (LATM)', 0x706d: 'AAC',
}

/** KSDATAFORMAT_SUBTYPE_* GUIDs share this tail after the 16-bit format tag. */
const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]

/**
 * Parses a WAVEFORMATEX (the WAV 'fmt ' chunk, also AVI's audio 'strf').
 * With `allowCompressed` a non-PCM tag is returned as is (the AVI path hands
 * those to ffmpeg); otherwise it is an error.
 */
export function parseWaveFormat(file: string, b: Uint8Array, where: string, allowCompressed = false): WaveFormat {
  if (b.length < 16) throw new AudioDecodeError(file, `${where}: format block is ${b.length} bytes, at least 16 are needed`)
  const dv = view(b)
  const rawTag = dv.getUint16(0, true)
  const channels = dv.getUint16(2, true)
  const sampleRate = dv.getUint32(4, true)
  const byteRate = dv.getUint32(8, true)
  const blockAlign = dv.getUint16(12, true)
  const bitsPerSample = dv.getUint16(14, true)
  let tag = rawTag
  let validBits = bitsPerSample
  if (channels === 0) throw new AudioDecodeError(file, `${where}: channel count is 0`)
  if (channels > MAX_CHANNELS) throw new AudioDecodeError(file, `${where}: channel count ${channels} exceeds ${MAX_CHANNELS}`)
  checkRate(file, sampleRate, where)
  checkRateChannels(file, where, sampleRate, channels)
  if (rawTag === WAVE_FORMAT_EXTENSIBLE) {
    if (b.length < 40) throw new AudioDecodeError(file, `${where}: WAVE_FORMAT_EXTENSIBLE needs a 40-byte format block, found ${b.length}`)
    const cbSize = dv.getUint16(16, true)
    if (cbSize < 22) throw new AudioDecodeError(file, `${where}: WAVE_FORMAT_EXTENSIBLE cbSize is ${cbSize}, expected 22`)
    validBits = dv.getUint16(18, true)
    tag = dv.getUint16(24, true)
    for (let i = 0; i < GUID_TAIL.length; i++) {
      if (b[26 + i] !== GUID_TAIL[i]) throw new AudioDecodeError(file, `${where}: unknown WAVE_FORMAT_EXTENSIBLE sub-format GUID`)
    }
    if (validBits === 0 || validBits > bitsPerSample) {
      throw new AudioDecodeError(file, `${where}: valid bits per sample ${validBits} is not in 1..${bitsPerSample}`)
    }
  }
  if (tag !== WAVE_FORMAT_PCM && tag !== WAVE_FORMAT_IEEE_FLOAT) {
    if (allowCompressed) return { tag, rawTag, channels, sampleRate, byteRate, blockAlign, bitsPerSample }
    const name = TAG_NAMES[tag] ?? `format tag 0x${tag.toString(16).padStart(4, '0')}`
    throw new AudioDecodeError(file, `${where}: unsupported encoding ${name} (only PCM and IEEE float are read)`)
  }
  if (tag === WAVE_FORMAT_PCM && ![8, 16, 24, 32].includes(bitsPerSample)) {
    throw new AudioDecodeError(file, `${where}: PCM with ${bitsPerSample} bits per sample (8, 16, 24 or 32 expected)`)
  }
  if (tag === WAVE_FORMAT_IEEE_FLOAT && ![32, 64].includes(bitsPerSample)) {
    throw new AudioDecodeError(file, `${where}: IEEE float with ${bitsPerSample} bits per sample (32 or 64 expected)`)
  }
  const expectAlign = channels * (bitsPerSample / 8)
  if (blockAlign !== expectAlign) {
    throw new AudioDecodeError(file, `${where}: block align is ${blockAlign}, expected ${expectAlign} for ${channels} channel(s) of ${bitsPerSample} bits`)
  }
  if (byteRate !== sampleRate * blockAlign) {
    throw new AudioDecodeError(file, `${where}: byte rate is ${byteRate}, expected ${sampleRate * blockAlign} (rate x block align)`)
  }
  return { tag, rawTag, channels, sampleRate, byteRate, blockAlign, bitsPerSample }
}

/** Interleaved PCM/float bytes to one Float32Array per channel. `data` must hold whole frames. */
export function deinterleave(fmt: WaveFormat, data: Uint8Array): Float32Array[] {
  const { channels: nc, blockAlign, bitsPerSample: bits, tag } = fmt
  const frames = Math.floor(data.length / blockAlign)
  const out = Array.from({ length: nc }, () => new Float32Array(frames))
  const dv = view(data)
  const bps = bits / 8
  for (let f = 0; f < frames; f++) {
    const base = f * blockAlign
    for (let c = 0; c < nc; c++) {
      const o = base + c * bps
      let v: number
      if (tag === WAVE_FORMAT_IEEE_FLOAT) v = bits === 32 ? dv.getFloat32(o, true) : dv.getFloat64(o, true)
      else if (bits === 16) v = dv.getInt16(o, true) / 32768
      else if (bits === 8) v = (data[o] - 128) / 128
      else if (bits === 24) v = ((data[o] | (data[o + 1] << 8) | (data[o + 2] << 16)) << 8 >> 8) / 8388608
      else v = dv.getInt32(o, true) / 2147483648
      out[c][f] = v
    }
  }
  return out
}

export function formatName(fmt: WaveFormat): string {
  return fmt.tag === WAVE_FORMAT_IEEE_FLOAT ? `float${fmt.bitsPerSample}` : `pcm${fmt.bitsPerSample}`
}

export function decodeWav(file: string, b: Uint8Array): DecodedAudio {
  const end = riffHeader(file, b, 'WAVE')
  let fmt: WaveFormat | null = null
  let data: Uint8Array | null = null
  for (const ch of chunks(file, b, 12, end, 'WAV')) {
    if (ch.id === 'fmt ') {
      if (fmt) throw new AudioDecodeError(file, `second 'fmt ' chunk at byte ${ch.at}`)
      fmt = parseWaveFormat(file, b.subarray(ch.start, ch.start + ch.size), "'fmt ' chunk")
    } else if (ch.id === 'data') {
      if (!fmt) throw new AudioDecodeError(file, `'data' chunk at byte ${ch.at} comes before the 'fmt ' chunk`)
      if (data) throw new AudioDecodeError(file, `second 'data' chunk at byte ${ch.at}`)
      data = b.subarray(ch.start, ch.start + ch.size)
    }
  }
  if (!fmt) throw new AudioDecodeError(file, "no 'fmt ' chunk")
  if (!data) throw new AudioDecodeError(file, "no 'data' chunk")
  if (data.length === 0) throw new AudioDecodeError(file, "'data' chunk is empty (0 samples)")
  if (data.length % fmt.blockAlign !== 0) {
    throw new AudioDecodeError(file, `'data' chunk holds ${data.length} bytes, not a whole number of ${fmt.blockAlign}-byte frames`)
  }
  checkDeclared(file, "'data' chunk", data.length / fmt.blockAlign, fmt.sampleRate, fmt.channels)
  return finish(file, fmt.sampleRate, deinterleave(fmt, data), `wav/${formatName(fmt)}`)
}

/** Mono float samples to a 16-bit PCM WAV (clipped to [-1, 1], rounded). */
export function encodeWav16(samples: Float32Array, rate: number): Buffer {
  if (!Number.isInteger(rate) || rate <= 0) throw new Error(`encodeWav16: invalid sample rate ${rate}`)
  const n = samples.length
  const buf = Buffer.alloc(44 + n * 2)
  buf.write('RIFF', 0, 'ascii')
  buf.writeUInt32LE(36 + n * 2, 4)
  buf.write('WAVE', 8, 'ascii')
  buf.write('fmt ', 12, 'ascii')
  buf.writeUInt32LE(16, 16)
  buf.writeUInt16LE(1, 20)
  buf.writeUInt16LE(1, 22)
  buf.writeUInt32LE(rate, 24)
  buf.writeUInt32LE(rate * 2, 28)
  buf.writeUInt16LE(2, 32)
  buf.writeUInt16LE(16, 34)
  buf.write('data', 36, 'ascii')
  buf.writeUInt32LE(n * 2, 40)
  for (let i = 0; i < n; i++) {
    const v = Math.max(-1, Math.min(1, Number.isFinite(samples[i]) ? samples[i] : 0))
    buf.writeInt16LE(Math.round(v < 0 ? v * 32768 : v * 32767), 44 + i * 2)
  }
  return buf
}
