/**
 * Extraction through the worker pool with the workspace cache, cancel,
 * normalisation, log-mel/MFCC and the CLI.
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempWorkspace } from '../../helpers/workspace'
import { SPEECH, speechWav, readWav } from './helpers'
import {
  extractForClips, closeFeaturePool, EXTRACTOR_VERSION, extractEgemaps,
  logMel, mfcc, melFilterbank, EGEMAPS_NAMES,
} from '../../../src-main/services/features/index'

const ws = tempWorkspace()
afterAll(async () => {
  await closeFeaturePool()
  ws.cleanup()
})

describe('extractForClips', () => {
  const clips = SPEECH.slice(0, 3).map((s, i) => ({ id: i + 1, path: speechWav(s), content_hash: `hash-${s.name}` }))

  it('computes in workers, caches by hash + version, recomputes on a version change', async () => {
    const seen: number[] = []
    const r = await extractForClips(ws, clips, { extractor: 'egemaps', threads: 2, onProgress: (f) => seen.push(f) })
    expect(r.size).toBe(3)
    const direct = extractEgemaps(readWav(clips[0].path).samples, 16000)
    expect(Array.from(r.get(1)!)).toEqual(Array.from(direct))
    expect(seen[seen.length - 1]).toBe(1)
    const rows = ws.db.prepare('SELECT COUNT(*) FROM feature_cache WHERE extractor = ? AND version = ?').pluck().get('egemaps', EXTRACTOR_VERSION)
    expect(rows).toBe(3)
    // Second run: all from the cache, even for a path that no longer exists.
    const again = await extractForClips(ws, clips.map((c) => ({ ...c, path: '/nonexistent.wav' })), { extractor: 'egemaps' })
    expect(Array.from(again.get(2)!)).toEqual(Array.from(r.get(2)!))
    // A stale version is not used.
    ws.db.prepare("UPDATE feature_cache SET version = 'old' WHERE content_hash = ?").run(clips[0].content_hash)
    await expect(extractForClips(ws, [{ ...clips[0], path: '/nonexistent.wav' }], { extractor: 'egemaps' })).rejects.toThrow(/nonexistent/)
  })

  it('log-mel through the pool has [frames, 64] shape', async () => {
    const r = await extractForClips(ws, clips.slice(0, 1), { extractor: 'logmel' })
    const dims = JSON.parse(ws.db.prepare("SELECT dims FROM feature_cache WHERE extractor = 'logmel'").pluck().get() as string)
    expect(dims[1]).toBe(64)
    expect(r.get(1)!.length).toBe(dims[0] * 64)
  })

  it('cancel stops the job', async () => {
    const ctl = new AbortController()
    const many = SPEECH.map((s, i) => ({ id: 100 + i, path: speechWav(s), content_hash: `cancel-${i}` }))
    const p = extractForClips(ws, many, { extractor: 'egemaps', signal: ctl.signal })
    ctl.abort()
    await expect(p).rejects.toThrow(/cancel/)
  })
})

describe('log-mel and MFCC', () => {
  it('slaney mel filterbank: triangles peak at their centres and area-normalise', () => {
    const fb = melFilterbank(16000, 512, 40, 0, 8000)
    expect(fb.length).toBe(40 * 257)
    for (let m = 0; m < 40; m++) expect(Math.max(...fb.subarray(m * 257, (m + 1) * 257))).toBeGreaterThan(0)
  })
  it('a 1 kHz tone peaks in the band whose centre is nearest 1 kHz; frames = 1 + len / hop', () => {
    const x = new Float32Array(16000).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 16000))
    const s = logMel(x, 16000, { nMels: 64, fmin: 0, fmax: 8000, norm: null })
    expect(s.frames).toBe(1 + Math.floor(16000 / 160))
    const f = s.data.subarray(50 * 64, 51 * 64)
    const peak = f.indexOf(Math.max(...f))
    // centre of band m on the slaney scale: melToHz(m+1 of 65 steps)
    const centres = Array.from({ length: 64 }, (_, m) => m)
    void centres
    const fbPeak = melFilterbank(16000, 512, 64, 0, 8000, 'slaney', null)
    const bin1k = Math.round((1000 * 512) / 16000)
    let best = 0
    for (let m = 0; m < 64; m++) if (fbPeak[m * 257 + bin1k] > fbPeak[best * 257 + bin1k]) best = m
    expect(peak).toBe(best)
    const c = mfcc(x, 16000, { nMfcc: 13 })
    expect(c.bins).toBe(13)
    expect(c.frames).toBe(s.frames)
  })
  it('rejects impossible arguments', () => {
    expect(() => logMel(new Float32Array(100), 16000, { winLength: 1024, nFft: 512 })).toThrow(/winLength/)
    expect(() => melFilterbank(16000, 512, 40, 0, 9000)).toThrow(/band limits/)
  })
})

describe('CLI', () => {
  it('ser features FILE --json prints duration and the 88 named functionals', () => {
    const file = speechWav(SPEECH[0])
    const out = execFileSync('npx', ['tsx', path.resolve('src-main/cli/index.ts'), 'features', '--json', file], { encoding: 'utf8' })
    const r = JSON.parse(out)
    expect(r[0].duration).toBeCloseTo(readWav(file).samples.length / 16000, 3)
    expect(Object.keys(r[0].features)).toEqual(EGEMAPS_NAMES)
  })
})
