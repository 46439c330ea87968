import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/workspace'
import {
  AudioDecodeError,
  ANALYSIS_RATE,
  decodeAudioBuffer,
  decodeAudioFile,
  encodeWav16,
  loadForAnalysis,
  resample,
  toMono,
} from '../../../src-main/services/audio/index'

let dir: string
const f = (n: string) => path.join(dir, n)

/** Left channel 440 Hz, right channel 660 Hz, amplitude 0.5, 1 s at 48 kHz (sox). */
beforeAll(() => {
  dir = tempDir('ser-audio-')
  execFileSync('sox', ['-n', '-r', '48000', '-b', '16', '-c', '2', f('s16.wav'), 'synth', '1', 'sine', '440', 'sine', '660', 'vol', '0.5'])
  execFileSync('sox', [f('s16.wav'), '-b', '24', f('s24.wav')])
  execFileSync('sox', [f('s16.wav'), '-b', '8', '-e', 'unsigned', f('u8.wav')])
  execFileSync('sox', [f('s16.wav'), '-e', 'floating-point', '-b', '32', f('f32.wav')])
  execFileSync('sox', [f('s16.wav'), '-e', 'floating-point', '-b', '64', f('f64.wav')])
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', f('s16.wav'), '-c:a', 'pcm_s32le', f('s32ext.wav')])
  execFileSync('sox', [f('s16.wav'), '-r', '22050', f('mono22k.wav'), 'remix', '1'])
  execFileSync('sox', [f('s16.wav'), f('s.flac')])
  execFileSync('sox', [f('s16.wav'), f('s.mp3')])
  execFileSync('sox', [f('s16.wav'), f('s.ogg')])
  const video = ['-f', 'lavfi', '-i', 'color=c=gray:s=32x24:r=5']
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...video, '-i', f('s16.wav'), '-shortest', '-c:v', 'mjpeg', '-c:a', 'pcm_s16le', f('pcm.avi')])
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...video, '-i', f('s16.wav'), '-shortest', '-c:v', 'mjpeg', '-c:a', 'libmp3lame', f('mp3.avi')])
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** Correlation of x with a sine of frequency hz (amplitude estimate). */
function amplitudeAt(x: Float32Array, rate: number, hz: number): number {
  let s = 0
  let c = 0
  for (let i = 0; i < x.length; i++) {
    s += x[i] * Math.sin((2 * Math.PI * hz * i) / rate)
    c += x[i] * Math.cos((2 * Math.PI * hz * i) / rate)
  }
  return (2 * Math.hypot(s, c)) / x.length
}

describe('decoding', () => {
  const lossless: [string, string][] = [
    ['s16.wav', 'wav/pcm16'], ['s24.wav', 'wav/pcm24'], ['u8.wav', 'wav/pcm8'], ['f32.wav', 'wav/float32'], ['f64.wav', 'wav/float64'],
    ['s32ext.wav', 'wav/pcm32'], ['s.flac', 'flac'], ['pcm.avi', 'avi/pcm16'],
  ]
  for (const [name, format] of lossless) {
    it(`${name}: two channels, exact rate, length and tones`, async () => {
      const d = await decodeAudioFile(f(name))
      expect(d.format).toBe(format)
      expect(d.sampleRate).toBe(48000)
      expect(d.channels).toHaveLength(2)
      expect(d.channels[0].length).toBe(48000)
      expect(d.durationSec).toBe(1)
      const tol = name === 'u8.wav' ? 0.02 : 0.002
      expect(Math.abs(amplitudeAt(d.channels[0], 48000, 440) - 0.5)).toBeLessThan(tol)
      expect(Math.abs(amplitudeAt(d.channels[1], 48000, 660) - 0.5)).toBeLessThan(tol)
      expect(amplitudeAt(d.channels[0], 48000, 660)).toBeLessThan(0.01)
    })
  }
  for (const [name, format] of [['s.mp3', 'mp3'], ['s.ogg', 'ogg/vorbis'], ['mp3.avi', 'avi/ffmpeg:MP3']]) {
    it(`${name}: lossy, the tones survive`, async () => {
      const d = await decodeAudioFile(f(name))
      expect(d.format).toBe(format)
      expect(d.channels).toHaveLength(2)
      expect(d.durationSec).toBeGreaterThan(0.95)
      expect(Math.abs(amplitudeAt(d.channels[0], d.sampleRate, 440) - 0.5)).toBeLessThan(0.05)
      expect(Math.abs(amplitudeAt(d.channels[1], d.sampleRate, 660) - 0.5)).toBeLessThan(0.05)
    })
  }

  it('loadForAnalysis: mono (mean of channels) at 16 kHz', async () => {
    expect(ANALYSIS_RATE).toBe(16000)
    const x = await loadForAnalysis(f('s16.wav'))
    expect(x.length).toBe(16000)
    expect(Math.abs(amplitudeAt(x.subarray(1000, 15000), 16000, 440) - 0.25)).toBeLessThan(0.005)
    expect(Math.abs(amplitudeAt(x.subarray(1000, 15000), 16000, 660) - 0.25)).toBeLessThan(0.005)
    const y = await loadForAnalysis(f('mono22k.wav'))
    expect(y.length).toBe(16000)
  })

  it('resample is band-limited: a tone above the new Nyquist is removed, one below is kept', async () => {
    const n = 48000
    const hi = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 10000 * i) / 48000))
    const lo = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 3000 * i) / 48000))
    const rh = await resample(hi, 48000, 16000)
    const rl = await resample(lo, 48000, 16000)
    expect(rh.length).toBe(16000)
    const rms = (x: Float32Array) => Math.sqrt(x.subarray(500, 15500).reduce((a, v) => a + v * v, 0) / 15000)
    // naive decimation would alias 10 kHz to 6 kHz at full level
    expect(rms(rh)).toBeLessThan(0.5 / Math.SQRT2 / 1000)
    expect(Math.abs(rms(rl) - 0.5 / Math.SQRT2)).toBeLessThan(0.005)
    await expect(resample(lo, 0, 16000)).rejects.toThrow(/invalid sample rate 0/)
  })

  it('toMono averages channels; encodeWav16 round-trips', async () => {
    const m = toMono({ channels: [Float32Array.of(1, 0.5), Float32Array.of(0, -0.5)] })
    expect([...m]).toEqual([0.5, 0])
    const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10) * 0.9)
    const d = await decodeAudioBuffer(encodeWav16(x, 22050), 'mem.wav')
    expect(d.sampleRate).toBe(22050)
    expect(d.format).toBe('wav/pcm16')
    expect(Math.max(...d.channels[0].map((v, i) => Math.abs(v - x[i])))).toBeLessThan(1 / 16000)
  })

  it('errors are AudioDecodeError naming the file and the problem', async () => {
    const b = encodeWav16(new Float32Array(100), 16000)
    await expect(decodeAudioBuffer(b.subarray(0, 60), 'x/short.wav')).rejects.toThrow(
      new AudioDecodeError('x/short.wav', 'RIFF size field says 244 bytes but the file has 60 (file truncated or size corrupt)'),
    )
    await expect(decodeAudioFile(f('nope.wav'))).rejects.toThrow(/cannot decode .*nope\.wav: cannot read/)
    const junk = decodeAudioBuffer(Buffer.from('hello'), 'a.flac')
    await expect(junk).rejects.toThrow(/cannot decode a\.flac: extension says FLAC but content is not a known audio format \(none of the signatures/)
    // the file's own bytes never appear in the message
    await expect(decodeAudioBuffer(Buffer.from('hello'), 'a.flac')).rejects.not.toThrow(/hello/)
  })
})
