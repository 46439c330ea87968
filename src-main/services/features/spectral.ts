/**
 * Spectral low-level descriptors of eGeMAPS, per frame on a 25 ms Hamming
 * window (400 samples at 16 kHz, FFT 512), as openSMILE's eGeMAPS v02 does:
 * - loudness: sum over 26 Bark bands (20-8000 Hz, triangular on the
 *   Traunmueller Bark scale) of (equal-loudness-weighted band power)^0.33
 *   (Hermansky 1990 PLP equal-loudness curve; openSMILE cPlp "auditory spectrum").
 * - alpha ratio: 10 log10(power 1-5 kHz / power 50-1000 Hz), dB (the sign
 *   openSMILE outputs: negative for typical speech).
 * - Hammarberg index: 10 log10(max power 0-2 kHz / max power 2-5 kHz), dB.
 * - slope 0-500 and 500-1500: least-squares slope of the dB power spectrum
 *   against frequency over the bins in the band, dB/Hz.
 * - spectral flux: sum over bins of the squared difference of consecutive
 *   frames' magnitude spectra, each normalised to unit L2 norm.
 * - MFCC 1-4: HTK style as openSMILE's cMfcc (26 HTK-mel triangles 20-8000 Hz
 *   on the power spectrum, ln, DCT-II with sqrt(2/N), cepstral lifter 22).
 * - frame energy (mean square of the raw frame) for equivalentSoundLevel.
 * The power spectrum is |X|^2 / N of samples scaled to [-1, 1].
 */
import { RealFft, nextPow2 } from './fft'
import { hamming, type FrameGrid } from './framing'
import { melFilterbank } from './mel'
import { alloc, copyInput, f64, i32, region, useWasm, wasmKernels } from './wasm/runtime'

export interface SpectralFrames {
  loudness: Float64Array
  alphaRatio: Float64Array
  hammarberg: Float64Array
  slope0_500: Float64Array
  slope500_1500: Float64Array
  flux: Float64Array
  mfcc: Float64Array[] // 4 arrays
  energy: Float64Array
}

const N_BARK = 26
/** 10 log10(v) = DB_PER_NEPER ln(v) (10 / ln 10; V8's Math.log is about twice as fast as Math.log10). */
const DB_PER_NEPER = 10 / Math.LN10
const N_MEL = 26

interface Plan {
  n: number
  fft: RealFft
  win: Float64Array
  /** Band weights packed per band over bins first..last (offsets into the packed array). */
  bark: Float64Array
  barkFirst: Int32Array
  barkLast: Int32Array
  barkOff: Int32Array
  mel: Float64Array
  melFirst: Int32Array
  melLast: Int32Array
  melOff: Int32Array
  dct: Float64Array
  bins: number
  binHz: number
  /** wasm copies (byte offsets) of the tables and per-frame buffers of wasm/spectral.c, made on first use. */
  wasm?: {
    win: number; bark: number; barkRange: number; mel: number; melRange: number; dct: number; pow: number; db: number; prev: number; ks: number
    x2: number; z2: number
  }
}
const plans = new Map<number, Plan>()

/** Non-zero weights of each band, packed: band m's bins first[m]..last[m] start at off[m]. */
function pack(fb: Float64Array, nb: number, bins: number, first: Int32Array, last: Int32Array): [Float64Array, Int32Array] {
  const off = new Int32Array(nb + 1)
  for (let m = 0; m < nb; m++) off[m + 1] = off[m] + last[m] - first[m] + 1
  const w = new Float64Array(off[nb])
  for (let m = 0; m < nb; m++) for (let k = first[m]; k <= last[m]; k++) w[off[m] + k - first[m]] = fb[m * bins + k]
  return [w, off]
}

