/**
 * PCM helpers shared by the live view and recording: level (RMS/peak in dBFS),
 * Float32 <-> Int16, base64 for the wire, and a 16-bit mono WAV encoder.
 * Pure TypeScript (no DOM, no Node): usable in the AudioWorklet and in tests.
 */

export interface Level {
  /** Root mean square of the chunk, linear full scale (0..1). */
  rms: number
  /** Largest absolute sample, linear full scale (0..1+). */
  peak: number
  /** 20*log10(rms), floored at -120 dBFS. */
  rmsDb: number
  /** 20*log10(peak), floored at -120 dBFS. */
  peakDb: number
  /** True when any sample reached full scale (>= 0.999). */
  clipped: boolean
}

export const SILENT_DB = -120

export function toDb(linear: number): number {
  return linear > 1e-6 ? Math.max(SILENT_DB, 20 * Math.log10(linear)) : SILENT_DB
}

export function measureLevel(samples: ArrayLike<number>): Level {
  let sum = 0
  let peak = 0
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]
    sum += v * v
    const a = v < 0 ? -v : v
    if (a > peak) peak = a
  }
  const rms = samples.length ? Math.sqrt(sum / samples.length) : 0
  return { rms, peak, rmsDb: toDb(rms), peakDb: toDb(peak), clipped: peak >= 0.999 }
}

/** Float [-1, 1] -> Int16 with clipping (NaN becomes 0). */
export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length)
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]
    const c = v > 1 ? 1 : v < -1 ? -1 : Number.isNaN(v) ? 0 : v
    out[i] = Math.round(c * 32767)
  }
  return out
}

export function int16ToFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length)
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] / 32767
  return out
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Standard base64 of the Int16 samples' little-endian bytes (what the live contract carries). */
export function int16ToBase64(samples: Int16Array): string {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength)
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2]
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63]
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const n = bytes[i] << 16
    out += B64[n >> 18] + B64[(n >> 12) & 63] + '=='
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8)
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '='
  }
  return out
}

/** 16-bit PCM mono WAV file bytes (for saving a recording the user asked for). */
export function encodeWav16(samples: Float32Array, sampleRate: number): Uint8Array {
  const pcm = floatToInt16(samples)
  const out = new Uint8Array(44 + pcm.byteLength)
  const v = new DataView(out.buffer)
  const ascii = (o: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[o + i] = s.charCodeAt(i)
  }
  ascii(0, 'RIFF')
  v.setUint32(4, 36 + pcm.byteLength, true)
  ascii(8, 'WAVE')
  ascii(12, 'fmt ')
  v.setUint32(16, 16, true)
  v.setUint16(20, 1, true) // PCM
  v.setUint16(22, 1, true) // mono
  v.setUint32(24, sampleRate, true)
  v.setUint32(28, sampleRate * 2, true)
  v.setUint16(32, 2, true)
  v.setUint16(34, 16, true)
  ascii(36, 'data')
  v.setUint32(40, pcm.byteLength, true)
  out.set(new Uint8Array(pcm.buffer), 44)
  return out
}
