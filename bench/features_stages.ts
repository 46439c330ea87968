/**
 * Time per eGeMAPS stage (ms per pass over the files, best of N passes, CPU of this process):
 * `tsx bench/features_stages.ts FILE.wav...`. For finding hot spots; not part of `npm run bench`.
 */
import { pitchAc } from '../src-main/services/features/pitch'
import { formantsAt } from '../src-main/services/features/formants'
import { findPulses, jitterShimmerFrames, hnrFrames } from '../src-main/services/features/voicequality'
import { spectralFrames } from '../src-main/services/features/spectral'
import { harmonicFrames } from '../src-main/services/features/harmonics'
import { egemapsLlds, egemapsFunctionals } from '../src-main/services/features/egemaps'
import { readWav } from '../test/helpers/wav'

const audio = process.argv.slice(2).map((f) => readWav(f))
const seconds = audio.reduce((a, w) => a + w.samples.length / w.sampleRate, 0)
const passes = Number(process.env.FEATURES_PASSES ?? 7)
const best = new Map<string, number>()
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000 }
for (let rep = 0; rep < passes + 2; rep++) {
  const acc = new Map<string, number>()
  const time = <T>(name: string, fn: () => T): T => {
    const t0 = cpu()
    const r = fn()
    acc.set(name, (acc.get(name) ?? 0) + cpu() - t0)
    return r
  }
  for (const w of audio) {
    const x = w.samples, sr = w.sampleRate
    const pitch = time('pitch', () => pitchAc(x, sr))
    const n = pitch.grid.nFrames
    const times = new Float64Array(n)
    for (let i = 0; i < n; i++) times[i] = pitch.grid.t1 + i * pitch.grid.hop
    const fm = time('formants', () => formantsAt(x, sr, times, (i) => pitch.f0[i] > 0))
    const pulses = time('pulses', () => findPulses(x, sr, pitch))
    time('jitter', () => jitterShimmerFrames(pulses, pitch))
    time('hnr', () => hnrFrames(x, sr, pitch))
    time('spectral', () => spectralFrames(x, sr, pitch.grid))
    time('harmonics', () => harmonicFrames(x, sr, pitch.grid, pitch.f0, fm.freq))
    const L = time('llds(all)', () => egemapsLlds(x, sr))
    time('functionals', () => egemapsFunctionals(L, x.length / sr))
  }
  if (rep >= 2) for (const [k, v] of acc) best.set(k, Math.min(best.get(k) ?? Infinity, v))
}
let total = 0
for (const [k, v] of best) if (k !== 'llds(all)') total += v
for (const [k, v] of best) console.log(k.padEnd(12), v.toFixed(1).padStart(7), 'ms')
console.log(`sum of stages ${total.toFixed(1)} ms for ${seconds.toFixed(1)} s: ${(seconds * 1000 / total).toFixed(0)}x real time per CPU`)
