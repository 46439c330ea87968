/**
 * Time per eGeMAPS stage (ms per pass over the files, best of N passes, CPU of this process):
 * `tsx bench/features_stages.ts FILE.wav...`. For finding hot spots; not part of `npm run bench`.
 * Both paths, the JavaScript reference (SER_FEATURES_WASM=0) and the wasm kernels, run in
 * alternate passes of the same process, so they share the machine's state; FEATURES_PATHS=js or
 * wasm runs one only.
 */
import { pitchAc } from '../src-main/services/features/pitch'
import { formantsAt } from '../src-main/services/features/formants'
import { findPulses, jitterShimmerFrames, hnrFrames } from '../src-main/services/features/voicequality'
import { spectralFrames } from '../src-main/services/features/spectral'
import { harmonicFrames } from '../src-main/services/features/harmonics'
import { egemapsLlds, egemapsFunctionals } from '../src-main/services/features/egemaps'
import { setFeaturesWasm, wasmKernels } from '../src-main/services/features/wasm/runtime'
import { readWav } from '../test/helpers/wav'
import os from 'node:os'

const audio = process.argv.slice(2).map((f) => readWav(f))
const seconds = audio.reduce((a, w) => a + w.samples.length / w.sampleRate, 0)
const passes = Number(process.env.FEATURES_PASSES ?? 7)
const paths = (process.env.FEATURES_PATHS ?? (wasmKernels() ? 'js,wasm' : 'js')).split(',')
const best = new Map<string, Map<string, number>>(paths.map((p) => [p, new Map()]))
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000 }
for (let rep = 0; rep < passes + 2; rep++) {
  for (const path of paths) {
    setFeaturesWasm(path === 'wasm')
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
    const b = best.get(path)!
    if (rep >= 2) for (const [k, v] of acc) b.set(k, Math.min(b.get(k) ?? Infinity, v))
  }
}
console.log(`load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${seconds.toFixed(1)} s of audio; best of ${passes} passes (CPU ms)`)
console.log('stage'.padEnd(12), ...paths.map((p) => p.padStart(8)), paths.length > 1 ? '   ratio' : '')
const totals = paths.map(() => 0)
for (const k of best.get(paths[0])!.keys()) {
  const v = paths.map((p) => best.get(p)!.get(k)!)
  if (k !== 'llds(all)') v.forEach((x, i) => (totals[i] += x))
  console.log(k.padEnd(12), ...v.map((x) => x.toFixed(1).padStart(8)), v.length > 1 ? (v[0] / v[1]).toFixed(2).padStart(8) : '')
}
console.log('sum'.padEnd(12), ...totals.map((x) => x.toFixed(1).padStart(8)))
for (let i = 0; i < paths.length; i++) {
  console.log(`${paths[i]}: sum of stages ${totals[i].toFixed(1)} ms: ${(seconds * 1000 / totals[i]).toFixed(0)}x real time per CPU`)
}
