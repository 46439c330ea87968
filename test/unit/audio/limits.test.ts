/**
 * Declared sizes are checked against the documented limits (docs/audio.md, Limits)
 * before decoding, for every format; streams that hide their length stop at the cap
 * while decoding; ffmpeg is killed on timeout and on cancel.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/workspace'
import { decodeAudioBuffer, decodeAudioFile, encodeWav16, MAX_RATE_X_CHANNELS } from '../../../src-main/services/audio/index'

let dir: string
const f = (n: string) => path.join(dir, n)
const read = (n: string) => fs.readFileSync(f(n))

function ffmpeg(...args: string[]) {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args])
}

beforeAll(() => {
  dir = tempDir('ser-limits-')
  fs.writeFileSync(f('tone.wav'), encodeWav16(Float32Array.from({ length: 8000 * 70 }, (_, i) => 0.3 * Math.sin(i / 5)), 8000))
  execFileSync('sox', [f('tone.wav'), f('tone.flac')])
  ffmpeg('-i', f('tone.wav'), '-c:a', 'libmp3lame', '-b:a', '16k', f('tone.mp3'))
  ffmpeg('-i', f('tone.wav'), '-c:a', 'libmp3lame', '-b:a', '16k', '-write_xing', '0', f('noxing.mp3'))
  ffmpeg('-i', f('tone.wav'), '-c:a', 'libvorbis', f('tone.ogg'))
  ffmpeg('-f', 'lavfi', '-i', 'sine=f=440:r=8000:d=3', '-f', 'lavfi', '-i', 'color=c=gray:s=32x24:r=5:d=3', '-c:a', 'pcm_s16le', '-c:v', 'mjpeg', f('pcm.avi'))
  ffmpeg('-f', 'lavfi', '-i', 'sine=f=440:r=8000:d=3', '-f', 'lavfi', '-i', 'color=c=gray:s=32x24:r=5:d=3', '-c:a', 'pcm_alaw', '-c:v', 'mjpeg', f('alaw.avi'))
})

afterEach(() => {
  delete process.env.SER_MAX_CLIP_SEC
})

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

describe('declared sizes', () => {
  it('WAV: rate x channels above the cap is refused from the format chunk', async () => {
    const b = Buffer.from(read('tone.wav'))
    b.writeUInt16LE(64, 22) // channels
    b.writeUInt32LE(768000, 24)
    b.writeUInt16LE(128, 32) // block align 64 x 2
    b.writeUInt32LE(768000 * 128, 28)
    await expect(decodeAudioBuffer(b, 'bomb.wav')).rejects.toThrow(
      `'fmt ' chunk declares 768000 Hz x 64 channel(s) = 49152000 samples/s, above the limit of ${MAX_RATE_X_CHANNELS}`,
    )
  })

  it('WAV: a data chunk longer than the clip limit is refused before its samples are converted', async () => {
    process.env.SER_MAX_CLIP_SEC = '60'
    await expect(decodeAudioFile(f('tone.wav'))).rejects.toThrow(/'data' chunk declares 560000 samples at 8000 Hz \(70 s\), above the limit of 60 s per clip/)
  })

  it('FLAC: STREAMINFO total samples, rate and channels are checked; a STREAMINFO that hides the length is caught by the frame headers', async () => {
    const flac = read('tone.flac')
    const huge = Buffer.from(flac)
    huge[21] = (huge[21] & 0xf0) | 0x0f
    huge.writeUInt32BE(0xffffffff, 22) // 2^36 - 1 samples
    await expect(decodeAudioBuffer(huge, 'huge.flac')).rejects.toThrow(
      /FLAC STREAMINFO declares 68719476735 samples at 8000 Hz \(2386\.09 h\), above the limit of 3 h per clip/,
    )
    process.env.SER_MAX_CLIP_SEC = '60'
    await expect(decodeAudioBuffer(flac, 'long.flac')).rejects.toThrow(/FLAC STREAMINFO declares 560000 samples at 8000 Hz \(70 s\)/)
    const hidden = Buffer.from(flac)
    hidden[21] &= 0xf0
    hidden.fill(0, 22, 26) // total samples 0 = unknown
    await expect(decodeAudioBuffer(hidden, 'hidden.flac')).rejects.toThrow(
      /FLAC frame headers \(sum of block sizes\) declares 560000 samples at 8000 Hz \(70 s\), above the limit of 60 s/,
    )
  })

  it("MP3: the Xing/Info header's frame count is checked; without one, decoding stops at the cap", async () => {
    process.env.SER_MAX_CLIP_SEC = '60'
    await expect(decodeAudioFile(f('tone.mp3'))).rejects.toThrow(
      /MP3 (Xing|Info) header declares \d+ samples at 8000 Hz \(70(\.\d)? s\), above the limit of 60 s/,
    )
    await expect(decodeAudioFile(f('noxing.mp3'))).rejects.toThrow(
      /mp3 decoding stopped after \d+ samples x \d channel\(s\) at 8000 Hz \(6\d(\.\d)? s\): the stream exceeds the limit of 60 s/,
    )
    delete process.env.SER_MAX_CLIP_SEC
    for (const n of ['tone.mp3', 'noxing.mp3']) expect((await decodeAudioFile(f(n))).durationSec).toBeGreaterThan(69)
  })

  it('Ogg Vorbis: the last granule position is checked; a lying granule still stops at the cap', async () => {
    process.env.SER_MAX_CLIP_SEC = '60'
    await expect(decodeAudioFile(f('tone.ogg'))).rejects.toThrow(
      /Ogg Vorbis headers \(last page granule position\) declares 560000 samples at 8000 Hz \(70 s\)/,
    )
    const b = Buffer.from(read('tone.ogg'))
    const last = b.lastIndexOf('OggS', undefined, 'latin1')
    b.writeBigInt64LE(1000n, last + 6)
    await expect(decodeAudioBuffer(b, 'lying.ogg')).rejects.toThrow(
      /ogg\/vorbis decoding stopped after \d+ samples x 1 channel\(s\) at 8000 Hz \(6\d(\.\d)? s\)/,
    )
  })

  it('AVI: avih duration and the audio strh length are checked', async () => {
    const avi = read('pcm.avi')
    const a = Buffer.from(avi)
    const avih = a.indexOf('avih', 0, 'latin1') + 8
    a.writeUInt32LE(1_000_000, avih) // 1 s per frame
    a.writeUInt32LE(20_000, avih + 16) // 20 000 frames = 5.6 h
    await expect(decodeAudioBuffer(a, 'long-video.avi')).rejects.toThrow(
      /AVI main header declares 20000 frames of 1000000 us \(20000 s\), above the limit of 10800 s/,
    )
    const s = Buffer.from(avi)
    const strh = s.indexOf('auds', 0, 'latin1')
    s.writeUInt32LE(0xffffffff, strh + 32) // dwLength
    await expect(decodeAudioBuffer(s, 'long-audio.avi')).rejects.toThrow(
      /AVI audio stream 1 header 'strh' declares \d+ samples at 8000 Hz \([\d.]+ h\), above the limit of 3 h/,
    )
  })
})

describe('ffmpeg (compressed AVI audio)', () => {
  const gone = (pid: number) => {
    try {
      process.kill(pid, 0)
      return false
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH'
    }
  }

  it('decodes when given time', async () => {
    const d = await decodeAudioFile(f('alaw.avi'))
    expect(d.format).toBe('avi/ffmpeg:A-law')
    expect(d.durationSec).toBeCloseTo(3, 1)
  })

  it('is killed when it runs past the timeout', async () => {
    const err = await decodeAudioFile(f('alaw.avi'), { ffmpegTimeoutMs: 1 }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    const m = /ffmpeg \(pid (\d+)\) did not finish decoding the A-law audio within 1 ms and was killed/.exec((err as Error).message)
    expect(m).not.toBeNull()
    expect(gone(Number(m![1]))).toBe(true)
  })

  it('is killed on cancel', async () => {
    const c = new AbortController()
    let pid = 0
    const p = decodeAudioFile(f('alaw.avi'), { signal: c.signal, onFfmpegSpawn: (n) => ((pid = n), c.abort()) })
    const err = (await p.catch((e: Error) => e)) as Error
    const m = /decoding cancelled; ffmpeg \(pid (\d+)\) was killed/.exec(err.message)
    expect(m).not.toBeNull()
    expect(Number(m![1])).toBe(pid)
    expect(gone(pid)).toBe(true)
  })

  it('stops at the sample cap', async () => {
    process.env.SER_MAX_CLIP_SEC = '1'
    // headers that understate the length: only the running cap on ffmpeg's output catches it
    const b = Buffer.from(read('alaw.avi'))
    b.writeUInt32LE(1, b.indexOf('avih', 0, 'latin1') + 8 + 16)
    b.writeUInt32LE(1, b.indexOf('auds', 0, 'latin1') + 32)
    fs.writeFileSync(f('understated.avi'), b)
    await expect(decodeAudioFile(f('understated.avi'))).rejects.toThrow(/ffmpeg \(A-law\) decoding stopped after \d+ samples x 1 channel\(s\) at 8000 Hz/)
  })
})
