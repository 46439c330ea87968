/**
 * The WebAssembly SIMD kernels (src-main/services/features/wasm/*.c) against the JavaScript
 * path they replace (SER_FEATURES_WASM=0, the reference): every kernel does the JavaScript's
 * operations in the same order (no fused multiply-add in wasm, no reassociation, the engine's own
 * Math.log/exp/log10/log2 imported), so the bound is bit-identity, checked value by value
 * (Object.is) on generated speech, on edge cases and through a growth of the wasm memory.
 * Also: the committed kernels.generated.ts is what the C sources build to.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import seedrandom from 'seedrandom'
import { egemapsFunctionals, egemapsLlds } from '../../../src-main/services/features/egemaps'
import { RealFft } from '../../../src-main/services/features/fft'
import { formantsAt } from '../../../src-main/services/features/formants'
import { logMel } from '../../../src-main/services/features/mel'
import { WASM_MAX_SAMPLES, setFeaturesWasm, useWasm, wasmKernels } from '../../../src-main/services/features/wasm/runtime'
import { KERNELS_SOURCE_SHA256 } from '../../../src-main/services/features/wasm/kernels.generated'
import { TARGETS, buildModuleText, sourceHash } from '../../../scripts/build-wasm.mjs'
import { SPEECH, readWav, speechWav } from './helpers'

const initial = setFeaturesWasm(true)
afterAll(() => setFeaturesWasm(initial))

/** Every typed array inside `o`, by path. */
function arrays(o: unknown, name: string, out: Map<string, ArrayLike<number>>): Map<string, ArrayLike<number>> {
  if (ArrayBuffer.isView(o)) out.set(name, o as unknown as ArrayLike<number>)
  else if (Array.isArray(o)) o.forEach((v, i) => arrays(v, `${name}[${i}]`, out))
  else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) arrays(v, `${name}.${k}`, out)
  return out
}

/** Runs fn on the JavaScript path and on the wasm path; returns the values that differ (none expected). */
function bothPaths(fn: () => unknown): { values: number; differing: string[] } {
  setFeaturesWasm(false)
  const js = arrays(fn(), '', new Map())
  setFeaturesWasm(true)
  const wasm = arrays(fn(), '', new Map())
  const differing: string[] = []
  let values = 0
  expect([...wasm.keys()]).toEqual([...js.keys()])
  for (const [k, a] of js) {
    const b = wasm.get(k)!
    expect(b.length, k).toBe(a.length)
    for (let i = 0; i < a.length; i++) {
      values++
      if (!Object.is(a[i], b[i])) differing.push(`${k}[${i}]: js ${a[i]} wasm ${b[i]}`)
    }
  }
  return { values, differing }
}

const features = (x: Float32Array, sr: number) => () => {
  const L = egemapsLlds(x, sr)
  return { L, F: egemapsFunctionals(L, x.length / sr) }
}

