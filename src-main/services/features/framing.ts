/**
 * Frame grid and analysis windows.
 *
 * The frame grid is Praat's (Sampled_shortTermAnalysis): for a window of
 * `win` seconds and step `hop`, nFrames = floor((duration - win) / hop) + 1,
 * frames centred in the signal, t1 = duration/2 - (nFrames - 1) * hop / 2.
 * Every eGeMAPS low-level descriptor is sampled on this grid (pitch window
 * 40 ms = 3 periods of 75 Hz, hop 10 ms), so frames line up with Praat's
 * Pitch frames one to one.
 */
export interface FrameGrid {
  nFrames: number
  /** Centre of frame 0, seconds. */
  t1: number
  /** Hop, seconds. */
  hop: number
}

export function frameGrid(nSamples: number, sampleRate: number, win: number, hop: number): FrameGrid {
  if (!(sampleRate > 0)) throw new Error(`sample rate must be positive, got ${sampleRate}`)
  if (!(hop > 0)) throw new Error(`hop must be positive, got ${hop}`)
  const duration = nSamples / sampleRate
  const nFrames = duration < win ? 0 : Math.floor((duration - win) / hop + 1e-9) + 1
  const t1 = duration / 2 - ((nFrames - 1) * hop) / 2
  return { nFrames, t1, hop }
}

/**
 * Copies the `n` samples centred on time t into dst (zeros outside the
 * signal). Sample i sits at time (i + 0.5) / sampleRate, as in Praat.
 * Returns the index of the first sample.
 */
export function copyFrame(x: Float32Array, sampleRate: number, t: number, n: number, dst: Float64Array): number {
  const start = Math.round(t * sampleRate - n / 2)
  const len = x.length
  if (start >= 0 && start + n <= len) {
    for (let i = 0; i < n; i++) dst[i] = x[start + i]
  } else {
    for (let i = 0; i < n; i++) {
      const j = start + i
      dst[i] = j >= 0 && j < len ? x[j] : 0
    }
  }
  return start
}

/** Praat's Hanning for To Pitch (ac): w[i] = 0.5 - 0.5 cos(2 pi i / (n + 1)), i = 1..n. */
export function praatHanning(n: number): Float64Array {
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 1)) / (n + 1))
  return w
}

/** Periodic-free symmetric Hamming (numpy.hamming): 0.54 - 0.46 cos(2 pi i / (n - 1)). */
export function hamming(n: number): Float64Array {
  if (n < 2) throw new Error(`window length must be >= 2, got ${n}`)
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) w[i] = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (n - 1))
  return w
}

/** Periodic Hann (scipy.signal.get_window('hann', n), torch.hann_window(n)): 0.5 - 0.5 cos(2 pi i / n). */
export function hannPeriodic(n: number): Float64Array {
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)
  return w
}

/**
 * Praat's Gaussian window for To Formant (burg):
 * w[i] = (exp(-48 (i - imid)^2 / (n + 1)^2) - e^-12) / (1 - e^-12), i = 1..n, imid = (n + 1) / 2.
 */
export function praatGaussian(n: number): Float64Array {
  const w = new Float64Array(n)
  const edge = Math.exp(-12)
  const imid = 0.5 * (n + 1)
  for (let i = 1; i <= n; i++) {
    const d = i - imid
    w[i - 1] = (Math.exp((-48 * d * d) / ((n + 1) * (n + 1))) - edge) / (1 - edge)
  }
  return w
}
