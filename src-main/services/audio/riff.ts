/**
 * RIFF chunk walking shared by the WAV and AVI parsers. Every size is checked
 * against the bytes that remain; a chunk id must be four printable ASCII bytes.
 */
import { AudioDecodeError } from './errors'

export interface Chunk {
  id: string
  /** offset of the chunk's payload */
  start: number
  size: number
  /** offset of the chunk header */
  at: number
}

export function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3])
}

function printable(id: string): boolean {
  for (let i = 0; i < 4; i++) {
    const c = id.charCodeAt(i)
    if (c < 0x20 || c > 0x7e) return false
  }
  return true
}

/**
 * A chunk id for messages. Ids are printable but chosen by whoever wrote the file:
 * only the ids this reader knows are named, so no file content reaches a message.
 */
const KNOWN_IDS = new Set([
  'fmt ',
  'data',
  'LIST',
  'JUNK',
  'fact',
  'cue ',
  'bext',
  'avih',
  'strh',
  'strf',
  'strd',
  'strn',
  'idx1',
  'indx',
  'vprp',
  'odml',
  'dmlh',
  'RIFF',
  'INFO',
  'PAD ',
])
export function idName(id: string): string {
  if (KNOWN_IDS.has(id) || /^\d\d(wb|dc|db|pc|tx|ix)$/.test(id)) return `'${id}'`
  return 'with an unknown id'
}

export function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength)
}

/**
 * The chunks between `from` and `to`. `truncatedOk(id)` lets a caller accept a
 * last chunk that runs past the end (never used for audio data: a short data
 * chunk is a truncated file and is reported as such).
 */
export function* chunks(file: string, b: Uint8Array, from: number, to: number, what: string): Generator<Chunk> {
  const dv = view(b)
  let off = from
  while (off < to) {
    if (to - off < 8) {
      // A single pad byte or a few trailing zero bytes are common and harmless.
      if (b.subarray(off, to).every((x) => x === 0)) return
      throw new AudioDecodeError(file, `${what}: ${to - off} stray bytes at byte ${off} (not a chunk header)`)
    }
    const id = fourcc(b, off)
    if (!printable(id)) throw new AudioDecodeError(file, `${what}: invalid chunk id at byte ${off} (a chunk id is four printable ASCII characters)`)
    const size = dv.getUint32(off + 4, true)
    const start = off + 8
    if (size > to - start) {
      throw new AudioDecodeError(
        file,
        `${what}: chunk ${idName(id)} at byte ${off} declares ${size} bytes but only ${to - start} remain (file truncated or size field corrupt)`,
      )
    }
    yield { id, start, size, at: off }
    off = start + size + (size & 1)
  }
}

/** Checks 'RIFF' <size> <form> and returns the end of the RIFF payload. */
export function riffHeader(file: string, b: Uint8Array, form: string, at = 0): number {
  if (b.length - at < 12) throw new AudioDecodeError(file, `file is ${b.length} bytes, too short for a RIFF header`)
  const magic = fourcc(b, at)
  if (magic === 'RIFX') throw new AudioDecodeError(file, 'big-endian RIFX files are not supported')
  if (magic === 'RF64') throw new AudioDecodeError(file, 'RF64 (64-bit RIFF) files are not supported')
  if (magic !== 'RIFF') throw new AudioDecodeError(file, `expected a RIFF header ('RIFF' <size> '${form}') at byte ${at}`)
  const got = fourcc(b, at + 8)
  if (got !== form) throw new AudioDecodeError(file, `RIFF form at byte ${at + 8} is not '${form}'`)
  const size = view(b).getUint32(at + 4, true)
  if (size < 4) throw new AudioDecodeError(file, `RIFF size field is ${size}, too small`)
  const end = at + 8 + size
  if (end > b.length) {
    throw new AudioDecodeError(file, `RIFF size field says ${size + 8} bytes but the file has ${b.length - at} (file truncated or size corrupt)`)
  }
  return end
}
