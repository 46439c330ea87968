/**
 * The labelled evaluation set for the live VAD, built in code (nothing on disk):
 * utterances from the corpus generator (espeak-ng + sox, services/synth) by
 * talkers that no test or model uses (voice indices 20-29, seed 'vad-eval'),
 * placed on a 10 ms frame grid with 0.4-1.6 s pauses, so every frame's truth is
 * known (vad-eval.ts speechLabels), then mixed with
 *  - tv: a programme's sound: notes and chords (2-5 harmonics, plucked envelope)
 *    plus a distant other talker (low-passed, reverberant) 6 dB under the music;
 *    that talker is not the person in front of the microphone, so its frames are non-speech;
 *  - babble: 3-6 other talkers (synth/babble.ts beds);
 *  - fan: brown noise + a little pink (air) + a 100 Hz motor hum with harmonics;
 * at SNRs of 20, 10, 5 and 0 dB (speech RMS over its active frames vs noise RMS,
 * as synth/channel.ts defines it), and once clean (16-bit dither only).
 */
import seedrandom from 'seedrandom'
import type { Emotion } from '../../../src-shared/emotions'
import { makeBabbleBeds } from '../synth/babble'
import { activeRms, makeNoise, sampleRng, unitRms } from '../synth/channel'
import { resolveRealism } from '../synth/options'
import { makeSpeaker, renderPlan } from '../synth/profiles'
import { renderVoice, runLimited } from '../synth/render'
import { VAD } from './vad'
import { speechLabels } from './vad-eval'

export const EVAL_RATE = 16000
export const EVAL_NOISES = ['tv', 'babble', 'fan'] as const
export type EvalNoise = (typeof EVAL_NOISES)[number] | 'clean'
export const EVAL_SNRS = [20, 10, 5, 0] as const

/** Sentences none of the tests, the babble beds or the default model's corpus speak. */
const TEXTS = [
  'A large size in stockings is hard to sell',
  'The wrist was badly strained and hung limp',
  'Help the woman get back to her feet',
  'The pennant waved when the wind blew',
  'Open the crate but do not break the glass',
  'Four hours of steady work faced us',
  'A pot of tea helps to pass the evening',
  'The fish twisted and turned on the bent hook',
  'Press the pants and sew a button on the vest',
  'The swan dive was far short of perfect',
  'Take the winding path to reach the lake',
  'Wipe the grease off his dirty face',
]
const TV_TEXT =
  'Good evening. Here is the news. Heavy rain is expected in the north tonight, and the roads will be busy tomorrow morning. In sport, the home team won again.'
const SPEECH_GAIN = 10 ** (-12 / 20)
const EMOTIONS: Emotion[] = ['neutral', 'happy', 'sad', 'angry', 'calm', 'fearful']

export interface EvalSpeech {
  samples: Float32Array
  /** 1 per 10 ms frame of the target talker's speech. */
  labels: Uint8Array
  utterances: number
  talkers: string[]
}

export interface EvalStream {
  noise: EvalNoise
  snrDb: number | null
  samples: Float32Array
  labels: Uint8Array
}

export interface EvalSetOptions {
  seed?: string
  talkers?: number
  perTalker?: number
  snrs?: readonly number[]
  concurrency?: number
}

/** `talkers` x `perTalker` utterances with pauses, each starting on a frame boundary; 1 s of pause first and last. */
export async function renderEvalSpeech(o: EvalSetOptions = {}): Promise<EvalSpeech> {
  const seed = o.seed ?? 'vad-eval'
  const realism = resolveRealism('realistic')
  const jobs: { text: string; talker: number; k: number }[] = []
  const talkers: string[] = []
  for (let t = 0; t < (o.talkers ?? 4); t++) {
    talkers.push(`${t % 2 ? 'female' : 'male'} voice ${20 + t * 3}`)
    for (let k = 0; k < (o.perTalker ?? 3); k++) jobs.push({ text: TEXTS[(t * (o.perTalker ?? 3) + k) % TEXTS.length], talker: t, k })
  }
  const voices = talkers.map((_, t) => makeSpeaker(`vadeval${t}`, t % 2 ? 'female' : 'male', 20 + t * 3, seedrandom(`${seed}:talker:${t}`), realism))
  const clips: Float32Array[] = new Array(jobs.length)
  await runLimited(jobs.map((j, i) => ({ ...j, i })), o.concurrency ?? 2, async (j) => {
    const rnd = seedrandom(`${seed}:utt:${j.talker}:${j.k}`)
    const emotion = EMOTIONS[Math.floor(rnd() * EMOTIONS.length)]
    const plan = renderPlan({ text: j.text, speaker: voices[j.talker], emotion, strength: 1, rate: EVAL_RATE }, rnd, realism)
    // peak-normalised by the generator; -12 dB leaves room for the noise at 0 dB SNR
    clips[j.i] = (await renderVoice(plan.espeak, plan.sox, EVAL_RATE)).map((v) => v * SPEECH_GAIN)
  })
  const rnd = seedrandom(`${seed}:layout`)
  const pauses = clips.map((_, i) => (i === 0 ? 100 : 40 + Math.floor(rnd() * 121)))
  const frames = clips.reduce((s, c, i) => s + pauses[i] + Math.ceil(c.length / VAD.frame), 100)
  const samples = new Float32Array(frames * VAD.frame)
  const labels = new Uint8Array(frames)
  let at = 0
  clips.forEach((c, i) => {
    at += pauses[i]
    samples.set(c, at * VAD.frame)
    labels.set(speechLabels(c), at)
    at += Math.ceil(c.length / VAD.frame)
  })
  return { samples, labels, utterances: clips.length, talkers }
}