describe('eGeMAPS WebAssembly kernels', () => {
  it('load here, so the comparisons below run both paths', () => {
    expect(wasmKernels()).not.toBeNull()
    expect(useWasm()).toBe(true)
    // clips over 20 minutes at 16 kHz take the JavaScript path (the kernels' memory never shrinks)
    expect(useWasm(WASM_MAX_SAMPLES)).toBe(true)
    expect(useWasm(WASM_MAX_SAMPLES + 1)).toBe(false)
  })

  it('give LLDs and functionals bit-identical to the JavaScript path on generated speech', () => {
    for (const spec of SPEECH) {
      const w = readWav(speechWav(spec))
      const r = bothPaths(features(w.samples, w.sampleRate))
      expect(r.values).toBeGreaterThan(5000)
      expect(r.differing.slice(0, 5), spec.name).toEqual([])
    }
  })

  it('give bit-identical values at the edges: 44.1 kHz input, silence, noise, clipping, a clip shorter than a frame', () => {
    const rng = seedrandom('wasm-edges')
    const sr = 44100
    const speech = readWav(speechWav(SPEECH[1], sr))
    const noise = new Float32Array(16000).map(() => 0.3 * (2 * rng() - 1))
    const clipped = readWav(speechWav(SPEECH[2])).samples.map((v) => Math.max(-0.05, Math.min(0.05, 8 * v)))
    const cases: [string, Float32Array, number][] = [
      ['44.1 kHz speech', speech.samples, speech.sampleRate],
      ['silence', new Float32Array(16000), 16000],
      ['noise', noise, 16000],
      ['clipped speech', clipped, 16000],
      ['600 samples', noise.subarray(0, 600), 16000],
    ]
    for (const [name, x, rate] of cases) expect(bothPaths(features(x, rate)).differing.slice(0, 5), name).toEqual([])
  })

  it('give bit-identical formants at other input rates (the 11 kHz input itself, 22.05 kHz) and after the wasm memory grows', () => {
    const w = readWav(speechWav(SPEECH[3]))
    const sox = (rate: number) => readWav(speechWav(SPEECH[3], rate))
    for (const rate of [11000, 22050]) {
      const x = sox(rate).samples
      const times = Float64Array.from({ length: Math.floor(x.length / rate / 0.01) - 4 }, (_, i) => 0.02 + 0.01 * i)
      expect(bothPaths(() => formantsAt(x, rate, times)).differing.slice(0, 5), `${rate} Hz`).toEqual([])
    }
    // a clip long enough to grow every region of the wasm memory, then the short one again
    const long = new Float32Array(w.samples.length * 12)
    for (let i = 0; i < 12; i++) long.set(w.samples, i * w.samples.length)
    expect(bothPaths(features(long, 16000)).differing.slice(0, 5)).toEqual([])
    expect(bothPaths(features(w.samples, 16000)).differing.slice(0, 5)).toEqual([])
  })

  it('leave the log-mel features of the CNN (which use the same FFT) bit-identical', () => {
    const w = readWav(speechWav(SPEECH[0]))
    expect(bothPaths(() => logMel(w.samples, w.sampleRate)).differing.slice(0, 5)).toEqual([])
  })

  it('compute the real FFT (power, complex, real part) bit-identically at every size', () => {
    const rng = seedrandom('wasm-fft')
    for (let size = 8; size <= 4096; size *= 2) {
      const f = new RealFft(size)
      for (let rep = 0; rep < 3; rep++) {
        const x = Float64Array.from({ length: size }, () => 2 * rng() - 1)
        const r = bothPaths(() => {
          f.input.set(x)
          const p = f.power(new Float64Array(f.bins))
          const re = new Float64Array(f.bins), im = new Float64Array(f.bins)
          f.complex(re, im)
          return { p, re, im, real: f.realPart(new Float64Array(f.bins)) }
        })
        expect(r.differing.slice(0, 5), `size ${size}`).toEqual([])
      }
    }
  })
})

describe('the committed kernels (kernels.generated.ts)', () => {
  const target = TARGETS.find((t) => t.prefix === 'KERNELS')!
  it('were built from the C sources in the folder as they are now', () => {
    expect(KERNELS_SOURCE_SHA256, 'C sources changed: run npm run build:wasm').toBe(sourceHash(target))
  })

  it('are byte for byte what clang builds from them now (clang and wasm-ld: `npm run setup` installs them)', () => {
    const has = (b: string) => {
      try {
        execFileSync(b, ['--version'], { stdio: 'ignore' })
        return true
      } catch {
        return false
      }
    }
    expect(has('clang') && has('wasm-ld'), 'clang and wasm-ld are needed to check the build (Debian: apt-get install clang lld)').toBe(true)
    const committed = fs.readFileSync(path.join(target.dir, target.generated), 'utf8')
    expect(committed === buildModuleText(target), 'kernels.generated.ts is stale: run npm run build:wasm').toBe(true)
  })
})
