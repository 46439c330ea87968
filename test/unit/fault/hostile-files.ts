/**
 * Fault suite (d): a folder of hostile files — bombs by declared size in every format,
 * device files, FIFOs, symbolic links (inside, out, broken, to folders), truncated and
 * corrupt files of every format — imported as a corpus. Each must be rejected with a
 * reason that names it and quotes none of its bytes, while the process's peak memory
 * stays under a stated bound. `npm test` runs scale 1 (>= 200 files); the soak calls
 * runHostileFiles({ scale }) with a larger scale.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import seedrandom from 'seedrandom'
import { encodeWav16 } from '../../../src-main/services/audio/index'
import { closeImportPool, importCorpus } from '../../../src-main/services/corpus/index'
import { openWorkspace } from '../../../src-main/services/store/workspace'

/** Peak RSS growth over the baseline allowed while the hostile corpus imports. */
export const MEMORY_BOUND_MB = 512
const MARKER = 'SECRETBYTES'
const FORMATS = ['wav', 'flac', 'mp3', 'ogg', 'avi'] as const
type Format = (typeof FORMATS)[number]

export interface HostileReport {
  files: number
  rejected: number
  accepted: string[]
  unexplained: string[]
  echoing: string[]
  baselineRssMb: number
  peakRssMb: number
  peakGrowthMb: number
  peakHeapMb: number
  byKind: Record<string, number>
  /** the reason of every bomb, to check it is the limit that caught it */
  bombReasons: string[]
  elapsedSec: number
}

function ff(...args: string[]) {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args])
}

/** One good small file per format, made by sox/ffmpeg. */
function samples(scratch: string): Record<Format, Buffer> {
  const wav = path.join(scratch, 'g.wav')
  fs.writeFileSync(wav, encodeWav16(Float32Array.from({ length: 16000 }, (_, i) => 0.3 * Math.sin(i / 4) + 0.05 * Math.sin(i / 31)), 16000))
  execFileSync('sox', [wav, path.join(scratch, 'g.flac')])
  ff('-i', wav, '-c:a', 'libmp3lame', '-b:a', '32k', path.join(scratch, 'g.mp3'))
  ff('-i', wav, '-c:a', 'libvorbis', path.join(scratch, 'g.ogg'))
  ff('-i', wav, '-f', 'lavfi', '-i', 'color=c=gray:s=32x24:r=5:d=1', '-c:a', 'pcm_s16le', '-c:v', 'mjpeg', '-shortest', path.join(scratch, 'g.avi'))
  return Object.fromEntries(FORMATS.map((f) => [f, fs.readFileSync(path.join(scratch, `g.${f}`))])) as Record<Format, Buffer>
}

