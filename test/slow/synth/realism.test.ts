/**
 * The realism knobs do what they say: emotions stay measurable (a simple
 * speaker-independent classifier on eGeMAPS is well above chance) but are no
 * longer trivially separable, and the `realistic` preset overlaps more than
 * `clean`.
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { syntheticCorpus, type SynthResult } from '../../helpers/corpora'
import { loadForAnalysis, ANALYSIS_RATE } from '../../../src-main/services/audio/index'
import { EGEMAPS_INDEX, extractEgemaps } from '../../../src-main/services/features/index'

async function features(c: SynthResult): Promise<{ x: Float32Array[]; y: string[]; spk: string[] }> {
  const x = await Promise.all(c.clips.map(async (clip) => extractEgemaps(await loadForAnalysis(path.join(c.dir, clip.relPath)), ANALYSIS_RATE)))
  return { x, y: c.clips.map((k) => k.emotion), spk: c.clips.map((k) => k.speaker) }
}

/** Each speaker's features z-scored over that speaker's clips (the usual speaker normalisation in SER). */
function perSpeaker({ x, y, spk }: { x: Float32Array[]; y: string[]; spk: string[] }) {
  const out = x.map((v) => Float32Array.from(v))
  for (const s of new Set(spk)) {
    const idx = x.map((_, i) => i).filter((i) => spk[i] === s)
    for (let j = 0; j < x[0].length; j++) {
      const m = idx.reduce((a, i) => a + x[i][j], 0) / idx.length
      const sd = Math.sqrt(idx.reduce((a, i) => a + (x[i][j] - m) ** 2, 0) / idx.length)
      for (const i of idx) out[i][j] = sd > 1e-12 ? (x[i][j] - m) / sd : 0
    }
  }
  return { x: out, y, spk }
}

/** Leave-one-speaker-out nearest class mean on z-scored features: accuracy. */
function losoNearestMean({ x, y, spk }: { x: Float32Array[]; y: string[]; spk: string[] }): number {
  let right = 0
  const d = x[0].length
  for (const held of new Set(spk)) {
    const train = x.map((_, i) => i).filter((i) => spk[i] !== held)
    const mu = new Float64Array(d)
    const sd = new Float64Array(d)
    for (const i of train) for (let j = 0; j < d; j++) mu[j] += x[i][j] / train.length
    for (const i of train) for (let j = 0; j < d; j++) sd[j] += (x[i][j] - mu[j]) ** 2 / train.length
    const z = (v: Float32Array) => Array.from(v, (a, j) => (sd[j] > 1e-12 ? (a - mu[j]) / Math.sqrt(sd[j]) : 0))
    const centroids = new Map<string, { sum: number[]; n: number }>()
    for (const i of train) {
      const c = centroids.get(y[i]) ?? { sum: new Array(d).fill(0), n: 0 }
      z(x[i]).forEach((v, j) => (c.sum[j] += v))
      c.n++
      centroids.set(y[i], c)
    }
    for (let i = 0; i < x.length; i++) {
      if (spk[i] !== held) continue
      const v = z(x[i])
      let best = ''
      let bestD = Infinity
      for (const [label, c] of centroids) {
        const dist = v.reduce((a, vj, j) => a + (vj - c.sum[j] / c.n) ** 2, 0)
        if (dist < bestD) (bestD = dist), (best = label)
      }
      if (best === y[i]) right++
    }
  }
  return right / x.length
}

const mean = (a: number[]) => a.reduce((p, v) => p + v, 0) / a.length

describe('generator realism', () => {
  it('emotions are measurable but overlap: eGeMAPS nearest-mean accuracy well above chance, below 95 %, lower than clean', async () => {
    const params = { speakers: 4, sentences: 2 }
    const [real, clean] = await Promise.all([
      syntheticCorpus('cremad', { ...params, preset: 'realistic' }),
      syntheticCorpus('cremad', { ...params, preset: 'clean' }),
    ])
    const [fr, fc] = await Promise.all([features(real), features(clean)])
    const accReal = losoNearestMean(perSpeaker(fr))
    const accClean = losoNearestMean(perSpeaker(fc))
    console.log(
      `LOSO nearest-mean accuracy on speaker-normalised eGeMAPS, CREMA-D layout 4 speakers x ${fr.y.length / 4} clips, chance 1/6: ` +
        `realistic ${accReal.toFixed(3)}, clean ${accClean.toFixed(3)}; ` +
        `without speaker normalisation: realistic ${losoNearestMean(fr).toFixed(3)}, clean ${losoNearestMean(fc).toFixed(3)}`,
    )
    expect(accReal).toBeGreaterThan(2 / 6)
    expect(accReal).toBeLessThan(0.95)
    expect(accReal).toBeLessThan(accClean)

    // within a speaker, loudness, pitch and tempo still move with emotion on average; across speakers the clips overlap
    const cue = (f: typeof fr, name: string, e: string) => f.x.filter((_, i) => f.y[i] === e).map((v) => v[EGEMAPS_INDEX[name]])
    const zr = perSpeaker(fr)
    const loud = 'loudness_sma3_amean'
    const pitch = 'F0semitoneFrom27.5Hz_sma3nz_amean'
    const tempo = 'VoicedSegmentsPerSec'
    expect(mean(cue(zr, loud, 'angry'))).toBeGreaterThan(mean(cue(zr, loud, 'sad')) + 1)
    expect(mean(cue(zr, pitch, 'happy'))).toBeGreaterThan(mean(cue(zr, pitch, 'sad')))
    expect(mean(cue(zr, tempo, 'angry'))).toBeGreaterThan(mean(cue(zr, tempo, 'sad')))
    expect(Math.min(...cue(fr, loud, 'angry'))).toBeLessThan(Math.max(...cue(fr, loud, 'sad')))
    expect(Math.min(...cue(fr, pitch, 'happy'))).toBeLessThan(Math.max(...cue(fr, pitch, 'sad')))
  }, 600_000)
})
