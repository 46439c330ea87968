/**
 * FLAC files that end in digital silence: codec-parser 2.5.0 merges the tiny final
 * frames, and libFLAC then decodes up to a block too little. Every sample must survive.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/workspace'
import { decodeAudioFile } from '../../../src-main/services/audio/index'
import { firstFrameOffset, splitFlacFrames } from '../../../src-main/services/audio/flac-frames'

const dir = tempDir('ser-flac-')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
const f = (n: string) => path.join(dir, n)

describe('FLAC ending in silence', () => {
  // 2.3 s of tone, then 1 s of digital silence: 52 800 samples, 12 full 4096-sample blocks + 3648
  execFileSync('sox', ['-n', '-r', '16000', '-b', '16', '-c', '1', f('tail.wav'), 'synth', '2.3', 'sine', '440', 'vol', '0.5', 'pad', '0', '1'])
  execFileSync('sox', [f('tail.wav'), f('tail.flac')])

  it('decodes to exactly the samples of the WAV it was made from', async () => {
    const wav = await decodeAudioFile(f('tail.wav'))
    const flac = await decodeAudioFile(f('tail.flac'))
    expect(flac.channels[0].length).toBe(52800)
    // libFLAC's float scale differs from the WAV reader's by one part in 32768
    let maxDiff = 0
    for (let i = 0; i < 52800; i++) maxDiff = Math.max(maxDiff, Math.abs(flac.channels[0][i] - wav.channels[0][i]))
    expect(maxDiff).toBeLessThan(1e-4)
  })

  it('splits the stream into its 13 frames, the last one short', () => {
    const b = new Uint8Array(fs.readFileSync(f('tail.flac')))
    expect(firstFrameOffset(b)).toBeGreaterThan(4 + 38)
    const frames = splitFlacFrames(b)
    expect(frames).toHaveLength(13)
    expect(frames.reduce((s, fr) => s + fr.length, 0)).toBe(b.length - firstFrameOffset(b))
  })

  it('still calls a FLAC file cut short truncated', async () => {
    const b = fs.readFileSync(f('tail.flac'))
    fs.writeFileSync(f('cut.flac'), b.subarray(0, Math.floor(b.length * 0.6)))
    await expect(decodeAudioFile(f('cut.flac'))).rejects.toThrow(/cannot decode .*cut\.flac: FLAC truncated: \d+ of 52800 declared samples decoded/)
  })
})