/** Bombs by declared size: headers that claim hours, or absurd rate x channels. */
function bombs(g: Record<Format, Buffer>): [string, Format, Buffer][] {
  const out: [string, Format, Buffer][] = []
  const patch = (name: string, f: Format, edit: (b: Buffer) => void) => {
    const b = Buffer.from(g[f])
    edit(b)
    out.push([name, f, b])
  }
  const wavFmt = (ch: number, rate: number) => (b: Buffer) => {
    b.writeUInt16LE(ch, 22)
    b.writeUInt32LE(rate, 24)
    b.writeUInt16LE(ch * 2, 32)
    b.writeUInt32LE(rate * ch * 2, 28)
  }
  patch('ch64-768k', 'wav', wavFmt(64, 768000))
  patch('ch16-48k', 'wav', wavFmt(16, 48000))
  patch('ch8-192k', 'wav', wavFmt(8, 192000))
  patch('ch65', 'wav', (b) => b.writeUInt16LE(65, 22))
  patch('rate-max', 'wav', (b) => b.writeUInt32LE(0xffffffff, 24))
  const streaminfo = (total: number, rate = 16000, ch = 1) => (b: Buffer) => {
    b[18] = rate >> 12
    b[19] = (rate >> 4) & 0xff
    b[20] = ((rate & 0x0f) << 4) | ((ch - 1) << 1) | (b[20] & 1)
    b[21] = (b[21] & 0xf0) | Math.floor(total / 2 ** 32)
    b.writeUInt32BE(total % 2 ** 32, 22)
  }
  patch('total-max', 'flac', streaminfo(2 ** 36 - 1))
  patch('total-3h1s', 'flac', streaminfo((3 * 3600 + 1) * 16000))
  patch('total-2e10', 'flac', streaminfo(2e10))
  patch('768k-x8', 'flac', streaminfo(16000, 768000, 8))
  patch('192k-x4', 'flac', streaminfo(16000, 192000, 4))
  const xing = (frames: number) => (b: Buffer) => {
    for (const id of ['Xing', 'Info']) {
      const at = b.indexOf(id, 0, 'latin1')
      if (at >= 0 && at < 200) {
        b.writeUInt32BE(b.readUInt32BE(at + 4) | 1, at + 4)
        b.writeUInt32BE(frames, at + 8)
        return
      }
    }
    throw new Error('the sample MP3 has no Xing/Info header')
  }
  patch('xing-max', 'mp3', xing(0xffffffff))
  patch('xing-3h', 'mp3', xing(Math.ceil((3 * 3600 + 60) * 16000 / 576)))
  patch('xing-1e8', 'mp3', xing(1e8))
  const granule = (v: bigint) => (b: Buffer) => b.writeBigInt64LE(v, b.lastIndexOf('OggS', undefined, 'latin1') + 6)
  patch('granule-max', 'ogg', granule(2n ** 62n))
  patch('granule-3h', 'ogg', granule(BigInt((3 * 3600 + 60) * 16000)))
  const vorbisId = (ch: number, rate: number) => (b: Buffer) => {
    const at = b.indexOf('\x01vorbis', 0, 'latin1')
    b[at + 11] = ch
    b.writeUInt32LE(rate, at + 12)
  }
  patch('ch255', 'ogg', vorbisId(255, 48000))
  patch('768k-x2', 'ogg', vorbisId(2, 768000))
  patch('192k-x8', 'ogg', vorbisId(8, 192000))
  const avih = (usPerFrame: number, frames: number) => (b: Buffer) => {
    const at = b.indexOf('avih', 0, 'latin1') + 8
    b.writeUInt32LE(usPerFrame, at)
    b.writeUInt32LE(frames, at + 16)
  }
  patch('avih-5h', 'avi', avih(1_000_000, 18_000))
  patch('avih-max', 'avi', avih(0xffffffff, 0xffffffff))
  patch('strh-max', 'avi', (b) => b.writeUInt32LE(0xffffffff, b.indexOf('auds', 0, 'latin1') + 32))
  const strf = (ch: number, rate: number) => (b: Buffer) => {
    const at = b.indexOf('strf', b.indexOf('auds', 0, 'latin1'), 'latin1') + 8
    b.writeUInt16LE(ch, at + 2)
    b.writeUInt32LE(rate, at + 4)
    b.writeUInt32LE(rate * ch * 2, at + 8)
    b.writeUInt16LE(ch * 2, at + 12)
  }
  patch('strf-64x768k', 'avi', strf(64, 768000))
  patch('strf-8x192k', 'avi', strf(8, 192000))
  return out
}

/** A WAV longer than 3 h (1 kHz, 8-bit): a sparse file, so it costs no disk. */
function longWav(file: string): void {
  const sec = 3 * 3600 + 10
  const n = sec * 1000
  const h = Buffer.alloc(44)
  h.write('RIFF', 0); h.writeUInt32LE(36 + n, 4); h.write('WAVEfmt ', 8); h.writeUInt32LE(16, 16)
  h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22); h.writeUInt32LE(1000, 24); h.writeUInt32LE(1000, 28)
  h.writeUInt16LE(1, 32); h.writeUInt16LE(8, 34); h.write('data', 36); h.writeUInt32LE(n, 40)
  fs.writeFileSync(file, h)
  fs.truncateSync(file, 44 + n)
}

function special(dir: string, outside: string, kind: string, rel: string, good: Buffer): boolean {
  const p = path.join(dir, rel)
  if (kind === 'device') {
    try {
      execFileSync('mknod', [p, 'c', '1', '5'], { stdio: 'ignore' }) // the same device as /dev/zero
    } catch {
      fs.symlinkSync('/dev/zero', p) // not root: a link to the device instead
    }
  } else if (kind === 'fifo') execFileSync('mkfifo', [p])
  else if (kind === 'link-dev') fs.symlinkSync('/dev/zero', p)
  else if (kind === 'link-out') {
    const target = path.join(outside, path.basename(rel))
    fs.writeFileSync(target, good)
    fs.symlinkSync(target, p)
  } else if (kind === 'link-broken') fs.symlinkSync(path.join(dir, 'does-not-exist', path.basename(rel)), p)
  else if (kind === 'link-dir-out') fs.symlinkSync(outside, p)
  else return false
  return true
}

