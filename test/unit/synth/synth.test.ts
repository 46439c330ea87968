import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { syntheticCorpus } from '../../helpers/corpora'
import { planCorpus } from '../../../src-main/services/synth/index'
import { loadForAnalysis } from '../../../src-main/services/audio/index'

describe('synthetic corpora', () => {
  it('plans the real layouts and counts', () => {
    const r = planCorpus({ layout: 'ravdess', speakers: 2, out: '' })
    expect(r.clips).toHaveLength(120) // 60 speech clips per actor, as in RAVDESS
    expect(r.clips.filter((c) => c.emotion === 'neutral' && c.intensity === 'strong')).toHaveLength(0)
    expect(r.clips[0].relPath).toBe('Actor_01/03-01-01-01-01-01-01.wav')
    const c = planCorpus({ layout: 'cremad', speakers: 1, out: '' })
    expect(c.clips).toHaveLength(82) // 11 x 6 at XX + IEO at LO/MD/HI (5 x 3) + neutral IEO XX
    expect(c.clips.map((x) => x.relPath)).toContain('AudioWAV/1001_DFA_ANG_XX.wav')
    const e = planCorpus({ layout: 'enterface', speakers: 1, out: '', irregular: false })
    expect(e.clips).toHaveLength(30)
    expect(e.clips[0].relPath).toBe('subject 1/anger/sentence 1/s1_an_1.avi')
  })

  it('clean preset: the emotion profiles differ measurably (loudness, duration, pitch proxy) and speakers differ', async () => {
    const corpus = await syntheticCorpus('cremad', { speakers: 4, sentences: 2, preset: 'clean' })
    const stats: Record<string, { rms: number[]; dur: number[]; zcr: number[] }> = {}
    const bySpeaker: Record<string, number[]> = {}
    for (const c of corpus.clips.filter((x) => x.sentence === 'TIE')) {
      const x = await loadForAnalysis(path.join(corpus.dir, c.relPath))
      const voiced = x.filter((v) => Math.abs(v) > 0.01)
      const rms = Math.sqrt(voiced.reduce((a, v) => a + v * v, 0) / voiced.length)
      let zc = 0
      for (let i = 1; i < x.length; i++) if (x[i - 1] < 0 !== x[i] < 0) zc++
      const s = (stats[c.emotion] ??= { rms: [], dur: [], zcr: [] })
      s.rms.push(rms)
      s.dur.push(x.length / 16000)
      s.zcr.push(zc / x.length)
      ;(bySpeaker[c.speaker] ??= []).push(zc / x.length)
    }
    const mean = (a: number[]) => a.reduce((p, v) => p + v, 0) / a.length
    const m = (e: string, k: 'rms' | 'dur' | 'zcr') => mean(stats[e][k])
    expect(m('angry', 'rms')).toBeGreaterThan(m('sad', 'rms') * 1.5)
    expect(m('sad', 'dur')).toBeGreaterThan(m('angry', 'dur') * 1.2)
    expect(m('angry', 'zcr')).toBeGreaterThan(m('sad', 'zcr'))
    expect(m('happy', 'rms')).toBeGreaterThan(m('neutral', 'rms'))
    const spk = Object.values(bySpeaker).map(mean)
    expect(Math.max(...spk) / Math.min(...spk)).toBeGreaterThan(1.05)
    const truth = JSON.parse(fs.readFileSync(path.join(corpus.dir, 'synth-truth.json'), 'utf8'))
    expect(truth.clips).toHaveLength(corpus.clips.length)
  })
})
