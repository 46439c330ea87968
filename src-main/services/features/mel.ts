/**
 * Mel filter banks, log-mel spectrograms and MFCCs.
 *
 * `melFilterbank` equals librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax,
 * htk, norm) (librosa 0.10): scale 'slaney' (linear below 1 kHz, log above) or
 * 'htk' (2595 log10(1 + f / 700)); norm 'slaney' divides each triangle by half
 * its width in Hz (area normalisation), null leaves peaks at 1.
 *
 * `logMel` equals librosa.power_to_db(librosa.feature.melspectrogram(y, sr,
 * n_fft, hop_length, win_length, window='hann', center=True,
 * pad_mode='constant', power=2, n_mels, fmin, fmax), ref=1, amin=1e-10,
 * top_db=None): periodic Hann of win_length centred in n_fft, frames centred
 * on t = i * hop (zero padding of n_fft / 2 at both ends).
 *
 * `mfcc` equals librosa.feature.mfcc(S=that log-mel, n_mfcc, dct_type=2,
 * norm='ortho', lifter=0).
 */
import { RealFft } from './fft'
import { hannPeriodic } from './framing'

export interface MelOptions {
  nFft?: number
  winLength?: number
  hop?: number
  nMels?: number
  fmin?: number
  fmax?: number
  scale?: 'slaney' | 'htk'
  norm?: 'slaney' | null
}

export const LOGMEL_DEFAULTS: Required<MelOptions> = {
  nFft: 512,
  winLength: 400,
  hop: 160,
  nMels: 64,
  fmin: 0,
  fmax: 8000,
  scale: 'slaney',
  norm: 'slaney',
}

export function hzToMel(f: number, scale: 'slaney' | 'htk'): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + f / 700)
  const fsp = 200 / 3
  const minLogHz = 1000
  const minLogMel = minLogHz / fsp
  const logstep = Math.log(6.4) / 27
  return f >= minLogHz ? minLogMel + Math.log(f / minLogHz) / logstep : f / fsp
}

export function melToHz(m: number, scale: 'slaney' | 'htk'): number {
  if (scale === 'htk') return 700 * (Math.pow(10, m / 2595) - 1)
  const fsp = 200 / 3
  const minLogHz = 1000
  const minLogMel = minLogHz / fsp
  const logstep = Math.log(6.4) / 27
  return m >= minLogMel ? minLogHz * Math.exp(logstep * (m - minLogMel)) : fsp * m
}

/** [nMels][nFft/2+1] weights, flattened row-major. */
export function melFilterbank(
  sampleRate: number,
  nFft: number,
  nMels: number,
  fmin: number,
  fmax: number,
  scale: 'slaney' | 'htk' = 'slaney',
  norm: 'slaney' | null = 'slaney',
): Float64Array {
  if (!(fmax > fmin && fmin >= 0 && fmax <= sampleRate / 2 + 1e-9))
    throw new Error(`mel band limits invalid: fmin ${fmin}, fmax ${fmax}, sample rate ${sampleRate}`)
  if (!(nMels >= 1)) throw new Error(`nMels must be >= 1, got ${nMels}`)
  const bins = nFft / 2 + 1
  const w = new Float64Array(nMels * bins)
  const mMin = hzToMel(fmin, scale)
  const mMax = hzToMel(fmax, scale)
  const pts = new Float64Array(nMels + 2)
  for (let i = 0; i < nMels + 2; i++) pts[i] = melToHz(mMin + ((mMax - mMin) * i) / (nMels + 1), scale)
  for (let m = 0; m < nMels; m++) {
    const lo = pts[m],
      c = pts[m + 1],
      hi = pts[m + 2]
    const enorm = norm === 'slaney' ? 2 / (hi - lo) : 1
    for (let k = 0; k < bins; k++) {
      const f = (k * sampleRate) / nFft
      const up = (f - lo) / (c - lo)
      const down = (hi - f) / (hi - c)
      const v = Math.max(0, Math.min(up, down))
      w[m * bins + k] = v * enorm
    }
  }
  return w
}

export interface Spectrogram {
  frames: number
  bins: number
  data: Float32Array
}

export function logMel(samples: Float32Array, sampleRate: number, opts: MelOptions = {}): Spectrogram {
  const o = { ...LOGMEL_DEFAULTS, ...opts }
  if (o.winLength > o.nFft) throw new Error(`winLength ${o.winLength} exceeds nFft ${o.nFft}`)
  if (!(o.hop >= 1)) throw new Error(`hop must be >= 1 sample, got ${o.hop}`)
  const fb = melFilterbank(sampleRate, o.nFft, o.nMels, o.fmin, Math.min(o.fmax, sampleRate / 2), o.scale, o.norm)
  const fft = new RealFft(o.nFft)
  const bins = fft.bins
  const win = new Float64Array(o.nFft)
  const off = Math.floor((o.nFft - o.winLength) / 2)
  win.set(hannPeriodic(o.winLength), off)
  const pad = o.nFft / 2
  const frames = samples.length === 0 ? 0 : 1 + Math.floor((samples.length + 2 * pad - o.nFft) / o.hop)
  const data = new Float32Array(frames * o.nMels)
  const pow = new Float64Array(bins)
  // Band ranges to skip zero weights.
  const first = new Int32Array(o.nMels), last = new Int32Array(o.nMels)
  for (let m = 0; m < o.nMels; m++) {
    let a = 0
    while (a < bins && fb[m * bins + a] === 0) a++
    let b = bins - 1
    while (b > a && fb[m * bins + b] === 0) b--
    first[m] = a
    last[m] = b
  }
  for (let f = 0; f < frames; f++) {
    const start = f * o.hop - pad
    for (let i = 0; i < o.nFft; i++) {
      const j = start + i
      fft.input[i] = j >= 0 && j < samples.length ? samples[j] * win[i] : 0
    }
    fft.power(pow)
    for (let m = 0; m < o.nMels; m++) {
      let s = 0
      for (let k = first[m]; k <= last[m]; k++) s += fb[m * bins + k] * pow[k]
      data[f * o.nMels + m] = 10 * Math.log10(Math.max(1e-10, s))
    }
  }
  return { frames, bins: o.nMels, data }
}

/** DCT-II, orthonormal (scipy.fft.dct(type=2, norm='ortho')), first nOut coefficients. */
export function dct2Ortho(x: ArrayLike<number>, nOut: number, out: Float64Array = new Float64Array(nOut)): Float64Array {
  const N = x.length
  for (let k = 0; k < nOut; k++) {
    let s = 0
    for (let n = 0; n < N; n++) s += x[n] * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * N))
    out[k] = s * (k === 0 ? Math.sqrt(1 / N) : Math.sqrt(2 / N))
  }
  return out
}

export function mfcc(samples: Float32Array, sampleRate: number, opts: MelOptions & { nMfcc?: number } = {}): Spectrogram {
  const nMfcc = opts.nMfcc ?? 13
  const lm = logMel(samples, sampleRate, opts)
  if (nMfcc > lm.bins) throw new Error(`nMfcc ${nMfcc} exceeds the number of mel bands ${lm.bins}`)
  const data = new Float32Array(lm.frames * nMfcc)
  const tmp = new Float64Array(nMfcc)
  for (let f = 0; f < lm.frames; f++) {
    dct2Ortho(lm.data.subarray(f * lm.bins, (f + 1) * lm.bins), nMfcc, tmp)
    data.set(tmp, f * nMfcc)
  }
  return { frames: lm.frames, bins: nMfcc, data }
}