export async function runHostileFiles(opts: { scale?: number; log?: (s: string) => void } = {}): Promise<HostileReport> {
  const scale = Math.max(1, Math.floor(opts.scale ?? 1))
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-hostile-'))
  const dir = path.join(root, 'corpus')
  const outside = path.join(root, 'outside')
  const scratch = path.join(root, 'scratch')
  for (const d of [dir, outside, scratch]) fs.mkdirSync(d)
  const ws = openWorkspace(path.join(root, 'ws'))
  const rnd = seedrandom(`hostile-${scale}`)
  const hostile = new Map<string, string>() // rel -> kind
  const put = (kind: string, rel: string, bytes: Uint8Array | string) => {
    const p = path.join(dir, rel)
    fs.mkdirSync(path.dirname(p), { recursive: true })
    fs.writeFileSync(p, bytes)
    hostile.set(rel, kind)
  }
  try {
    const g = samples(scratch)
    put('good', 'happy/good.wav', g.wav)
    hostile.delete('happy/good.wav')
    for (const [name, f, b] of bombs(g)) put('bomb', `angry/bomb-${name}.${f}`, b)
    fs.mkdirSync(path.join(dir, 'angry'), { recursive: true })
    longWav(path.join(dir, 'angry', 'bomb-3h10s.wav'))
    hostile.set('angry/bomb-3h10s.wav', 'bomb')
    fs.mkdirSync(path.join(dir, 'sad'), { recursive: true })
    for (const kind of ['device', 'fifo', 'link-dev', 'link-out', 'link-broken']) {
      for (const f of FORMATS) if (special(dir, outside, kind, `sad/${kind}.${f}`, g[f])) hostile.set(`sad/${kind}.${f}`, kind)
    }
    special(dir, outside, 'link-dir-out', 'sad/linked-folder', g.wav)
    hostile.set('sad/linked-folder', 'link-dir-out')
    // truncated: every format cut at 20 x scale points (an MP3 cut in its last frames still decodes whole frames: cut earlier)
    const cuts = 20 * scale
    for (const f of FORMATS) {
      for (let i = 0; i < cuts; i++) {
        const frac = f === 'mp3' ? 0.02 + (0.78 * i) / cuts : (i + 0.5) / cuts
        put('truncated', `fearful/trunc-${f}-${i}.${f}`, g[f].subarray(0, Math.floor(frac * g[f].length)))
      }
    }
    // corrupt: the right magic, then the marker and seeded random bytes
    const magic: Record<Format, Buffer> = {
      wav: Buffer.from('RIFF'),
      flac: Buffer.from('fLaC'),
      mp3: Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x00', 'latin1'),
      ogg: Buffer.from('OggS'),
      avi: g.avi.subarray(0, 12),
    }
    for (const f of FORMATS) {
      for (let i = 0; i < 10 * scale; i++) {
        const n = 64 + Math.floor(rnd() * 4096)
        const body = Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)))
        Buffer.from(MARKER).copy(body, Math.floor(rnd() * (n - MARKER.length)))
        put('corrupt', `disgust/corrupt-${f}-${i}.${f}`, Buffer.concat([magic[f], body]))
      }
      put('corrupt', `disgust/marker-${f}.${f}`, `${MARKER} this is not audio`)
    }
    fs.rmSync(scratch, { recursive: true, force: true })

    const mb = (x: number) => +(x / 2 ** 20).toFixed(1)
    global.gc?.()
    const baseline = process.memoryUsage().rss
    let peakRss = baseline
    let peakHeap = 0
    const sample = setInterval(() => {
      const m = process.memoryUsage()
      peakRss = Math.max(peakRss, m.rss)
      peakHeap = Math.max(peakHeap, m.heapUsed)
    }, 10)
    const t0 = performance.now()
    const r = await importCorpus(ws, dir, { name: 'hostile', layout: 'folder' }).finally(() => clearInterval(sample))
    const reasons = new Map(r.rejected.map((x) => [x.path, x.reason]))
    const byKind: Record<string, number> = {}
    for (const k of hostile.values()) byKind[k] = (byKind[k] ?? 0) + 1
    const report: HostileReport = {
      files: hostile.size,
      rejected: [...hostile.keys()].filter((k) => reasons.has(k)).length,
      accepted: [...hostile.keys()].filter((k) => !reasons.has(k)),
      unexplained: [...hostile.keys()].filter((k) => reasons.has(k) && !reasons.get(k)!.includes(k)),
      echoing: [...reasons.values()].filter((x) => x.includes('SECRET') || x.includes('not audio')),
      baselineRssMb: mb(baseline),
      peakRssMb: mb(peakRss),
      peakGrowthMb: mb(peakRss - baseline),
      peakHeapMb: mb(peakHeap),
      byKind,
      bombReasons: [...hostile].filter(([, k]) => k === 'bomb').map(([rel]) => reasons.get(rel) ?? `${rel}: not rejected`),
      elapsedSec: +((performance.now() - t0) / 1000).toFixed(1),
    }
    if (r.added !== 1) report.accepted.push(`(${r.added} clips added, expected only happy/good.wav)`)
    opts.log?.(
      `hostile files: ${report.files} tried (${Object.entries(byKind)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}), ${report.rejected} rejected with a reason, ` +
        `${report.accepted.length} accepted; peak RSS ${report.peakRssMb} MB ` +
        `(+${report.peakGrowthMb} MB over ${report.baselineRssMb} MB, bound +${MEMORY_BOUND_MB} MB), peak heap ${report.peakHeapMb} MB; ${report.elapsedSec} s`,
    )
    return report
  } finally {
    await closeImportPool()
    ws.close()
    fs.rmSync(root, { recursive: true, force: true })
  }
}