function bandRanges(fb: Float64Array, nb: number, bins: number): [Int32Array, Int32Array] {
  const first = new Int32Array(nb), last = new Int32Array(nb)
  for (let m = 0; m < nb; m++) {
    let a = 0
    while (a < bins - 1 && fb[m * bins + a] === 0) a++
    let b = bins - 1
    while (b > a && fb[m * bins + b] === 0) b--
    first[m] = a
    last[m] = b
  }
  return [first, last]
}

const hzToBark = (f: number) => (26.81 * f) / (1960 + f) - 0.53
const barkToHz = (z: number) => (1960 * (z + 0.53)) / (26.28 - z)

function plan(sampleRate: number): Plan {
  let p = plans.get(sampleRate)
  if (p) return p
  const n = Math.round(0.025 * sampleRate)
  const fft = new RealFft(nextPow2(n))
  const bins = fft.bins
  const binHz = sampleRate / fft.size
  const hi = Math.min(8000, sampleRate / 2)
  // Bark triangles, weighted by the equal-loudness curve at the band centre.
  const bark = new Float64Array(N_BARK * bins)
  const z0 = hzToBark(20), z1 = hzToBark(hi)
  for (let m = 0; m < N_BARK; m++) {
    const lo = barkToHz(z0 + ((z1 - z0) * m) / (N_BARK + 1))
    const c = barkToHz(z0 + ((z1 - z0) * (m + 1)) / (N_BARK + 1))
    const top = barkToHz(z0 + ((z1 - z0) * (m + 2)) / (N_BARK + 1))
    const w2 = (2 * Math.PI * c) ** 2
    const eql = ((w2 + 56.8e6) * w2 * w2) / ((w2 + 6.3e6) ** 2 * (w2 + 0.38e9))
    for (let k = 0; k < bins; k++) {
      const f = k * binHz
      const v = Math.max(0, Math.min((f - lo) / (c - lo), (top - f) / (top - c)))
      bark[m * bins + k] = v * eql
    }
  }
  const [barkFirst, barkLast] = bandRanges(bark, N_BARK, bins)
  const mel = melFilterbank(sampleRate, fft.size, N_MEL, 20, hi, 'htk', null)
  const [melFirst, melLast] = bandRanges(mel, N_MEL, bins)
  const dct = new Float64Array(4 * N_MEL)
  for (let k = 1; k <= 4; k++) {
    const lift = 1 + (22 / 2) * Math.sin((Math.PI * k) / 22)
    for (let j = 0; j < N_MEL; j++) dct[(k - 1) * N_MEL + j] = Math.sqrt(2 / N_MEL) * Math.cos(((Math.PI * k) / N_MEL) * (j + 0.5)) * lift
  }
  const [barkW, barkOff] = pack(bark, N_BARK, bins, barkFirst, barkLast)
  const [melW, melOff] = pack(mel, N_MEL, bins, melFirst, melLast)
  p = { n, fft, win: hamming(n), bark: barkW, barkFirst, barkLast, barkOff, mel: melW, melFirst, melLast, melOff, dct, bins, binHz }
  plans.set(sampleRate, p)
  return p
}

/** Bin limits of the band measures: 50, 1000, 5000, 2000, 500, 1500 Hz. */
function limits(binHz: number, bins: number): number[] {
  return [
    Math.ceil(50 / binHz), Math.floor(1000 / binHz), Math.min(bins - 1, Math.floor(5000 / binHz)),
    Math.floor(2000 / binHz), Math.floor(500 / binHz), Math.min(bins - 1, Math.floor(1500 / binHz)),
  ]
}

