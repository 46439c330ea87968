/** A file that cannot be decoded; the message names the file and the exact problem. */
export class AudioDecodeError extends Error {
  override name = 'AudioDecodeError'
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`cannot decode ${file}: ${problem}`)
  }
}

/** The decoded audio of one file, channels not interleaved, samples in [-1, 1]. */
export interface DecodedAudio {
  sampleRate: number
  channels: Float32Array[]
  /** e.g. 'wav/pcm16', 'wav/float32', 'flac', 'mp3', 'ogg/vorbis', 'avi/pcm16', 'avi/ffmpeg:mp3' */
  format: string
  durationSec: number
}

/** Sample rates we accept in any header; outside this range a header is corrupt, not exotic. */
export const MIN_RATE = 1000
export const MAX_RATE = 768000
export const MAX_CHANNELS = 64

export function checkRate(file: string, rate: number, where: string): void {
  if (!Number.isInteger(rate) || rate < MIN_RATE || rate > MAX_RATE) {
    throw new AudioDecodeError(file, `${where}: sample rate ${rate} Hz is outside ${MIN_RATE}..${MAX_RATE}`)
  }
}

/** Rejects NaN/Infinity and absurd magnitudes (a float file whose header lies about its content). */
export function checkFinite(file: string, channels: Float32Array[]): void {
  for (let c = 0; c < channels.length; c++) {
    const x = channels[c]
    for (let i = 0; i < x.length; i++) {
      const v = x[i]
      if (!Number.isFinite(v)) throw new AudioDecodeError(file, `non-finite sample (${v}) in channel ${c + 1} at frame ${i}`)
      if (v > 64 || v < -64) throw new AudioDecodeError(file, `absurd sample value ${v} in channel ${c + 1} at frame ${i} (float audio should lie in [-1, 1])`)
    }
  }
}

export function finish(file: string, sampleRate: number, channels: Float32Array[], format: string): DecodedAudio {
  if (channels.length === 0) throw new AudioDecodeError(file, 'no audio channels')
  const n = channels[0].length
  if (n === 0) throw new AudioDecodeError(file, 'no audio samples')
  checkFinite(file, channels)
  return { sampleRate, channels, format, durationSec: n / sampleRate }
}
