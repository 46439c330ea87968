/**
 * Broken files of every kind in a folder-per-emotion corpus: each must be
 * rejected with a reason that names it, the good files must import, and the
 * database must stay consistent.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import seedrandom from 'seedrandom'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syntheticCorpus } from '../../helpers/corpora'
import { tempDir, tempWorkspace } from '../../helpers/workspace'
import { tearDown } from '../../helpers/lifecycle'
import { closeImportPool, importCorpus } from '../../../src-main/services/corpus/index'
import { encodeWav16 } from '../../../src-main/services/audio/index'

let ws: ReturnType<typeof tempWorkspace>
let dir: string
const broken: string[] = []
const good: string[] = []

function sine(n: number, rate: number, f = 220): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => 0.4 * Math.sin((2 * Math.PI * f * i) / rate))
}

function floatWav(x: Float32Array, rate: number): Buffer {
  const b = Buffer.alloc(44 + x.length * 4)
  b.write('RIFF', 0); b.writeUInt32LE(36 + x.length * 4, 4); b.write('WAVEfmt ', 8)
  b.writeUInt32LE(16, 16); b.writeUInt16LE(3, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(rate, 24)
  b.writeUInt32LE(rate * 4, 28); b.writeUInt16LE(4, 32); b.writeUInt16LE(32, 34); b.write('data', 36); b.writeUInt32LE(x.length * 4, 40)
  x.forEach((v, i) => b.writeFloatLE(v, 44 + i * 4))
  return b
}

function put(rel: string, bytes: Uint8Array | string, isGood = false) {
  const p = path.join(dir, rel)
  fs.mkdirSync(path.dirname(p), { recursive: true })
  fs.writeFileSync(p, bytes)
  ;(isGood ? good : broken).push(rel)
}

beforeAll(async () => {
  ws = tempWorkspace()
  dir = tempDir('ser-fuzz-')
  const rnd = seedrandom('fuzz')
  const wav = encodeWav16(sine(4800, 16000), 16000)
  const enterface = await syntheticCorpus('enterface', { speakers: 4, sentences: 1 })
  const avi = fs.readFileSync(path.join(enterface.dir, enterface.clips[0].relPath))
  const scratch = tempDir('ser-fuzz-src-')
  fs.writeFileSync(path.join(scratch, 'a.wav'), wav)
  execFileSync('sox', [path.join(scratch, 'a.wav'), path.join(scratch, 'a.flac')])
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=gray:s=32x24:r=5:d=1', '-c:v', 'mjpeg', path.join(scratch, 'noaudio.avi')])
  const flac = fs.readFileSync(path.join(scratch, 'a.flac'))

  // good files, so the import has something to do
  put('angry/good1.wav', wav, true)
  put('sad/good2.wav', floatWav(sine(3000, 8000, 300), 8000), true)
  put('happy/good3.flac', flac, true)
  put('fearful/good4.avi', avi, true)

  // truncated at many offsets
  for (let i = 0; i < 60; i++) put(`angry/trunc-wav-${i}.wav`, wav.subarray(0, Math.floor((i / 60) * wav.length)))
  for (let i = 0; i < 40; i++) put(`sad/trunc-avi-${i}.avi`, avi.subarray(0, Math.floor(((i + 0.5) / 40) * avi.length)))
  for (let i = 0; i < 10; i++) put(`happy/trunc-flac-${i}.flac`, flac.subarray(0, Math.floor(((i + 0.5) / 10) * flac.length)))
  // empty files
  for (const ext of ['wav', 'wave', 'flac', 'mp3', 'ogg', 'oga', 'avi']) put(`calm/empty.${ext}`, Buffer.alloc(0))
  // zero or absurd header fields
  const patch = (name: string, at: number, value: number, bytes: 2 | 4) => {
    const b = Buffer.from(wav)
    if (bytes === 2) b.writeUInt16LE(value, at)
    else b.writeUInt32LE(value >>> 0, at)
    put(`neutral/${name}.wav`, b)
  }
  for (const [n, v] of [['riff0', 0], ['riffHuge', 0xffffffff], ['riffLong', wav.length + 100]] as const) patch(n, 4, v, 4)
  for (const [n, v] of [['fmt0', 0], ['fmtHuge', 0xffffffff], ['fmt8', 8], ['fmt1000', 1000]] as const) patch(n, 16, v, 4)
  for (const [n, v] of [['data0', 0], ['dataHuge', 0xffffffff], ['dataOdd', 9599], ['dataLong', 10000]] as const) patch(n, 40, v, 4)
  for (const [n, v] of [['tag0', 0], ['tagAdpcm', 2], ['tagMp3', 0x55], ['tagX', 0x1234]] as const) patch(n, 20, v, 2)
  for (const [n, v] of [['ch0', 0], ['ch65', 65], ['chMax', 0xffff]] as const) patch(n, 22, v, 2)
  for (const [n, v] of [['rate0', 0], ['rate1', 1], ['rateHuge', 0xffffffff]] as const) patch(n, 24, v, 4)
  for (const [n, v] of [['byterate0', 0], ['byterateWrong', 12345]] as const) patch(n, 28, v, 4)
  for (const [n, v] of [['align0', 0], ['align3', 3]] as const) patch(n, 32, v, 2)
  for (const [n, v] of [['bits0', 0], ['bits12', 12], ['bits7', 7], ['bits100', 100]] as const) patch(n, 34, v, 2)
  // wrong magic
  for (const [n, m, at] of [
    ['rifx', 'RIFX', 0],
    ['xxxx', 'XXXX', 0],
    ['ogg', 'OggS', 0],
    ['wavx', 'WAVX', 8],
    ['fmtid', 'fmX ', 12],
    ['dataid', 'dat\x01', 36],
    ['rf64', 'RF64', 0],
  ] as const) {
    const b = Buffer.from(wav)
    b.write(m, at, 'latin1')
    put(`disgust/magic-${n}.wav`, b)
  }
  put('disgust/magic-flac-in-wav.wav', flac)
  put('disgust/magic-wav-in-mp3.mp3', wav)
  put('disgust/magic-avi-in-wav.wav', avi)
  // NaN, infinite and absurd samples in float WAVs
  for (const [i, v] of [[0, NaN], [100, NaN], [2999, NaN], [5, Infinity], [7, -Infinity], [9, 1e30], [11, -3e9], [13, 1e6]] as const) {
    const x = sine(3000, 8000)
    x[i] = v
    put(`surprised/nan-${i}.wav`, floatWav(x, 8000))
  }
  // non-audio content with an audio extension
  const junk: Record<string, Buffer> = {
    text: Buffer.from('this is not audio at all\n'.repeat(20)),
    json: Buffer.from(JSON.stringify({ hello: 'world', n: [1, 2, 3] })),
    png: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]),
    zeros: Buffer.alloc(4096),
    random: Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rnd() * 256))),
  }
  for (const [k, b] of Object.entries(junk)) for (const ext of ['wav', 'mp3', 'flac', 'ogg', 'avi']) put(`calm/junk-${k}.${ext}`, b)
  // AVI without audio, and AVIs whose headers are damaged
  put('fearful/noaudio.avi', fs.readFileSync(path.join(scratch, 'noaudio.avi')))
  const aviPatch = (name: string, find: string, replace: string, all = false) => {
    const b = Buffer.from(avi)
    let at = b.indexOf(find, 0, 'latin1')
    expect(at).toBeGreaterThan(0)
    do {
      b.write(replace, at, 'latin1')
      at = b.indexOf(find, at + 1, 'latin1')
    } while (all && at >= 0)
    put(`fearful/avi-${name}.avi`, b)
  }
  aviPatch('auds', 'auds', 'txts')
  aviPatch('hdrl', 'hdrl', 'hdrX')
  aviPatch('movi', 'movi', 'moXi')
  aviPatch('avih', 'avih', 'aviX')
  aviPatch('audiochunks', '01wb', '\x01\x02wb', true)
  {
    const b = Buffer.from(avi)
    const strf = b.indexOf('strf', b.indexOf('auds', 0, 'latin1'), 'latin1')
    for (const [n, off, v] of [['ch0', 10, 0], ['rate0', 12, 0], ['align0', 20, 0], ['bits9', 22, 9]] as const) {
      const c = Buffer.from(b)
      if (off === 12) c.writeUInt32LE(v, strf + 8 + 4)
      else c.writeUInt16LE(v, strf + 8 + (off - 8))
      put(`fearful/avi-strf-${n}.avi`, c)
    }
    const c = Buffer.from(b)
    c.writeUInt16LE(0x2000, strf + 8) // AC-3 tag on PCM data: ffmpeg cannot decode it either
    put('fearful/avi-strf-ac3.avi', c)
  }
  // seeded bit flips anywhere in the 44-byte WAV header
  for (let i = 0; i < 40; i++) {
    const b = Buffer.from(wav)
    const bit = Math.floor(rnd() * 44 * 8)
    b[bit >> 3] ^= 1 << (bit & 7)
    put(`neutral/flip-${i}-byte${bit >> 3}-bit${bit & 7}.wav`, b)
  }
  fs.rmSync(scratch, { recursive: true, force: true })
})

afterAll(() => tearDown({ pools: [closeImportPool], ws, dirs: [dir] }))

describe('fuzzed broken files', () => {
  it('rejects every broken file with a reason naming it; imports the good ones; the database stays consistent', async () => {
    expect(broken.length).toBeGreaterThanOrEqual(200)
    const r = await importCorpus(ws, dir, { name: 'fuzz', layout: 'folder' })
    const rejected = new Map(r.rejected.map((x) => [x.path, x.reason]))
    const accepted = broken.filter((b) => !rejected.has(b))
    expect(accepted).toEqual([])
    for (const [p, reason] of rejected) {
      expect(reason).toContain(p)
      expect(reason).toMatch(/^cannot (decode|read) .+: .{8,}/)
    }
    expect(r.rejected).toHaveLength(broken.length)
    expect(r.added).toBe(good.length)
    expect(ws.db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(ws.db.pragma('foreign_key_check')).toEqual([])
    const clips = ws.db.prepare('SELECT rel_path FROM clips WHERE dataset_id = ? ORDER BY rel_path').pluck().all(r.datasetId)
    expect(clips).toEqual([...good].sort())
    const labels = ws.db.prepare('SELECT COUNT(*) FROM labels l JOIN clips c ON c.id = l.clip_id WHERE c.dataset_id = ?').pluck().get(r.datasetId)
    expect(labels).toBe(good.length)
  })

  it('gives specific reasons', async () => {
    const r = await importCorpus(ws, dir, { name: 'fuzz', layout: 'folder' })
    const reason = (p: string) => r.rejected.find((x) => x.path === p)?.reason ?? ''
    expect(reason('calm/empty.wav')).toMatch(/empty \(0 bytes\)/)
    expect(reason('neutral/dataHuge.wav')).toMatch(/chunk 'data' at byte 36 declares 4294967295 bytes/)
    expect(reason('neutral/rate0.wav')).toMatch(/sample rate 0 Hz/)
    expect(reason('neutral/bits12.wav')).toMatch(/12 bits per sample/)
    expect(reason('surprised/nan-100.wav')).toMatch(/non-finite sample \(NaN\) in channel 1 at frame 100/)
    expect(reason('fearful/noaudio.avi')).toMatch(/no audio stream \(streams: vids\)/)
    expect(reason('calm/junk-text.mp3')).toMatch(/extension says MP3 but content is not a known audio format/)
    expect(reason('disgust/magic-flac-in-wav.wav')).toMatch(/extension says WAV but the content is FLAC/)
    expect(reason('sad/trunc-avi-39.avi')).toMatch(/truncated/)
    expect(r.added).toBe(0)
    expect(r.unchanged).toBe(good.length)
  })
})
