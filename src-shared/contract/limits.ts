/**
 * Bounds shared by the contract and the transports. Every string, array, number
 * and record in src-shared/contract has a bound (test/unit/api/contract-bounds.test.ts
 * walks the schemas), and the WebSocket's message limit is derived from the largest
 * input the contract accepts, so a valid request is never cut off by the transport.
 */
import { z } from 'zod'

/** The largest single input: a label file for import (about 50 000 CSV rows). */
export const MAX_LABEL_FILE_CHARS = 8_000_000
/** JSON needs at most 6 bytes per UTF-16 code unit (`\u001f`; other characters take 1-3 bytes as UTF-8). */
export const MAX_JSON_BYTES_PER_CHAR = 6
/** Room for the tRPC envelope and the other fields of the largest input. */
export const WS_ENVELOPE_BYTES = 64 * 1024
/** ws `maxPayload`: the worst-case encoding of the largest input plus its envelope. */
export const WS_MAX_PAYLOAD_BYTES = MAX_LABEL_FILE_CHARS * MAX_JSON_BYTES_PER_CHAR + WS_ENVELOPE_BYTES

/** Metadata the bounds walker reads for kinds zod cannot bound itself (records, free JSON). */
export interface BoundMeta {
  maxEntries?: number
  maxJsonChars?: number
}
export const boundsRegistry = z.registry<BoundMeta>()

/** A record with at most `maxEntries` keys (zod records have no size bound of their own). */
export function boundedRecord<K extends z.core.$ZodRecordKey, V extends z.ZodType>(key: K, value: V, maxEntries: number) {
  const s = z.record(key, value).refine((o) => Object.keys(o).length <= maxEntries, `at most ${maxEntries} entries`)
  boundsRegistry.add(s, { maxEntries })
  return s
}

/** Free-form data (a job's detail, a setting's value) of at most `maxChars` once serialised as JSON. */
export function boundedUnknown(maxChars: number) {
  const s = z.unknown().refine((v) => v === undefined || (JSON.stringify(v)?.length ?? 0) <= maxChars, `at most ${maxChars} characters of JSON`)
  boundsRegistry.add(s, { maxJsonChars: maxChars })
  return s
}

/**
 * Default bounds for results the server sends (inputs carry tighter ones of their own):
 * generous, so no real answer is refused, but finite.
 */
export const MAX_TEXT = 100_000
/** A whole document the server produces (a label export, a report's Markdown). */
export const MAX_DOCUMENT_CHARS = 64_000_000
export const MAX_ITEMS = 1_000_000
/**
 * The largest plot the server sends inline (an SVG of this many characters is several MB);
 * a larger one is sent as a link to report.html instead, so no answer is refused for its size.
 */
export const MAX_INLINE_SVG_CHARS = 8_000_000
export const MAX_ENTRIES = 10_000
export const MAX_JSON_CHARS = 1_000_000
/** Above every real value a result carries (ms timestamps are about 1.8e12), below 2^53. */
export const REAL_MAX = 1e15
/** Any finite real a result may carry (losses, scores, seconds). */
export const Real = z.number().min(-REAL_MAX).max(REAL_MAX)