/** Notes and chords of a pentatonic scale, 0.15-0.6 s each, plucked (10 ms attack, 0.35 s decay); unit RMS. */
export function music(n: number, rnd: () => number): Float32Array {
  const x = new Float32Array(n)
  const scale = [0, 3, 5, 7, 10]
  let at = 0
  while (at < n) {
    const len = Math.round((0.15 + rnd() * 0.45) * EVAL_RATE)
    const voices = 1 + Math.floor(rnd() * 3)
    for (let v = 0; v < voices; v++) {
      const semis = scale[Math.floor(rnd() * scale.length)] + 12 * Math.floor(rnd() * 3)
      const f = 110 * 2 ** (semis / 12)
      const harmonics = 2 + Math.floor(rnd() * 4)
      const ring = Math.min(n - at, len + Math.round(0.3 * EVAL_RATE))
      for (let h = 1; h <= harmonics; h++) {
        const w = (2 * Math.PI * f * h) / EVAL_RATE
        if (w >= Math.PI) break
        const a = 1 / h ** 1.5
        for (let i = 0; i < ring; i++) x[at + i] += a * Math.sin(w * i) * Math.min(1, i / 160) * Math.exp(-i / (0.35 * EVAL_RATE))
      }
    }
    at += len
  }
  return unitRms(x)
}

/** Fan: brown rumble, some broadband air (pink) and a 100 Hz motor hum; unit RMS. */
export function fan(n: number, rnd: () => number): Float32Array {
  const brown = makeNoise('brown', n, EVAL_RATE, rnd, [])
  const pink = makeNoise('pink', n, EVAL_RATE, rnd, [])
  const hum = makeNoise('hum', n, EVAL_RATE, rnd, [], 100)
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = brown[i] + 0.35 * pink[i] + 0.3 * hum[i]
  return unitRms(x)
}

/** The programme's other talker: low-passed and in a room, looped. */
async function tvVoice(seed: string): Promise<Float32Array> {
  const rnd = seedrandom(`${seed}:tv`)
  const speaker = makeSpeaker('vadevaltv', 'male', 40, rnd)
  const plan = renderPlan({ text: TV_TEXT, speaker, emotion: 'neutral', strength: 1, rate: EVAL_RATE }, rnd)
  return renderVoice(plan.espeak, [...plan.sox, 'lowpass', '3000', 'reverb', '60', '50', '80'], EVAL_RATE)
}

function loop(bed: Float32Array, n: number, from: number): Float32Array {
  const x = new Float32Array(n)
  for (let i = 0, j = from % bed.length; i < n; i++, j = (j + 1) % bed.length) x[i] = bed[j]
  return x
}

/** speech + noise scaled to `snrDb` (speech RMS over its active frames, synth/channel.ts activeRms), plus 16-bit TPDF dither. */
export function mixAtSnr(speech: Float32Array, noise: Float32Array | null, snrDb: number, rnd: () => number): Float32Array {
  const k = noise ? activeRms(speech, EVAL_RATE) / 10 ** (snrDb / 20) : 0
  const dither = sampleRng(rnd)
  const out = new Float32Array(speech.length)
  for (let i = 0; i < out.length; i++) out[i] = Math.max(-1, Math.min(1, speech[i] + (noise ? k * noise[i] : 0) + (dither() - dither()) / 32768))
  return out
}

/** The clean stream and every noise x SNR stream over the same speech (noise drawn afresh per stream). */
export async function makeEvalSet(o: EvalSetOptions = {}): Promise<{ speech: EvalSpeech; streams: EvalStream[] }> {
  const seed = o.seed ?? 'vad-eval'
  const [speech, beds, tv] = await Promise.all([renderEvalSpeech(o), makeBabbleBeds(seed, resolveRealism('realistic'))(EVAL_RATE), tvVoice(seed)])
  const n = speech.samples.length
  const streams: EvalStream[] = [
    { noise: 'clean', snrDb: null, samples: mixAtSnr(speech.samples, null, 0, seedrandom(`${seed}:clean`)), labels: speech.labels },
  ]
  for (const noise of EVAL_NOISES) {
    for (const snrDb of o.snrs ?? EVAL_SNRS) {
      const rnd = seedrandom(`${seed}:${noise}:${snrDb}`)
      let x: Float32Array
      if (noise === 'fan') x = fan(n, rnd)
      else if (noise === 'babble') x = makeNoise('babble', n, EVAL_RATE, rnd, beds)
      else {
        const m = music(n, rnd)
        const v = unitRms(loop(tv, n, Math.floor(rnd() * tv.length)))
        x = unitRms(m.map((s, i) => s + 0.5 * v[i]))
      }
      streams.push({ noise, snrDb, samples: mixAtSnr(speech.samples, x, snrDb, rnd), labels: speech.labels })
    }
  }
  return { speech, streams }
}
