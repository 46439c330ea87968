/**
 * Recordings on disk and in the database. A recording is a 16-bit mono WAV under
 * <workspace>/recordings/<person-folder>/, and a clip of the "recordings" dataset
 * whose speaker is the person, labelled with the emotion asked for (if any).
 * The file is written (temp + rename) before the row, and removed again if the
 * row cannot be written, so the two never disagree.
 */
import { setDatasetSpeech } from '../store/dataset-speech'
import { writeAtomic } from '../store/atomic-file'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { encodeWav16 } from '../audio/index'
import type { Workspace } from '../store/workspace'
import { clipByHash, deleteClip, insertClip, upsertSpeaker } from '../store/clips'
import { datasetByName, insertDataset } from '../store/datasets'
import { writeLabels } from '../store/labels'
import { recordingRow, recordingRows, type RecordingRow } from '../store/recordings'
import { parseStamp } from '../../../src-shared/stamp'
import {
  EmotionSchema,
  MAX_RECORDING_SEC,
  MIN_RECORDING_SEC,
  PersonSchema,
  RECORDING_RATE,
  RECORDINGS_DATASET,
  type PersonSummary,
  type Recording,
} from '../../../src-shared/contract/recordings'
import { serviceErrorClass } from '../../../src-shared/errors'

export class RecordingError extends serviceErrorClass('RecordingError') {}

/** A folder name for a person: ASCII slug, or a hash for names with nothing ASCII in them. */
export function personFolder(person: string): string {
  const slug = person
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
  const tag = crypto.createHash('sha256').update(person).digest('hex').slice(0, 6)
  // The hash keeps "Ana" and "Aña" apart; the slug keeps the folder readable.
  return slug ? `${slug}-${tag}` : `person-${tag}`
}

/** The recordings folder, and a check that `file` lies inside it (never outside the workspace). */
export function recordingsRoot(ws: Workspace): string {
  return ws.subdir('recordings')
}

export function assertInside(root: string, file: string): void {
  const rel = path.relative(path.resolve(root), path.resolve(file))
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) throw new RecordingError(`refusing to write outside the workspace's recordings folder: ${file}`)
}

export function ensureRecordingsDataset(ws: Workspace): number {
  const root = recordingsRoot(ws)
  const row = datasetByName(ws.db, RECORDINGS_DATASET)
  if (row && row.layout !== 'recordings') {
    throw new RecordingError(`a dataset named '${RECORDINGS_DATASET}' already exists with layout ${row.layout}; rename it to record into this workspace`)
  }
  if (row) return row.id
  const id = insertDataset(ws.db, { name: RECORDINGS_DATASET, layout: 'recordings', root })
  setDatasetSpeech(ws, id, 'recorded', 'unmarked') // microphone takes are people speaking
  return id
}

function levelDb(samples: Int16Array): { peakDb: number; rmsDb: number } {
  let peak = 0
  let sum = 0
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i] / 32768
    sum += v * v
    const a = Math.abs(v)
    if (a > peak) peak = a
  }
  const db = (x: number) => (x > 1e-6 ? Math.max(-120, 20 * Math.log10(x)) : -120)
  return { peakDb: +db(peak).toFixed(2), rmsDb: +db(Math.sqrt(sum / Math.max(1, samples.length))).toFixed(2) }
}

/** Int16 -> the float values encodeWav16 turns back into exactly the same Int16. */
function int16ToExactFloat(s: Int16Array): Float32Array {
  const out = new Float32Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s[i] < 0 ? s[i] / 32768 : s[i] / 32767
  return out
}

export interface SaveRecordingInput {
  person: string
  emotion?: string | null
  annotator?: string
  samples: Int16Array
  sampleRate?: number
}

