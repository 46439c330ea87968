/**
 * Babble noise beds: other talkers (espeak voices that are none of the
 * corpus's speakers, saying other sentences, mostly neutral), rendered once
 * per corpus and sample rate, for channel.ts to mix 3-6 of at random offsets.
 */
import seedrandom from 'seedrandom'
import type { Emotion } from '../../../src-shared/emotions'
import { CREMAD_SENTENCES } from './layouts'
import { makeSpeaker, renderPlan } from './profiles'
import type { SynthRealism } from './options'
import { renderVoice } from './render'

const BEDS = 6
const TEXTS = [
  ...Object.values(CREMAD_SENTENCES),
  'The birch canoe slid on the smooth planks',
  'Glue the sheet to the dark blue background',
  'These days a chicken leg is a rare dish',
  'Rice is often served in round bowls',
  'The juice of lemons makes fine punch',
  'The box was thrown beside the parked truck',
]
const MOODS: Emotion[] = ['neutral', 'neutral', 'neutral', 'happy', 'calm', 'angry']

/** `beds(rate)`: the corpus's babble beds at that rate, rendered on first use. */
export function makeBabbleBeds(seed: string, realism: SynthRealism): (rate: number) => Promise<Float32Array[]> {
  const cache = new Map<number, Promise<Float32Array[]>>()
  return (rate) => {
    let p = cache.get(rate)
    if (!p) {
      const rnd = seedrandom(`${seed}:babble:${rate}`)
      p = Promise.all(
        Array.from({ length: BEDS }, (_, i) => {
          // voice indices from 50 on: not the voices the corpus's first speakers get
          const speaker = makeSpeaker(`babble${i}`, i % 2 ? 'female' : 'male', 50 + i * 3, rnd, realism)
          const text = Array.from({ length: 3 }, () => TEXTS[Math.floor(rnd() * TEXTS.length)]).join('. ')
          const plan = renderPlan({ text, speaker, emotion: MOODS[Math.floor(rnd() * MOODS.length)], strength: 1, rate }, rnd, realism)
          return renderVoice(plan.espeak, plan.sox, rate)
        }),
      )
      cache.set(rate, p)
    }
    return p
  }
}