function wasmTables(p: Plan): NonNullable<Plan['wasm']> {
  if (p.wasm) return p.wasm
  const putF = (a: Float64Array): number => {
    const ptr = alloc(8 * a.length)
    f64(ptr, a.length).set(a)
    return ptr
  }
  const putI = (a: number[]): number => {
    const ptr = alloc(4 * a.length)
    i32(ptr, a.length).set(a)
    return ptr
  }
  const ranges = (first: Int32Array, last: Int32Array, off: Int32Array) => Array.from(first).flatMap((a, m) => [a, last[m], off[m]])
  const ks = limits(p.binHz, p.bins)
  p.wasm = {
    win: putF(p.win), bark: putF(p.bark), barkRange: putI(ranges(p.barkFirst, p.barkLast, p.barkOff)),
    mel: putF(p.mel), melRange: putI(ranges(p.melFirst, p.melLast, p.melOff)), dct: putF(p.dct),
    // two frames at a time (wasm/spectral.c spectral_frames2): every buffer holds f64x2
    pow: alloc(16 * p.bins), db: alloc(16 * (ks[5] + 1)), prev: alloc(16 * p.bins), ks: putI(ks),
    x2: alloc(16 * p.fft.size), z2: alloc(16 * p.fft.size),
  }
  return p.wasm
}

/** The frame loop in wasm (wasm/spectral.c): the same values as the JavaScript loop below. */
function wasmFrames(x: Float32Array, sampleRate: number, grid: FrameGrid, p: Plan, out: SpectralFrames): void {
  const k = wasmKernels()!
  const W = wasmTables(p)
  const nF = grid.nFrames
  const px = copyInput(x)
  const pStarts = region('spectral.starts', 4 * nF)
  const pOut = region('spectral.out', 8 * 11 * nF)
  const starts = i32(pStarts, nF)
  for (let f = 0; f < nF; f++) starts[f] = Math.round((grid.t1 + f * grid.hop) * sampleRate - p.n / 2)
  const fp = p.fft.wasm!.plan
  k.spectral_frames2(px, x.length, pStarts, nF, p.n, W.win, fp, W.x2, W.z2, W.pow, p.bins, W.bark, W.barkRange, W.mel, W.melRange, W.dct, W.ks,
    p.binHz, DB_PER_NEPER, W.db, W.prev, pOut)
  const o = f64(pOut, 11 * nF)
  const cols = [out.loudness, out.alphaRatio, out.hammarberg, out.slope0_500, out.slope500_1500, out.flux, ...out.mfcc, out.energy]
  for (let f = 0; f < nF; f++) for (let j = 0; j < 11; j++) cols[j][f] = o[f * 11 + j]
}