/** Writes the WAV and imports it as a clip; returns the stored recording. */
export function saveRecording(ws: Workspace, input: SaveRecordingInput): Recording {
  const person = PersonSchema.safeParse(input.person)
  if (!person.success) throw new RecordingError(`invalid person: ${person.error.issues[0].message}`)
  const emotion = input.emotion ?? null
  if (emotion !== null && !EmotionSchema.safeParse(emotion).success)
    throw new RecordingError(`unknown emotion '${emotion}' (one of ${EmotionSchema.options.join(', ')})`)
  const rate = input.sampleRate ?? RECORDING_RATE
  if (rate !== RECORDING_RATE) throw new RecordingError(`recordings are stored at ${RECORDING_RATE} Hz, got ${rate} Hz`)
  const n = input.samples.length
  const sec = n / rate
  if (sec < MIN_RECORDING_SEC) throw new RecordingError(`the recording is too short (${sec.toFixed(2)} s; at least ${MIN_RECORDING_SEC} s)`)
  if (sec > MAX_RECORDING_SEC) throw new RecordingError(`the recording is too long (${sec.toFixed(1)} s; at most ${MAX_RECORDING_SEC} s)`)
  if (input.samples.every((v) => v === 0))
    throw new RecordingError('the recording is silent (every sample is 0): check that the microphone is connected and not muted')

  const datasetId = ensureRecordingsDataset(ws)
  const root = recordingsRoot(ws)
  const folder = path.join(root, personFolder(person.data))
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const file = path.join(folder, `${stamp}-${emotion ?? 'unlabelled'}-${crypto.randomBytes(3).toString('hex')}.wav`)
  assertInside(root, file)
  fs.mkdirSync(folder, { recursive: true })
  const bytes = encodeWav16(int16ToExactFloat(input.samples), rate)
  const hash = crypto.createHash('sha256').update(bytes).digest('hex')
  const dup = clipByHash(ws.db, datasetId, hash)?.id
  if (dup !== undefined) throw new RecordingError(`an identical recording is already stored (${describeTake(ws, dup)}); nothing was added`)
  writeAtomic(file, bytes)
  const level = levelDb(input.samples)
  try {
    const db = ws.db
    const clipId = db.transaction(() => {
      const speakerId = upsertSpeaker(db, datasetId, person.data)
      const meta = { bytes: bytes.length, recordedAt: new Date().toISOString(), ...level }
      const relPath = path.relative(root, file).split(path.sep).join('/')
      const id = insertClip(db, {
        datasetId,
        speakerId,
        path: file,
        relPath,
        contentHash: hash,
        durationSec: sec,
        sampleRate: rate,
        channels: 1,
        format: 'wav/pcm16',
        meta,
      })
      if (emotion) {
        // the same write path as the Label view: the take's label has its undo-log entry
        const annotator = input.annotator ?? person.data
        writeLabels(db, { annotator, clipId: id, kind: 'set', description: `label ${emotion}` }, (w) => {
          w.add({ clipId: id, emotion, startSec: null, endSec: null, annotator, source: 'annotator' })
        })
      }
      return id
    })()
    return getRecording(ws, clipId)!
  } catch (err) {
    fs.rmSync(file, { force: true })
    throw err
  }
}

type Row = RecordingRow

function toRecording(r: Row): Recording {
  const m = (r.meta ? JSON.parse(r.meta) : {}) as { peakDb?: number; rmsDb?: number }
  return {
    clipId: r.clipId,
    datasetId: r.datasetId,
    person: r.person,
    emotion: r.emotion,
    path: r.path,
    durationSec: r.durationSec,
    peakDb: m.peakDb ?? -120,
    rmsDb: m.rmsDb ?? -120,
    createdAt: r.createdAt,
  }
}

export function getRecording(ws: Workspace, clipId: number): Recording | null {
  const r = recordingRow(ws.db, clipId)
  return r ? toRecording(r) : null
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** SQLite's 'YYYY-MM-DD HH:MM:SS' (UTC) as '1 Dec 2026, 10:03 UTC'; anything else as it is. */
function when(createdAt: string): string {
  const d = new Date(parseStamp(createdAt))
  if (Number.isNaN(d.getTime())) return createdAt
  const hm = d.toISOString().slice(11, 16)
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hm} UTC`
}

/**
 * A recording as a person knows it, not by clip id: "Ada's take 3 of angry, recorded
 * 1 Dec 2026, 10:03 UTC" (take = its place among that person's takes of that emotion).
 */
export function describeTake(ws: Workspace, clipId: number): string {
  const r = getRecording(ws, clipId)
  if (!r) return 'a recording that has since been removed'
  const takes = listRecordings(ws, { person: r.person }).filter((x) => x.emotion === r.emotion)
  const take = takes.findIndex((x) => x.clipId === clipId) + 1
  return `${r.person}'s take ${take} of ${r.emotion ?? 'unlabelled speech'}, recorded ${when(r.createdAt)}`
}

/** A person's recordings (or everyone's), oldest first. */
export function listRecordings(ws: Workspace, opts: { person?: string } = {}): Recording[] {
  return recordingRows(ws.db, opts.person?.trim()).map(toRecording)
}

/** Everyone who has recordings, with counts per current label. */
export function listPersons(ws: Workspace): PersonSummary[] {
  const out = new Map<string, PersonSummary>()
  for (const r of listRecordings(ws)) {
    const p = out.get(r.person) ?? { person: r.person, recordings: 0, byEmotion: {} }
    p.recordings++
    const e = r.emotion ?? 'unlabelled'
    p.byEmotion[e] = (p.byEmotion[e] ?? 0) + 1
    out.set(r.person, p)
  }
  return [...out.values()].sort((a, b) => a.person.localeCompare(b.person))
}

/** Deletes a recording: its clip row (labels cascade) and its file. Only recordings, never imported corpora. */
export function removeRecording(ws: Workspace, clipId: number): void {
  const r = getRecording(ws, clipId)
  if (!r) throw new RecordingError(`no recording with clip id ${clipId}`)
  assertInside(recordingsRoot(ws), r.path)
  deleteClip(ws.db, clipId)
  fs.rmSync(r.path, { force: true })
}
