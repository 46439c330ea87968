/** The channel stages and the knobs, on synthetic signals (no espeak needed). */
import seedrandom from 'seedrandom'
import { describe, expect, it } from 'vitest'
import { activeRms, applyChannel, makeNoise, makeSession, type Session } from '../../../src-main/services/synth/channel'
import { NOISE_KINDS, PRESETS, parseKnob, resolveRealism } from '../../../src-main/services/synth/options'
import { makeSpeaker, renderPlan } from '../../../src-main/services/synth/profiles'

const rate = 16000
/** 1 s of a 150 Hz vowel-ish tone with a pause, peak 1. */
function voice(): Float32Array {
  const x = new Float32Array(rate)
  for (let i = 0; i < rate * 0.7; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 150 * i) / rate) + 0.5 * Math.sin((2 * Math.PI * 450 * i) / rate)
  return x
}
const bed = () => Float32Array.from({ length: rate }, (_, i) => Math.sin((2 * Math.PI * 200 * i) / rate) * Math.sin((2 * Math.PI * 3 * i) / rate))
const session = (o: Partial<Session>): Session => ({ noise: null, snrDb: 20, humHz: 50, levelDb: 0, reverb: null, mic: null, ...o })

describe('synth channel', () => {
  it.each(NOISE_KINDS)('adds %s noise at the asked SNR', (kind) => {
    const v = voice()
    const ch = { ...PRESETS.clean.channel, snrJitterDb: 0, levelJitterDb: 0 }
    const { samples, info } = applyChannel(v, rate, session({ noise: kind, snrDb: 15 }), ch, { breathiness: 0, rnd: seedrandom('x'), beds: [bed(), bed()] })
    const noise = samples.map((s, i) => s - v[i])
    const snr = 20 * Math.log10(activeRms(v, rate) / Math.sqrt(noise.reduce((a, n) => a + n * n, 0) / noise.length))
    expect(info).toMatchObject({ noise: kind, snrDb: 15, clipped: false })
    expect(Math.abs(snr - 15)).toBeLessThan(0.5)
  })

  it('noise kinds differ in colour: brown is darker than white, pink in between', () => {
    const lowShare = (x: Float32Array) => {
      // share of energy below ~500 Hz via a 16-sample moving average
      const lp = x.map((_, i) => x.slice(Math.max(0, i - 15), i + 1).reduce((a, b) => a + b, 0) / 16)
      return lp.reduce((a, v) => a + v * v, 0) / x.reduce((a, v) => a + v * v, 0)
    }
    const [w, p, b] = (['white', 'pink', 'brown'] as const).map((k) => lowShare(makeNoise(k, rate, rate, seedrandom(k), [])))
    expect(w).toBeLessThan(p)
    expect(p).toBeLessThan(b)
  })

  it('clips when asked, sets the level otherwise, and applies the microphone', () => {
    const v = voice()
    const ch = { ...PRESETS.clean.channel, clipProb: 1, clipDb: [6, 6] as [number, number] }
    const clipped = applyChannel(v, rate, session({}), ch, { breathiness: 0, rnd: seedrandom('c'), beds: [] })
    expect(clipped.info.clipped).toBe(true)
    expect(clipped.samples.filter((s) => Math.abs(s) === 1).length).toBeGreaterThan(100)
    const quiet = applyChannel(v, rate, session({ levelDb: -20 }), PRESETS.clean.channel, { breathiness: 0, rnd: seedrandom('q'), beds: [] })
    expect(Math.max(...quiet.samples.map(Math.abs)) / Math.max(...v.map(Math.abs))).toBeCloseTo(0.1, 2)
    const mic = applyChannel(v, rate, session({ mic: { highpassHz: 400, lowpassHz: 8000, presenceHz: 3000, presenceDb: 0 } }), PRESETS.clean.channel, {
      breathiness: 0,
      rnd: seedrandom('m'),
      beds: [],
    })
    expect(activeRms(mic.samples, rate)).toBeLessThan(activeRms(v, rate) * 0.8) // the 150 Hz part is cut
  })

  it('sessions and speakers draw from the knobs; clean draws nothing extra', () => {
    const s = makeSession(seedrandom('s'), resolveRealism('harsh').channel)
    const h = resolveRealism('harsh').channel
    expect(h.noise).toContain(s.noise)
    expect(s.snrDb).toBeGreaterThanOrEqual(h.snrDb[0])
    expect(s.snrDb).toBeLessThanOrEqual(h.snrDb[1])
    const clean = makeSpeaker('01', 'male', 0, seedrandom('v'), PRESETS.clean)
    expect(clean).toMatchObject({ voice: 'en-us+m1', formant: 1, breathiness: 0, expressiveness: 1 })
    expect(clean.style).toBeUndefined()
    const real = makeSpeaker('01', 'male', 0, seedrandom('v'), PRESETS.realistic)
    expect(real.style?.angry).toBeDefined()
    // the same clip plan varies more under realistic knobs than under clean
    const spread = (preset: 'clean' | 'realistic') => {
      const sp = makeSpeaker('01', 'female', 1, seedrandom('v'), PRESETS[preset])
      const pitches = Array.from({ length: 40 }, (_, i) => {
        const ssml = renderPlan({ text: 'hi', speaker: sp, emotion: 'angry', strength: 1, rate }, seedrandom(`c${i}`), PRESETS[preset]).espeak.at(-1)!
        return Number(/pitch="([-+\d.]+)%"/.exec(ssml)![1])
      })
      const m = pitches.reduce((a, b) => a + b, 0) / pitches.length
      return Math.sqrt(pitches.reduce((a, b) => a + (b - m) ** 2, 0) / pitches.length)
    }
    expect(spread('realistic')).toBeGreaterThan(spread('clean') * 1.5)
  })

  it('knobs: presets resolve, --set overrides are typed, bad input names the problem', () => {
    expect(resolveRealism('realistic', parseKnob('channel.snrDb=5,20')).channel.snrDb).toEqual([5, 20])
    expect(resolveRealism('clean', parseKnob('channel.noise=babble,hum')).channel.noise).toEqual(['babble', 'hum'])
    expect(resolveRealism('clean', parseKnob('emotion.jitter=3')).emotion.jitter).toBe(3)
    expect(() => resolveRealism('studio')).toThrow(/unknown preset "studio" \(clean, realistic, harsh\)/)
    expect(() => parseKnob('channel.snr=5')).toThrow(/unknown knob channel.snr/)
    expect(() => parseKnob('emotion.jitter=lots')).toThrow(/emotion.jitter wants a number, got "lots"/)
    expect(() => parseKnob('jitter')).toThrow(/group.knob=value/)
    expect(() => resolveRealism('clean', parseKnob('channel.snrDb=20,5'))).toThrow(/channel.snrDb: a range must be written low,high/)
    expect(() => resolveRealism('clean', parseKnob('channel.noise=rain'))).toThrow(/channel.noise/)
    expect(() => resolveRealism('clean', parseKnob('channel.clipProb=2'))).toThrow(/channel.clipProb/)
  })
})
