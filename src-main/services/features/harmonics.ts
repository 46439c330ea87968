/**
 * Harmonic amplitudes on voiced frames: H1-H2, H1-A3 and the formant
 * amplitudes relative to H1 (eGeMAPS logRelF0-H1-H2, logRelF0-H1-A3,
 * F1..F3amplitudeLogRelF0), as openSMILE's cHarmonics: a 60 ms Gaussian
 * window (sigma 0.4, 1024-point FFT at 16 kHz), the amplitude of harmonic h is the
 * spectral magnitude maximum within +-10% of h F0; A3 (and each formant's
 * amplitude) is the harmonic nearest F3 (the formant's centre frequency). All in dB.
 * Difference from openSMILE: we do not correct for formant influence (neither does eGeMAPS v02).
 */
import { RealFft, nextPow2 } from './fft'
import { type FrameGrid } from './framing'
import { alloc, copyInput, f64, region, useWasm, wasmKernels } from './wasm/runtime'

export interface HarmonicFrames {
  h1h2: Float64Array
  h1a3: Float64Array
  /** [frame * 3 + k] formant k+1 amplitude relative to H1, dB. */
  formantRel: Float64Array
}

interface Plan {
  n: number
  fft: RealFft
  win: Float64Array
  /** wasm copies (byte offsets) of the window and the power spectrum buffer, made on first use */
  wasm?: { win: number; pow: number }
}
const plans = new Map<number, Plan>()

function plan(sampleRate: number): Plan {
  let p = plans.get(sampleRate)
  if (p) return p
  const n = Math.round(0.06 * sampleRate)
  const fft = new RealFft(nextPow2(n))
  const win = new Float64Array(n)
  const sigma = 0.4
  for (let i = 0; i < n; i++) {
    const d = (i - (n - 1) / 2) / ((sigma * (n - 1)) / 2)
    win[i] = Math.exp(-0.5 * d * d)
  }
  p = { n, fft, win }
  plans.set(sampleRate, p)
  return p
}

export function harmonicFrames(x: Float32Array, sampleRate: number, grid: FrameGrid, f0: Float64Array, formantFreq: Float64Array): HarmonicFrames {
  const nF = grid.nFrames
  const out: HarmonicFrames = {
    h1h2: new Float64Array(nF).fill(NaN),
    h1a3: new Float64Array(nF).fill(NaN),
    formantRel: new Float64Array(nF * 3).fill(NaN),
  }
  const p = plan(sampleRate)
  if (useWasm(x.length) && p.fft.wasm && nF > 0) return wasmHarmonics(x, sampleRate, grid, f0, formantFreq, p)
  const { n, fft, win } = p
  const inp = fft.input
  const nx = x.length
  const pow = new Float64Array(fft.bins)
  const binHz = sampleRate / fft.size
  const harmDb = (fHz: number) => {
    const a = Math.max(1, Math.floor((fHz * 0.9) / binHz))
    const b = Math.min(fft.bins - 1, Math.ceil((fHz * 1.1) / binHz))
    let m = 0
    for (let k = a; k <= b; k++) if (pow[k] > m) m = pow[k]
    return 10 * Math.log10(m + 1e-20)
  }
  for (let f = 0; f < nF; f++) {
    const F0 = f0[f]
    if (!(F0 > 0)) continue
    const start = Math.round((grid.t1 + f * grid.hop) * sampleRate - n / 2)
    if (start >= 0 && start + n <= nx) {
      for (let i = 0; i < n; i++) inp[i] = x[start + i] * win[i]
    } else {
      for (let i = 0; i < n; i++) {
        const j = start + i
        inp[i] = j >= 0 && j < nx ? x[j] * win[i] : 0
      }
    }
    fft.power(pow)
    const h1 = harmDb(F0)
    out.h1h2[f] = h1 - harmDb(2 * F0)
    for (let k = 0; k < 3; k++) {
      const fk = formantFreq[f * 3 + k]
      if (!Number.isFinite(fk)) continue
      const h = Math.max(1, Math.round(fk / F0))
      const a = harmDb(h * F0)
      out.formantRel[f * 3 + k] = a - h1
      if (k === 2) out.h1a3[f] = h1 - a
    }
  }
  return out
}

/** harmonicFrames in wasm (wasm/harmonics.c): the same values. */
function wasmHarmonics(x: Float32Array, sampleRate: number, grid: FrameGrid, f0: Float64Array, formantFreq: Float64Array, p: Plan): HarmonicFrames {
  const k = wasmKernels()!
  const nF = grid.nFrames
  if (!p.wasm) {
    const win = alloc(8 * p.n)
    f64(win, p.n).set(p.win)
    p.wasm = { win, pow: alloc(8 * p.fft.bins) }
  }
  const px = copyInput(x)
  const pf0 = region('harmonics.f0', 8 * nF)
  const pFm = region('harmonics.formants', 8 * 3 * nF)
  const pOut = region('harmonics.out', 8 * 5 * nF)
  f64(pf0, nF).set(f0)
  f64(pFm, 3 * nF).set(formantFreq)
  const o = f64(pOut, 5 * nF)
  o.fill(NaN)
  k.harmonic_frames(px, x.length, pf0, pFm, nF, grid.t1, grid.hop, sampleRate, p.n, p.wasm.win, p.fft.wasm!.plan, p.wasm.pow, p.fft.bins,
    sampleRate / p.fft.size, pOut)
  return { h1h2: o.slice(0, nF), h1a3: o.slice(nF, 2 * nF), formantRel: o.slice(2 * nF, 5 * nF) }
}
