/**
 * Knowing when it does not know (issue 21): the unfamiliarity score's parts on constructed data,
 * and the shipped default model on real human speech no generator here made (Debian's asterisk
 * prompts, test/helpers/real-speech.ts) against generated speakers it never heard.
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { resampleTo as resample } from '../../../src-shared/resample'
import { initBackend } from '../../../src-main/services/engine/backend'
import { EXTRACTOR_VERSION } from '../../../src-main/services/features/index'
import { defaultModelDir, filesToItems, loadModel, loadProfile, predict } from '../../../src-main/services/model/index'
import { recordingReasons, recordingReport } from '../../../src-main/services/model/recording-checks'
import {
  buildUnfamiliarity,
  conformalThreshold,
  descriptorScores,
  descriptorsOf,
  fitReference,
  judge,
  modelScores,
  partScores,
  profileFamiliarity,
  verdictsFor,
  VOICE_QUALITY,
  type UnfamiliarityCard,
} from '../../../src-main/services/model/unfamiliar'
import type { ItemSet } from '../../../src-main/services/model/types'
import { syntheticCorpus } from '../../helpers/corpora'
import { telephonePrompts, widebandPrompts } from '../../helpers/real-speech'

const root = path.resolve(import.meta.dirname, '..', '..', '..')
const RATE = 16000

function rng(seed: number) {
  let s = seed >>> 0
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}
/** Vowel-like syllables (harmonics of 140 Hz up to 8 kHz, 4 per second, with gaps) plus a little noise, 1.5 s. */
function buzz(seed = 1): Float32Array {
  const r = rng(seed)
  const x = new Float32Array(RATE * 1.5)
  for (let i = 0; i < x.length; i++) {
    let v = 0
    for (let h = 1; h * 140 < 7900; h++) v += Math.sin((2 * Math.PI * 140 * h * i) / RATE) / h
    const env = Math.max(0, Math.sin((2 * Math.PI * 4 * i) / RATE))
    x[i] = 0.2 * v * env + 0.001 * (r() - 0.5)
  }
  return x
}

describe('recording checks', () => {
  it('a full-band voice passes; the same voice through an 8 kHz file has no energy above 4 kHz and is flagged', () => {
    const wide = buzz()
    expect(recordingReasons(recordingReport(wide, RATE))).toEqual([])
    const tel = resample(resample(wide, RATE, 8000), 8000, RATE)
    const r = recordingReport(tel, RATE)
    expect(r.highBandDb).toBeLessThan(-55)
    expect(recordingReasons(r).join(' ')).toMatch(/no energy above 4 kHz/)
  })
  it('clipping, silence and too little speech are named', () => {
    const loud = buzz().map((v) => Math.max(-1, Math.min(1, v * 20)))
    expect(recordingReasons(recordingReport(loud, RATE)).join(' ')).toMatch(/clipped/)
    expect(recordingReasons(recordingReport(new Float32Array(RATE), RATE)).join(' ')).toMatch(/too little speech/)
    const blip = new Float32Array(RATE)
    blip.set(buzz().subarray(0, RATE * 0.2), RATE * 0.4)
    expect(recordingReasons(recordingReport(blip, RATE)).join(' ')).toMatch(/too little speech/)
  })
})