export function spectralFrames(x: Float32Array, sampleRate: number, grid: FrameGrid): SpectralFrames {
  const p = plan(sampleRate)
  const nF = grid.nFrames
  const out: SpectralFrames = {
    loudness: new Float64Array(nF),
    alphaRatio: new Float64Array(nF),
    hammarberg: new Float64Array(nF),
    slope0_500: new Float64Array(nF),
    slope500_1500: new Float64Array(nF),
    flux: new Float64Array(nF),
    mfcc: [0, 1, 2, 3].map(() => new Float64Array(nF)),
    energy: new Float64Array(nF),
  }
  if (useWasm(x.length) && p.fft.wasm && nF > 0) {
    wasmFrames(x, sampleRate, grid, p, out)
    return out
  }
  const { n, fft, win, bins, binHz, bark, barkFirst, barkLast, barkOff, mel, melFirst, melLast, melOff, dct } = p
  const pow = new Float64Array(bins)
  const prevMag = new Float64Array(bins)
  const melE = new Float64Array(N_MEL)
  const [k50, k1000, k5000, k2000, k500, k1500] = limits(binHz, bins)
  const db = new Float64Array(k1500 + 1)
  const inp = fft.input
  const scale = 1 / n
  const nx = x.length
  const { loudness, alphaRatio, hammarberg, slope0_500, slope500_1500, flux: fluxOut, energy } = out
  const [mfcc0, mfcc1, mfcc2, mfcc3] = out.mfcc
  for (let f = 0; f < nF; f++) {
    // frame (zeros outside the signal), energy of the raw frame, Hamming window
    const start = Math.round((grid.t1 + f * grid.hop) * sampleRate - n / 2)
    let e = 0
    if (start >= 0 && start + n <= nx) {
      for (let i = 0; i < n; i++) {
        const v = x[start + i]
        e += v * v
        inp[i] = v * win[i]
      }
    } else {
      for (let i = 0; i < n; i++) {
        const j = start + i
        const v = j >= 0 && j < nx ? x[j] : 0
        e += v * v
        inp[i] = v * win[i]
      }
    }
    energy[f] = e / n
    fft.power(pow)
    let norm = 0
    for (let k = 0; k < bins; k++) {
      const v = pow[k] * scale
      pow[k] = v
      norm += v
    }
    // loudness
    let loud = 0
    for (let m = 0; m < N_BARK; m++) {
      let s = 0
      const o = barkOff[m] - barkFirst[m]
      for (let k = barkFirst[m], e2 = barkLast[m]; k <= e2; k++) s += bark[o + k] * pow[k]
      loud += s > 0 ? Math.exp(0.33 * Math.log(s)) : 0 // s^0.33 (twice as fast as Math.pow here)
    }
    loudness[f] = loud
    // alpha ratio, Hammarberg
    let lo = 0, hi = 0, maxLo = 0, maxHi = 0
    for (let k = k50; k < k1000; k++) lo += pow[k]
    for (let k = k1000; k <= k5000; k++) hi += pow[k]
    for (let k = 1; k <= k2000; k++) if (pow[k] > maxLo) maxLo = pow[k]
    for (let k = k2000 + 1; k <= k5000; k++) if (pow[k] > maxHi) maxHi = pow[k]
    const eps = 1e-20
    alphaRatio[f] = 10 * Math.log10((hi + eps) / (lo + eps))
    hammarberg[f] = 10 * Math.log10((maxLo + eps) / (maxHi + eps))
    for (let k = 0; k <= k1500; k++) db[k] = DB_PER_NEPER * Math.log(pow[k] + 1e-20) // 10 log10, via ln (faster)
    slope0_500[f] = dbSlope(db, 0, k500, binHz)
    slope500_1500[f] = dbSlope(db, k500, k1500, binHz)
    // flux on L2-normalised magnitudes
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0
    let flux = 0
    for (let k = 0; k < bins; k++) {
      const m = Math.sqrt(pow[k]) * inv
      const d = m - prevMag[k]
      flux += d * d
      prevMag[k] = m
    }
    fluxOut[f] = f === 0 ? 0 : flux
    // MFCC 1-4
    for (let m = 0; m < N_MEL; m++) {
      let s = 0
      const o = melOff[m] - melFirst[m]
      for (let k = melFirst[m], e2 = melLast[m]; k <= e2; k++) s += mel[o + k] * pow[k]
      melE[m] = Math.log(Math.max(s, 1e-20))
    }
    let c0 = 0, c1 = 0, c2 = 0, c3 = 0
    for (let j = 0; j < N_MEL; j++) {
      const v = melE[j]
      c0 += dct[j] * v
      c1 += dct[N_MEL + j] * v
      c2 += dct[2 * N_MEL + j] * v
      c3 += dct[3 * N_MEL + j] * v
    }
    mfcc0[f] = c0
    mfcc1[f] = c1
    mfcc2[f] = c2
    mfcc3[f] = c3
  }
  return out
}

/** Least-squares slope (dB/Hz) of db[a..b] against bin frequency. */
function dbSlope(db: Float64Array, a: number, b: number, binHz: number): number {
  let sx = 0, sy = 0, sxx = 0, sxy = 0, c = 0
  for (let k = a; k <= b; k++) {
    const xk = k * binHz
    const y = db[k]
    sx += xk; sy += y; sxx += xk * xk; sxy += xk * y; c++
  }
  const den = c * sxx - sx * sx
  return den > 0 ? (c * sxy - sx * sy) / den : 0
}
