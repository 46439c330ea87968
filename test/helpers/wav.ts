/**
 * A small synchronous PCM16/32 and float32 WAV reader (first channel) for tests and
 * benches that time the extractor alone; the product decodes with services/audio.
 */
import fs from 'node:fs'
import { checkReadable } from '../../src-main/services/audio/index'

export function readWav(file: string): { samples: Float32Array; sampleRate: number } {
  let b: Buffer
  checkReadable(file) // a regular file within the size limit: never a device or a FIFO
  try {
    b = fs.readFileSync(file)
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`)
  }
  if (b.length < 12 || b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`cannot decode ${file}: not a RIFF/WAVE file (other formats need services/audio)`)
  }
  let off = 12
  let fmt = 0, channels = 1, rate = 0, bits = 0
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4)
    const size = b.readUInt32LE(off + 4)
    const body = off + 8
    if (id === 'fmt ') {
      fmt = b.readUInt16LE(body)
      channels = b.readUInt16LE(body + 2)
      rate = b.readUInt32LE(body + 4)
      bits = b.readUInt16LE(body + 14)
      if (fmt === 0xfffe) fmt = b.readUInt16LE(body + 24)
    } else if (id === 'data') {
      if (!rate) throw new Error(`cannot decode ${file}: data chunk before fmt chunk`)
      if (!((fmt === 1 && (bits === 16 || bits === 32)) || (fmt === 3 && bits === 32))) {
        throw new Error(`cannot decode ${file}: unsupported WAV encoding (format ${fmt}, ${bits} bits)`)
      }
      const bytes = bits / 8
      const n = Math.floor(Math.min(size, b.length - body) / (bytes * channels))
      const out = new Float32Array(n)
      for (let i = 0; i < n; i++) {
        const p = body + i * bytes * channels
        out[i] = fmt === 3 ? b.readFloatLE(p) : bits === 16 ? b.readInt16LE(p) / 32768 : b.readInt32LE(p) / 2147483648
      }
      return { samples: out, sampleRate: rate }
    }
    off = body + size + (size & 1)
  }
  throw new Error(`cannot decode ${file}: no data chunk`)
}
