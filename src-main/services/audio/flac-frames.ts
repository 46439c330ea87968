/**
 * Splits a native FLAC stream into its frames, for the one case where
 * codec-parser (inside @wasm-audio-decoders/flac 0.2.11 / codec-parser 2.5.0)
 * gets it wrong: it does not recognise the header of a short final frame, and when
 * flushing it hands the last two frames to libFLAC as one, which then decodes only
 * the first (files whose length is not a multiple of the block size lose up to one
 * block at the end; sox and ffmpeg write such files).
 *
 * A frame starts with the sync code 0xFFF8/0xFFF9 and ends with a CRC-16 over the
 * whole frame; running that CRC from a frame's start gives 0 exactly at its end
 * (the residue of a message followed by its own CRC), so a boundary is a position
 * where the running CRC is 0 and the next frame's sync code (or the end) follows.
 */

/** CRC-16, polynomial 0x8005, initial value 0, MSB first (the FLAC frame footer's). */
const CRC16 = (() => {
  const t = new Uint16Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i << 8
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff
    t[i] = c
  }
  return t
})()

/** Offset of the first frame: after "fLaC" and the metadata blocks; -1 when the layout is not native FLAC. */
export function firstFrameOffset(b: Uint8Array): number {
  if (b.length < 8 || b[0] !== 0x66 || b[1] !== 0x4c || b[2] !== 0x61 || b[3] !== 0x43) return -1
  let off = 4
  for (;;) {
    if (off + 4 > b.length) return -1
    const last = b[off] & 0x80
    const len = (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]
    off += 4 + len
    if (last) return off <= b.length ? off : -1
  }
}

const isSync = (b: Uint8Array, i: number) => b[i] === 0xff && (b[i + 1] & 0xfe) === 0xf8

/** The frames of a native FLAC stream, as views into b; trailing bytes that make no valid frame are left out. */
export function splitFlacFrames(b: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = []
  let start = firstFrameOffset(b)
  if (start < 0) return frames
  while (start < b.length - 2 && !isSync(b, start)) start++
  while (start >= 0 && start < b.length - 2) {
    let crc = 0
    let end = -1
    // a frame is at least a header (6 bytes) and a footer (2 bytes)
    for (let i = start; i < b.length; i++) {
      crc = ((crc << 8) & 0xffff) ^ CRC16[(crc >> 8) ^ b[i]]
      const next = i + 1
      if (crc === 0 && next - start >= 8 && (next === b.length || isSync(b, next))) {
        end = next
        break
      }
    }
    if (end < 0) break
    frames.push(b.subarray(start, end))
    start = end
  }
  return frames
}

/** CRC-8, polynomial 0x07 (the FLAC frame header's). */
function crc8(b: Uint8Array, from: number, to: number): number {
  let c = 0
  for (let i = from; i < to; i++) {
    c ^= b[i]
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff
  }
  return c
}

/** Block size of the frame header at i (after its CRC-8 checks out), else 0. */
function headerBlockSize(b: Uint8Array, i: number): number {
  if (i + 6 > b.length) return 0
  const code = b[i + 2] >> 4
  const rateCode = b[i + 2] & 0x0f
  if (code === 0 || rateCode === 15) return 0
  // the frame/sample number: UTF-8-like, 1..7 bytes
  const lead = b[i + 4]
  let n = 1
  if (lead >= 0x80) {
    n = lead >= 0xfe ? 7 : lead >= 0xfc ? 6 : lead >= 0xf8 ? 5 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0
    if (n === 0) return 0
  }
  let p = i + 4 + n
  let size: number
  if (code === 1) size = 192
  else if (code <= 5) size = 576 << (code - 2)
  else if (code === 6) size = b[p++] + 1
  else if (code === 7) {
    size = ((b[p] << 8) | b[p + 1]) + 1
    p += 2
  } else size = 256 << (code - 8)
  if (rateCode === 12) p += 1
  else if (rateCode === 13 || rateCode === 14) p += 2
  if (p >= b.length || crc8(b, i, p) !== b[p]) return 0
  return size
}

/**
 * An upper bound on the samples per channel that decoding can produce: the sum of the
 * block sizes of every position that carries a frame sync code and a valid header CRC
 * (a decoder finds frames only there). Cheap: one pass, no decoding.
 */
export function flacFrameSamplesBound(b: Uint8Array): number {
  let start = firstFrameOffset(b)
  if (start < 0) start = 4
  let total = 0
  for (let i = start; i + 1 < b.length; i++) if (isSync(b, i)) total += headerBlockSize(b, i)
  return total
}
