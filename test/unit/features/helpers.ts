/**
 * Test helpers for features: generated speech (espeak-ng + sox), a tiny WAV
 * reader, and Praat runs whose outputs are cached for the test run.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const PRAAT_DIR = path.resolve(here, '../../praat')
const cacheDir = path.join(os.tmpdir(), `ser-features-test-${process.pid}`)

/** The product's own fast WAV reader (services/audio covers decoding in depth). */
export { readWav } from '../../helpers/wav'

export function writeWav16(file: string, samples: Float32Array, sampleRate: number): void {
  const b = Buffer.alloc(44 + samples.length * 2)
  b.write('RIFF', 0, 'ascii'); b.writeUInt32LE(36 + samples.length * 2, 4); b.write('WAVE', 8, 'ascii')
  b.write('fmt ', 12, 'ascii'); b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22)
  b.writeUInt32LE(sampleRate, 24); b.writeUInt32LE(sampleRate * 2, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34)
  b.write('data', 36, 'ascii'); b.writeUInt32LE(samples.length * 2, 40)
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767))), 44 + 2 * i)
  fs.writeFileSync(file, b)
}

export interface SpeechSpec { name: string; voice: string; pitch: number; speed: number; amp: number; text: string }

/** Several speakers (espeak-ng voice variants) and "emotions" (pitch, rate, loudness). */
export const SPEECH: SpeechSpec[] = [
  { name: 'm3-neutral', voice: 'en+m3', pitch: 40, speed: 160, amp: 100, text: 'The quick brown fox jumps over the lazy dog near the river bank.' },
  { name: 'm1-angry', voice: 'en+m1', pitch: 60, speed: 200, amp: 150, text: 'I told you never to touch my things again, do you understand me?' },
  { name: 'f2-happy', voice: 'en+f2', pitch: 75, speed: 180, amp: 120, text: 'What a wonderful morning, we are going to the beach today!' },
  { name: 'f4-sad', voice: 'en+f4', pitch: 30, speed: 120, amp: 70, text: 'I miss the old house, and the garden where we used to sit.' },
  { name: 'm7-calm', voice: 'en+m7', pitch: 45, speed: 140, amp: 90, text: 'Please take a seat, the doctor will see you in a moment.' },
]

/** Generates (once per run) a 16 kHz mono WAV for a spec; returns its path. */
export function speechWav(spec: SpeechSpec, rate = 16000): string {
  fs.mkdirSync(cacheDir, { recursive: true })
  const out = path.join(cacheDir, `${spec.name}-${rate}.wav`)
  if (fs.existsSync(out)) return out
  const raw = path.join(cacheDir, `${spec.name}-raw.wav`)
  execFileSync('espeak-ng', ['-v', spec.voice, '-p', String(spec.pitch), '-s', String(spec.speed), '-a', String(spec.amp), '-w', raw, spec.text])
  execFileSync('sox', [raw, '-D', '-r', String(rate), '-c', '1', '-b', '16', out])
  return out
}

const praatCache = new Map<string, string>()
/** Runs a script under test/praat with args; stdout cached per run. */
export function runPraat(script: string, ...args: string[]): string {
  const key = [script, ...args].join('\0')
  const hit = praatCache.get(key)
  if (hit !== undefined) return hit
  const out = execFileSync('praat', ['--run', path.join(PRAAT_DIR, script), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 })
  praatCache.set(key, out)
  return out
}

export interface PraatAnalysis {
  pitch: { t: number; f0: number }[]
  hnr: { t: number; hnr: number }[]
  formants: { t: number; f1: number; f2: number; f3: number }[]
  jitterLocal: number
  shimmerLocal: number
  shimmerLocalDb: number
  meanF0: number
}

/** Pitch (ac), Harmonicity (cc), Formant (burg), jitter/shimmer from PointProcess (periodic, cc). */
export function praatAnalysis(wav: string): PraatAnalysis {
  const text = runPraat('analyse.praat', wav)
  const res: PraatAnalysis = { pitch: [], hnr: [], formants: [], jitterLocal: NaN, shimmerLocal: NaN, shimmerLocalDb: NaN, meanF0: NaN }
  const num = (s: string) => (s === '--undefined--' ? NaN : Number(s))
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f[0] === 'P') res.pitch.push({ t: num(f[1]), f0: num(f[2]) })
    else if (f[0] === 'H') res.hnr.push({ t: num(f[1]), hnr: num(f[2]) })
    else if (f[0] === 'F') res.formants.push({ t: num(f[1]), f1: num(f[2]), f2: num(f[3]), f3: num(f[4]) })
    else if (f[0] === 'S') {
      res.jitterLocal = num(f[1]); res.shimmerLocal = num(f[2]); res.shimmerLocalDb = num(f[3]); res.meanF0 = num(f[4])
    }
  }
  return res
}
