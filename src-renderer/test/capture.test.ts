/** The renderer's capture pipeline (resampler, chunker, PCM helpers), run in Node. */
import { describe, expect, it } from 'vitest'
import { Chunker, type RawChunk } from '../src/audio/chunker'
import { encodeWav16, floatToInt16, int16ToBase64, int16ToFloat, measureLevel } from '../src/audio/pcm'
import { StreamingResampler, resampleTo } from '../../src-shared/resample'

const tone = (rate: number, hz: number, seconds: number, amp = 0.5) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate))

function streamed(r: StreamingResampler, x: Float32Array, blocks: number[]): Float32Array {
  const parts: Float32Array[] = []
  let o = 0
  let b = 0
  while (o < x.length) {
    const n = blocks[b++ % blocks.length]
    parts.push(r.push(x.subarray(o, o + n)))
    o += n
  }
  parts.push(r.flush())
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0))
  let k = 0
  for (const p of parts) out.set(p, k), (k += p.length)
  return out
}

describe('StreamingResampler', () => {
  for (const rate of [48000, 44100, 22050, 8000]) {
    it(`${rate} Hz -> 16 kHz keeps a 440 Hz tone (error < -50 dB) at the right length and phase`, () => {
      const x = tone(rate, 440, 1)
      const y = streamed(new StreamingResampler(rate, 16000), x, [128])
      expect(Math.abs(y.length - 16000)).toBeLessThanOrEqual(2)
      const ref = tone(16000, 440, 1)
      let err = 0
      let pow = 0
      // away from the edges, where the kernel sees zeros
      for (let i = 200; i < 15800; i++) {
        err += (y[i] - ref[i]) ** 2
        pow += ref[i] ** 2
      }
      expect(10 * Math.log10(err / pow)).toBeLessThan(-50)
    })
  }

  it('gives the same samples whatever the block sizes', () => {
    const x = tone(44100, 1234, 0.5)
    const a = streamed(new StreamingResampler(44100, 16000), x, [128])
    const b = streamed(new StreamingResampler(44100, 16000), x, [1, 7, 500, 3000, 128, 20000])
    expect(b.length).toBe(a.length)
    let maxDiff = 0
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]))
    expect(maxDiff).toBeLessThan(1e-5)
  })

  it('streams exactly what resampleTo gives for the whole input (the import path), for any block sizes', () => {
    for (const rate of [44100, 48000, 22050]) {
      const x = Float32Array.from({ length: Math.round(rate * 0.7) }, (_, i) => Math.sin(i * 0.37) * 0.4 + ((i * 7919) % 101) / 400 - 0.125)
      const whole = resampleTo(x, rate, 16000)
      const y = streamed(new StreamingResampler(rate, 16000), x, [1, 128, 7, 3000])
      expect(y.length).toBe(whole.length)
      let differ = 0
      for (let i = 0; i < y.length; i++) if (y[i] !== whole[i]) differ++
      expect(differ).toBe(0)
    }
  })

  it('removes what would alias: a 10 kHz tone at 48 kHz is below -50 dB after resampling', () => {
    const y = streamed(new StreamingResampler(48000, 16000), tone(48000, 10000, 1), [128])
    const rms = Math.sqrt(y.subarray(200, 15800).reduce((s, v) => s + v * v, 0) / 15600)
    expect(20 * Math.log10(rms / (0.5 / Math.SQRT2))).toBeLessThan(-50)
  })

  it('refuses absurd rates', () => {
    expect(() => new StreamingResampler(0, 16000)).toThrow(/sample rate 0/)
    expect(() => new StreamingResampler(48000, NaN)).toThrow(/sample rate NaN/)
  })
})

describe('Chunker', () => {
  it('delivers gap-free 16 kHz chunks of the asked size from 48 kHz stereo blocks', () => {
    const got: RawChunk[] = []
    const c = new Chunker(48000, 1600, (k) => got.push(k))
    const l = tone(48000, 300, 2, 0.25)
    for (let o = 0; o < l.length; o += 128) c.push([l.subarray(o, o + 128), l.subarray(o, o + 128)])
    // 2 s = 32000 samples minus the resampler's look-ahead (< 1 chunk)
    expect(got.length).toBe(19)
    got.forEach((k, i) => {
      expect(k.samples.length).toBe(1600)
      expect(k.startSample).toBe(i * 1600)
    })
    expect(got[5].level.rms).toBeCloseTo(0.25 / Math.SQRT2, 2)
    expect(got[5].level.peakDb).toBeCloseTo(20 * Math.log10(0.25), 0)
  })

  it('refuses chunk sizes outside 10 ms..1 s', () => {
    expect(() => new Chunker(48000, 50, () => {})).toThrow(/outside 160\.\.16000/)
  })
})

describe('PCM helpers', () => {
  it('round-trips Int16 within one step and clips out-of-range/NaN samples', () => {
    const x = Float32Array.from([0, 0.5, -0.5, 1.5, -2, NaN, 1 / 32767])
    const q = floatToInt16(x)
    expect(Array.from(q)).toEqual([0, 16384, -16383, 32767, -32767, 0, 1])
    const back = int16ToFloat(q)
    expect(Math.abs(back[1] - 0.5)).toBeLessThan(1 / 32767)
  })

  it('base64 matches Node Buffer for every tail length', () => {
    for (const n of [0, 1, 2, 3, 1600]) {
      const q = Int16Array.from({ length: n }, (_, i) => (i * 7919) % 65536 - 32768)
      expect(int16ToBase64(q)).toBe(Buffer.from(q.buffer).toString('base64'))
    }
    // odd byte counts (views that start mid-buffer)
    const bytes = new Int16Array(Uint8Array.from([1, 2, 3, 4, 5, 6]).buffer, 2, 1)
    expect(int16ToBase64(bytes)).toBe(Buffer.from([3, 4]).toString('base64'))
  })

  it('measures silence as -120 dBFS and writes a valid WAV header', () => {
    expect(measureLevel(new Float32Array(100)).rmsDb).toBe(-120)
    const wav = Buffer.from(encodeWav16(tone(16000, 440, 0.1), 16000))
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF')
    expect(wav.readUInt32LE(24)).toBe(16000)
    expect(wav.readUInt32LE(40)).toBe(3200)
    expect(wav.length).toBe(44 + 3200)
  })
})
