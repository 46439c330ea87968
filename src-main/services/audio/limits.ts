/**
 * Bounds on what one clip may declare, checked from the headers before any large
 * buffer is allocated (docs/audio.md, "Limits"). A file that declares more is refused
 * with the declared values in the message; decoders that cannot know the length up
 * front (MP3/Ogg packets, ffmpeg output) stop at the same caps while decoding.
 */
import fs from 'node:fs'
import { AudioDecodeError } from './errors'

/** Longest clip: 3 hours. */
export const MAX_CLIP_SEC = 3 * 3600
/** Sample rate x channels, e.g. 192 kHz x 2 or 48 kHz x 8. */
export const MAX_RATE_X_CHANNELS = 384_000
/** Decoded samples over all channels (1 GiB as float32): 3 h of 16 kHz mono fits, 3 h of 48 kHz stereo does not. */
export const MAX_TOTAL_SAMPLES = 2 ** 28
/** Largest file read into memory. */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024
/** ffmpeg (compressed AVI audio) is killed after this long. */
export const FFMPEG_TIMEOUT_MS = 120_000

/**
 * The clip limit in force: MAX_CLIP_SEC, or a lower SER_MAX_CLIP_SEC (tests and the soak
 * use it to reach the cap with small files; it can only lower the limit).
 */
export function clipLimitSec(): number {
  const env = Number(process.env.SER_MAX_CLIP_SEC)
  return Number.isFinite(env) && env > 0 ? Math.min(env, MAX_CLIP_SEC) : MAX_CLIP_SEC
}

const hours = (sec: number) => (sec >= 3600 ? `${+(sec / 3600).toFixed(2)} h` : `${+sec.toFixed(1)} s`)

const fmt = (n: number) => (Number.isSafeInteger(n) ? String(n) : n.toExponential(3))

/** Refuses rate x channels above the cap. */
export function checkRateChannels(file: string, where: string, rate: number, channels: number): void {
  if (rate * channels > MAX_RATE_X_CHANNELS) {
    throw new AudioDecodeError(
      file,
      `${where} declares ${rate} Hz x ${channels} channel(s) = ${rate * channels} samples/s, above the limit of ${MAX_RATE_X_CHANNELS} (docs/audio.md, Limits)`,
    )
  }
}

/** Refuses a declared length (frames per channel) above 3 h or above the total-sample cap. */
export function checkDeclared(file: string, where: string, frames: number, rate: number, channels: number): void {
  checkRateChannels(file, where, rate, channels)
  const sec = frames / rate
  const limit = clipLimitSec()
  if (sec > limit) {
    throw new AudioDecodeError(
      file,
      `${where} declares ${fmt(frames)} samples at ${rate} Hz (${hours(sec)}), above the limit of ${hours(limit)} per clip (docs/audio.md, Limits)`,
    )
  }
  if (frames * channels > MAX_TOTAL_SAMPLES) {
    throw new AudioDecodeError(
      file,
      `${where} declares ${fmt(frames)} samples x ${channels} channel(s) = ${fmt(frames * channels)}, ` +
        `above the limit of ${MAX_TOTAL_SAMPLES} decoded samples (docs/audio.md, Limits)`,
    )
  }
}

/** For decoders that learn the length while decoding: call with the running totals. */
export function checkRunning(file: string, kind: string, frames: number, rate: number, channels: number): void {
  const limit = clipLimitSec()
  if (frames / rate > limit || frames * channels > MAX_TOTAL_SAMPLES) {
    throw new AudioDecodeError(
      file,
      `${kind} decoding stopped after ${fmt(frames)} samples x ${channels} channel(s) at ${rate} Hz (${hours(frames / rate)}): ` +
        `the stream exceeds the limit of ${hours(limit)} / ${MAX_TOTAL_SAMPLES} samples per clip (docs/audio.md, Limits)`,
    )
  }
}

/**
 * What may be read as an audio file: a regular file (not a device, FIFO or socket,
 * which would block or never end) of at most MAX_FILE_BYTES. Stat, not open, so a
 * FIFO is never opened.
 */
export function checkReadable(file: string, name = file): fs.Stats {
  let st: fs.Stats
  try {
    st = fs.statSync(file)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    throw new AudioDecodeError(name, `cannot read: ${e.code === 'ENOENT' ? 'file not found' : (e.code ?? e.message)}`)
  }
  if (!st.isFile()) throw new AudioDecodeError(name, `not a regular file (${fileKind(st)})`)
  if (st.size > MAX_FILE_BYTES)
    throw new AudioDecodeError(name, `file is ${st.size} bytes, above the limit of ${MAX_FILE_BYTES} bytes per clip (docs/audio.md, Limits)`)
  return st
}

export function fileKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a FIFO'
  if (st.isCharacterDevice()) return 'a character device'
  if (st.isBlockDevice()) return 'a block device'
  if (st.isSocket()) return 'a socket'
  if (st.isSymbolicLink()) return 'a symbolic link'
  return st.isFile() ? 'a regular file' : 'not a regular file'
}

/** Reads a file after checkReadable; the size is re-checked on the open descriptor (the file may have changed). */
export async function readAudioBytes(file: string, name = file): Promise<Buffer> {
  checkReadable(file, name)
  let fh: fs.promises.FileHandle
  try {
    fh = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0))
  } catch (err) {
    throw new AudioDecodeError(name, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  try {
    const st = await fh.stat()
    if (!st.isFile()) throw new AudioDecodeError(name, `not a regular file (${fileKind(st)})`)
    if (st.size > MAX_FILE_BYTES)
      throw new AudioDecodeError(name, `file is ${st.size} bytes, above the limit of ${MAX_FILE_BYTES} bytes per clip (docs/audio.md, Limits)`)
    // exactly the size seen on the descriptor: a file that grows meanwhile is not read past it
    const buf = Buffer.allocUnsafe(st.size)
    let off = 0
    while (off < st.size) {
      const { bytesRead } = await fh.read(buf, off, st.size - off, off)
      if (bytesRead === 0) break
      off += bytesRead
    }
    return off === st.size ? buf : buf.subarray(0, off)
  } finally {
    await fh.close()
  }
}