describe('descriptor score and its calibration', () => {
  it('scores 0 inside the reference range, more the more descriptors lie outside it, each capped', () => {
    const r = rng(3)
    const n = 400
    const dim = 10
    const d = Float32Array.from({ length: n * dim }, () => r() * 2 - 1)
    const ref = fitReference({ kind: 'egemaps', dim, n, d }, 8)
    const rows = [new Array(dim).fill(0), [50, ...new Array(dim - 1).fill(0)], new Array(dim).fill(50)]
    const s = descriptorScores(ref, { kind: 'egemaps', dim, n: 3, d: Float32Array.from(rows.flat()) })
    expect(s[0]).toBe(0)
    expect(s[1]).toBeCloseTo(ref.cap, 10)
    expect(s[2]).toBeCloseTo(ref.cap * dim, 10)
  })
  it('the threshold is the conformal quantile; too few scores for the rate say the rate they can promise', () => {
    const s = Array.from({ length: 99 }, (_, i) => i + 1)
    expect(conformalThreshold(s, 0.05)).toEqual({ threshold: 95, rate: 0.05 })
    expect(conformalThreshold(s.slice(0, 9), 0.05)).toEqual({ threshold: 9, rate: 0.1 })
  })
  it('two parts, each at half the rate: a clip out only on voice quality is flagged, though the all-descriptor score (and a /1 card) lets it pass', () => {
    const r = rng(9)
    const dim = 88
    const voice = new Set(VOICE_QUALITY)
    const others = Array.from({ length: dim }, (_, k) => k).filter((k) => !voice.has(k))
    // every calibration speaker is out of range on 20 descriptors that are not voice quality (pitch, loudness, tempo...)
    const items = (n: number, shift: (k: number) => number, spk: string): ItemSet => ({
      x: Float32Array.from({ length: n * dim }, (_, i) => r() * 2 - 1 + shift(i % dim)),
      itemShape: [dim],
      labels: new Array(n).fill('neutral'),
      speakers: new Array(n).fill(spk),
    })
    const shifted = new Set(others.slice(0, 20))
    const card = buildUnfamiliarity({
      normaliser: null,
      reference: items(400, () => 0, 'a'),
      calibration: items(200, (k) => (shifted.has(k) ? 3 : 0), 'b'),
      heldOut: null,
    })!
    expect(card.method).toBe('descriptor-range/2')
    expect(card.threshold).toBe(1)
    expect(card.parts!.map((p) => [p.name, p.falseAlarmRate])).toEqual([
      ['all', 0.025],
      ['voice quality', 0.025],
    ])
    expect(card.falseAlarmRate).toBeCloseTo(0.05, 12)
    expect(card.parts![1].descriptors).toEqual(VOICE_QUALITY)
    // a clip inside every range except 8 voice-quality descriptors
    const row = new Array(dim).fill(0)
    for (const k of VOICE_QUALITY.slice(0, 8)) row[k] = 3
    const desc = { kind: 'egemaps' as const, dim, n: 1, d: Float32Array.from(row) }
    const raw = partScores(card, desc)
    expect(raw[0][0]).toBeLessThan(card.parts![0].threshold)
    expect(raw[1][0]).toBeGreaterThan(card.parts![1].threshold)
    const score = modelScores(card, desc)[0]
    const v = judge(card, score, null, null, raw.map((s) => s[0]))
    expect(v.unfamiliar).toBe(true)
    expect(v.reasons[0]).toMatch(/voice quality/)
    // an older card (descriptor-range/1: one score over all descriptors, its own threshold) still loads and judges as before
    const old: UnfamiliarityCard = { ...card, method: 'descriptor-range/1', threshold: card.parts![0].threshold, parts: undefined }
    expect(modelScores(old, desc)[0]).toBe(raw[0][0])
    expect(judge(old, modelScores(old, desc)[0], null).unfamiliar).toBe(false)
    // log-mel models have one part, at the whole rate
    const mel = (n: number): ItemSet => ({
      x: Float32Array.from({ length: n * 6 }, () => r()),
      itemShape: [3, 2],
      labels: new Array(n).fill('a'),
      speakers: new Array(n).fill('s'),
    })
    expect(descriptorsOf(null, mel(1)).kind).toBe('logmel-bands')
    const melCard = buildUnfamiliarity({ normaliser: null, reference: mel(100), calibration: mel(100), heldOut: null })!
    expect(melCard.parts!.map((p) => [p.name, p.falseAlarmRate])).toEqual([['all', 0.05]])
  })
  it("an enrolled profile flags a voice far from the person's takes, with the number of takes it rests on", () => {
    const r = rng(5)
    const takes = Array.from({ length: 24 }, () => [r() * 0.1, r() * 0.1])
    const check = profileFamiliarity(takes, 2)!
    expect(check.n).toBe(24)
    expect(check.falseAlarmRate).toBe(0.05)
    const v = judge(null, null, null, { distance: check.threshold * 3, check })
    expect(v.unfamiliar).toBe(true)
    expect(v.reasons[0]).toMatch(/does not sound like the enrolled person's takes/)
    expect(judge(null, null, null, { distance: check.threshold / 2, check }).unfamiliar).toBe(false)
  })
})

describe('the shipped default model on real human speech', () => {
  it('its card states the threshold, the false-alarm rate it was set to and the n; the held-out speakers are flagged at most 10%', async () => {
    const { card } = await loadModel(defaultModelDir(), { extractorVersion: EXTRACTOR_VERSION })
    const u = card.unfamiliarity!
    expect(u.falseAlarmRate).toBe(0.05)
    expect(u.method).toBe('descriptor-range/2')
    expect(u.parts!.map((p) => p.name)).toEqual(['all', 'voice quality'])
    expect(u.n).toBeGreaterThanOrEqual(100)
    expect(u.speakers).toBeGreaterThanOrEqual(5)
    expect(u.heldOut!.n).toBe(card.heldOut!.n)
    expect(u.heldOut!.flagged / u.heldOut!.n).toBeLessThanOrEqual(0.1)
  })

  it('withholds or says neutral on >= 90% of the 8 kHz prompts and of the wideband ones, and flags <= 10% of new generated speakers', async () => {
    await initBackend()
    const dir = defaultModelDir()
    const { model, card } = await loadModel(dir, { extractorVersion: EXTRACTOR_VERSION })
    const profile = loadProfile(path.join(dir, 'profile.json'), card)
    const corpus = await syntheticCorpus('cremad', { speakers: 4, sentences: 2 })
    const share = async (files: string[], ok: (unfamiliar: boolean, top: string) => boolean) => {
      const items = await filesToItems(files, card)
      const preds = predict(model, profile, items)
      const v = verdictsFor(card, profile, items, preds, items.recordings)
      return preds.filter((p, i) => ok(v[i].unfamiliar, p.top)).length / preds.length
    }
    const calm = (u: boolean, top: string) => u || top === 'neutral' || top === 'calm'
    const tel = await share(telephonePrompts(), calm)
    const wide = await share(widebandPrompts(), calm)
    const gen = await share(corpus.clips.map((c) => path.join(corpus.dir, c.relPath)), (u) => u)
    console.log(
      `default model: withheld or neutral on ${(tel * 100).toFixed(0)}% of 8 kHz prompts, ${(wide * 100).toFixed(0)}% of wideband; ` +
        `flagged ${(gen * 100).toFixed(1)}% of generated`,
    )
    expect(tel).toBeGreaterThanOrEqual(0.9)
    expect(wide).toBeGreaterThanOrEqual(0.9)
    expect(gen).toBeLessThanOrEqual(0.1)
  })

  it('`ser predict` says unfamiliar, why, and the score against the threshold, with no probabilities', () => {
    const files = telephonePrompts(2)
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'src-main/cli/index.ts'), 'predict', ...files], {
      cwd: root,
      encoding: 'utf8',
    })
    const json = JSON.parse(out)
    expect(json.unfamiliarity.falseAlarmRate).toBe(0.05)
    for (const p of json.predictions) {
      expect(p.unfamiliar).toBe(true)
      expect(p.top).toBe('unfamiliar')
      expect(p.probabilities).toBeNull()
      expect(p.reasons.join(' ')).toMatch(/4 kHz/)
      expect(p.unfamiliarity.threshold).toBe(json.unfamiliarity.threshold)
      expect(typeof p.unfamiliarity.score).toBe('number')
    }
  })
})
