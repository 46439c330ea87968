/**
 * Audio decoding and conversion to the analysis format (mono, ANALYSIS_RATE).
 * See docs/audio.md. Formats: WAV (PCM 8/16/24/32, float 32/64, EXTENSIBLE,
 * any channels/rate), FLAC, MP3, Ogg Vorbis, and the audio stream of AVI files
 * (PCM in process; compressed via ffmpeg when installed). The container is
 * chosen from the file's magic bytes; a mismatching extension is reported.
 */
import path from 'node:path'
import { decodeAvi, type DecodeOptions } from './avi'
import { decodeFlac, decodeMp3, decodeOgg } from './compressed'
import { AudioDecodeError, type DecodedAudio } from './errors'
import { resample, toMono } from './resample'
import { readAudioBytes } from './limits'
import { decodeWav } from './wav'
import { ANALYSIS_RATE } from '../../../src-shared/audio'

export { AudioDecodeError, type DecodedAudio } from './errors'
export { toMono, resample } from './resample'
export { encodeWav16 } from './wav'
export { demuxAviAudio, type DecodeOptions } from './avi'
export { MAX_CLIP_SEC, MAX_RATE_X_CHANNELS, MAX_TOTAL_SAMPLES, MAX_FILE_BYTES, FFMPEG_TIMEOUT_MS, checkReadable, readAudioBytes, fileKind } from './limits'

/** Sample rate every analysis (features, models, live view) works at (declared in src-shared/audio.ts). */
export { ANALYSIS_RATE }

/** File extensions the importer treats as audio. */
export const AUDIO_EXTENSIONS = ['.wav', '.wave', '.flac', '.mp3', '.ogg', '.oga', '.avi'] as const

export type Container = 'wav' | 'avi' | 'flac' | 'mp3' | 'ogg'

const EXT_CONTAINER: Record<string, Container> = {
  '.wav': 'wav', '.wave': 'wav', '.avi': 'avi', '.flac': 'flac', '.mp3': 'mp3', '.ogg': 'ogg', '.oga': 'ogg',
}

/** The container named by the magic bytes, or null. */
export function sniff(b: Uint8Array): Container | null {
  const s = Buffer.from(b.subarray(0, 12)).toString('latin1')
  if (s.startsWith('RIFF') || s.startsWith('RIFX') || s.startsWith('RF64')) return s.slice(8, 12) === 'AVI ' ? 'avi' : 'wav'
  if (s.startsWith('fLaC')) return 'flac'
  if (s.startsWith('OggS')) return 'ogg'
  if (s.startsWith('ID3')) return 'mp3'
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0 && (b[1] & 0x06) !== 0) return 'mp3'
  return null
}

/** Decodes bytes; `nameHint` (a file name or path) is used in messages and to check the extension. */
export async function decodeAudioBuffer(bytes: Uint8Array, nameHint: string, opts: DecodeOptions = {}): Promise<DecodedAudio> {
  const file = nameHint
  if (bytes.length === 0) throw new AudioDecodeError(file, 'file is empty (0 bytes)')
  const ext = path.extname(nameHint).toLowerCase()
  const expected = EXT_CONTAINER[ext]
  const kind = sniff(bytes)
  if (!kind) {
    const as = expected ? `extension says ${expected.toUpperCase()} but ` : ''
    // the file's own bytes are never quoted: name what was expected instead
    throw new AudioDecodeError(
      file,
      `${as}content is not a known audio format (none of the signatures 'RIFF'..'WAVE', 'RIFF'..'AVI ', 'fLaC', 'OggS', ` +
        `'ID3' or an MPEG audio frame sync at byte 0)`,
    )
  }
  if (expected && expected !== kind && !(expected === 'wav' && kind === 'avi')) {
    throw new AudioDecodeError(file, `extension says ${expected.toUpperCase()} but the content is ${kind.toUpperCase()}`)
  }
  if (expected === 'wav' && kind === 'avi') throw new AudioDecodeError(file, 'extension says WAV but the content is an AVI file')
  switch (kind) {
    case 'wav':
      return decodeWav(file, bytes)
    case 'avi':
      return decodeAvi(file, bytes, opts)
    case 'flac':
      return decodeFlac(file, bytes)
    case 'mp3':
      return decodeMp3(file, bytes)
    case 'ogg':
      return decodeOgg(file, bytes)
  }
}

/** Reads (regular files up to MAX_FILE_BYTES only) and decodes a file. */
export async function decodeAudioFile(file: string, opts: DecodeOptions = {}): Promise<DecodedAudio> {
  return decodeAudioBuffer(await readAudioBytes(file), file, opts)
}

/** Mono at ANALYSIS_RATE. */
export async function decodedToAnalysis(decoded: DecodedAudio): Promise<Float32Array> {
  return resample(toMono(decoded), decoded.sampleRate, ANALYSIS_RATE)
}

/**
 * Decodes any supported file to mono float samples at ANALYSIS_RATE (16 kHz), resampled
 * with src-shared/resample.ts, the filter the microphone capture uses too.
 */
export async function loadForAnalysis(file: string, opts: DecodeOptions = {}): Promise<Float32Array> {
  return decodedToAnalysis(await decodeAudioFile(file, opts))
}

