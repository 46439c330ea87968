/**
 * Generated speech streams for the live tests, bench and e2e: several CREMA-D
 * sentences rendered by one synthetic speaker in one emotion (synth service:
 * espeak-ng + sox), joined with 250 ms pauses into one WAV, plus digital
 * silence. Cached under /tmp/ser-synth-cache/live by parameters and the
 * generator's sources.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import seedrandom from 'seedrandom'
import { encodeWav16 } from '../../../src-main/services/audio/index'
import { readWav } from '../../helpers/wav'
import { CREMAD_SENTENCES } from '../../../src-main/services/synth/layouts'
import { makeSpeaker, renderPlan } from '../../../src-main/services/synth/profiles'
import { renderClip } from '../../../src-main/services/synth/render'
import type { Emotion } from '../../../src-shared/emotions'
import { corpusCacheRoot } from '../../helpers/corpora'

export interface SpeechStreamOptions {
  emotion: Emotion
  /** Sentences to join (CREMA-D's, in order; default 6). */
  sentences?: number
  /** Speaker index for makeSpeaker (default 7: a voice the default model's corpus did not use as index 0-3). */
  speaker?: number
  gender?: 'female' | 'male'
  /** Output sample rate (default 48000, what a microphone delivers). */
  rate?: number
}

const synthDir = path.resolve(import.meta.dirname, '..', '..', '..', 'src-main', 'services', 'synth')

/** The product's WAV encoder, written atomically (parallel test files share the cache). */
function writeWav16(file: string, samples: Float32Array, rate: number): void {
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, encodeWav16(samples, rate))
  fs.renameSync(tmp, file)
}

export async function speechStream(o: SpeechStreamOptions): Promise<string> {
  const opts = { sentences: 6, speaker: 7, gender: 'male' as const, rate: 48000, ...o }
  const h = crypto.createHash('sha256').update(JSON.stringify(opts))
  for (const f of fs.readdirSync(synthDir).sort()) h.update(fs.readFileSync(path.join(synthDir, f)))
  const dir = path.join(corpusCacheRoot(), 'live')
  const file = path.join(dir, `${opts.emotion}-${opts.gender}${opts.speaker}-${h.digest('hex').slice(0, 12)}.wav`)
  if (fs.existsSync(file)) return file
  fs.mkdirSync(dir, { recursive: true })
  const speaker = makeSpeaker(`live${opts.speaker}`, opts.gender, opts.speaker, seedrandom(`live:${opts.speaker}`))
  const parts: Float32Array[] = []
  const pause = new Float32Array(Math.round(opts.rate * 0.25))
  const texts = Object.values(CREMAD_SENTENCES).slice(0, opts.sentences)
  for (const [i, text] of texts.entries()) {
    const part = path.join(dir, `.part-${process.pid}-${i}.wav`)
    const { espeak, sox } = renderPlan({ text, speaker, emotion: opts.emotion, strength: 1, rate: opts.rate }, seedrandom(`live:${opts.emotion}:${i}`))
    await renderClip(espeak, sox, part, false)
    const { samples } = readWav(part)
    fs.rmSync(part)
    parts.push(samples, pause)
  }
  const all = new Float32Array(parts.reduce((s, p) => s + p.length, 0))
  let k = 0
  for (const p of parts) all.set(p, k), (k += p.length)
  writeWav16(file, all, opts.rate)
  return file
}

/** Digital silence (or very low noise with `noiseDb`) as a WAV file. */
export function silenceFile(seconds = 4, rate = 48000, noiseDb: number | null = null): string {
  const dir = path.join(corpusCacheRoot(), 'live')
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `silence-${seconds}s-${rate}-${noiseDb ?? 'none'}.wav`)
  if (fs.existsSync(file)) return file
  const x = new Float32Array(Math.round(seconds * rate))
  if (noiseDb !== null) {
    const rnd = seedrandom('live:noise')
    const amp = 10 ** (noiseDb / 20) * Math.sqrt(3)
    for (let i = 0; i < x.length; i++) x[i] = (rnd() * 2 - 1) * amp
  }
  writeWav16(file, x, rate)
  return file
}
