/**
 * Silero VAD through onnxruntime-node (no stand-in): it finds the speech in a
 * clean generated utterance and none in fan noise; the live pipeline uses the
 * measured default and names it in every frame; a detector that cannot load
 * falls back to the gate with the reason, never silently.
 */
import seedrandom from 'seedrandom'
import { beforeAll, describe, expect, it } from 'vitest'
import { makeSpeaker, renderPlan } from '../../../src-main/services/synth/profiles'
import { renderVoice } from '../../../src-main/services/synth/render'
import { LivePipeline, type WindowPredictor } from '../../../src-main/services/live/index'
import { PitchVoicing, VAD } from '../../../src-main/services/live/vad'
import { SileroVoicing } from '../../../src-main/services/live/vad-silero'
import { DEFAULT_VAD_DETECTOR, makeVoicing } from '../../../src-main/services/live/vad-detector'
import { rates, scoreStream, speechLabels } from '../../../src-main/services/live/vad-eval'
import { fan } from '../../../src-main/services/live/vad-eval-set'

let utterance: Float32Array
let labels: Uint8Array

beforeAll(async () => {
  // a voice and sentence of its own (index 11, seed 'vad-test'): neither the bench's set nor the default model's corpus
  const speaker = makeSpeaker('vadtest', 'female', 11, seedrandom('vad-test'))
  const plan = renderPlan({ text: 'The clock on the wall struck nine', speaker, emotion: 'neutral', strength: 1, rate: 16000 }, seedrandom('vad-test:clip'))
  const clip = (await renderVoice(plan.espeak, plan.sox, 16000)).map((v) => v * 0.25)
  // 0.5 s of silence either side, on the 10 ms grid
  utterance = new Float32Array(Math.ceil(clip.length / VAD.frame) * VAD.frame + 100 * VAD.frame)
  utterance.set(clip, 50 * VAD.frame)
  labels = new Uint8Array(utterance.length / VAD.frame)
  labels.set(speechLabels(clip), 50)
})

describe('SileroVoicing', () => {
  it('finds the speech of a clean generated utterance, and not the silence around it', () => {
    const s = scoreStream(new SileroVoicing(), utterance, labels)
    const r = rates(s.frame)
    expect(s.frame.speech).toBeGreaterThan(100)
    expect(r.missPct).toBeLessThan(15)
    expect(r.faPct).toBeLessThan(15)
  })

  it('calls (almost) no frame of fan noise at -30 dBFS speech', () => {
    const x = fan(4 * 16000, seedrandom('vad-test:fan')).map((v) => v * 10 ** (-30 / 20))
    const none = new Uint8Array(x.length / VAD.frame)
    const s = scoreStream(new SileroVoicing(), x, none)
    expect(s.frame.nonSpeech).toBe(400)
    expect(s.frame.falseAlarms / s.frame.nonSpeech).toBeLessThan(0.02)
    // the gate's pitch test finds periodicity in the 100 Hz hum (measured ~10% of frames)
    expect(scoreStream(new PitchVoicing(), x, none).frame.falseAlarms).toBeGreaterThan(s.frame.falseAlarms)
  })
})

describe('the live default detector', () => {
  const predictor: WindowPredictor = {
    classes: ['a', 'b'],
    predictWindow: () => ({ probabilities: { a: 0.5, b: 0.5 }, top: 'a', uncertain: false }),
  }

  it('is the one the pipeline runs, and every frame names it', () => {
    const p = new LivePipeline(predictor)
    expect(p.detector).toEqual({ name: DEFAULT_VAD_DETECTOR, requested: DEFAULT_VAD_DETECTOR, fallback: null })
    const frames = []
    for (let o = 0, seq = 0; o < utterance.length; o += 1600, seq++) {
      const f = p.push(utterance.subarray(o, o + 1600), seq, 0)
      if (f) frames.push(f)
    }
    expect(frames.length).toBeGreaterThan(5)
    expect(new Set(frames.map((f) => f.vad.detector))).toEqual(new Set([DEFAULT_VAD_DETECTOR]))
    expect(frames.some((f) => f.vad.state === 'speech')).toBe(true)
    expect(new LivePipeline(predictor, { detector: 'gate' }).detector.name).toBe('gate')
  })

  it('falls back to the gate, with the reason said, when the learned detector cannot load', () => {
    const warned: string[] = []
    const c = makeVoicing('silero', (m) => warned.push(m), () => {
      throw new Error('onnxruntime-node could not run the Silero VAD model: no binding')
    })
    expect(c.voicing).toBeInstanceOf(PitchVoicing)
    expect(c.voicing.name).toBe('gate')
    expect(c.fallback).toMatch(/no binding; using the energy \+ voicing gate instead/)
    expect(warned).toEqual([`live VAD: ${c.fallback}`])
  })
})
