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
import { copyFrame, hamming, type FrameGrid } from './framing'
import { melFilterbank } from './mel'

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
const N_MEL = 26

interface Plan {
  n: number
  fft: RealFft
  win: Float64Array
  bark: Float64Array
  barkFirst: Int32Array
  barkLast: Int32Array
  mel: Float64Array
  melFirst: Int32Array
  melLast: Int32Array
  dct: Float64Array
  bins: number
  binHz: number
}
const plans = new Map<number, Plan>()

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
  p = { n, fft, win: hamming(n), bark, barkFirst, barkLast, mel, melFirst, melLast, dct, bins, binHz }
  plans.set(sampleRate, p)
  return p
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
  const { n, fft, win, bins, binHz } = p
  const frame = new Float64Array(n)
  const pow = new Float64Array(bins)
  const mag = new Float64Array(bins)
  const prevMag = new Float64Array(bins)
  const melE = new Float64Array(N_MEL)
  const k50 = Math.ceil(50 / binHz), k1000 = Math.floor(1000 / binHz), k5000 = Math.min(bins - 1, Math.floor(5000 / binHz))
  const k2000 = Math.floor(2000 / binHz), k500 = Math.floor(500 / binHz), k1500 = Math.min(bins - 1, Math.floor(1500 / binHz))
  const inp = fft.input
  const scale = 1 / n
  for (let f = 0; f < nF; f++) {
    copyFrame(x, sampleRate, grid.t1 + f * grid.hop, n, frame)
    let e = 0
    for (let i = 0; i < n; i++) {
      e += frame[i] * frame[i]
      inp[i] = frame[i] * win[i]
    }
    for (let i = n; i < inp.length; i++) inp[i] = 0
    out.energy[f] = e / n
    fft.power(pow)
    let norm = 0
    for (let k = 0; k < bins; k++) {
      pow[k] *= scale
      mag[k] = Math.sqrt(pow[k])
      norm += pow[k]
    }
    // loudness
    let loud = 0
    for (let m = 0; m < N_BARK; m++) {
      let s = 0
      for (let k = p.barkFirst[m]; k <= p.barkLast[m]; k++) s += p.bark[m * bins + k] * pow[k]
      loud += Math.pow(s, 0.33)
    }
    out.loudness[f] = loud
    // alpha ratio, Hammarberg
    let lo = 0, hi = 0, maxLo = 0, maxHi = 0
    for (let k = k50; k < k1000; k++) lo += pow[k]
    for (let k = k1000; k <= k5000; k++) hi += pow[k]
    for (let k = 1; k <= k2000; k++) if (pow[k] > maxLo) maxLo = pow[k]
    for (let k = k2000 + 1; k <= k5000; k++) if (pow[k] > maxHi) maxHi = pow[k]
    const eps = 1e-20
    out.alphaRatio[f] = 10 * Math.log10((hi + eps) / (lo + eps))
    out.hammarberg[f] = 10 * Math.log10((maxLo + eps) / (maxHi + eps))
    out.slope0_500[f] = dbSlope(pow, 0, k500, binHz)
    out.slope500_1500[f] = dbSlope(pow, k500, k1500, binHz)
    // flux on L2-normalised magnitudes
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0
    let flux = 0
    for (let k = 0; k < bins; k++) {
      const m = mag[k] * inv
      const d = m - prevMag[k]
      flux += d * d
      prevMag[k] = m
    }
    out.flux[f] = f === 0 ? 0 : flux
    // MFCC 1-4
    for (let m = 0; m < N_MEL; m++) {
      let s = 0
      for (let k = p.melFirst[m]; k <= p.melLast[m]; k++) s += p.mel[m * bins + k] * pow[k]
      melE[m] = Math.log(Math.max(s, 1e-20))
    }
    for (let c = 0; c < 4; c++) {
      let s = 0
      for (let j = 0; j < N_MEL; j++) s += p.dct[c * N_MEL + j] * melE[j]
      out.mfcc[c][f] = s
    }
  }
  return out
}

function dbSlope(pow: Float64Array, a: number, b: number, binHz: number): number {
  let sx = 0, sy = 0, sxx = 0, sxy = 0, c = 0
  for (let k = a; k <= b; k++) {
    const xk = k * binHz
    const y = 10 * Math.log10(pow[k] + 1e-20)
    sx += xk; sy += y; sxx += xk * xk; sxy += xk * y; c++
  }
  const den = c * sxx - sx * sx
  return den > 0 ? (c * sxy - sx * sy) / den : 0
}
