/**
 * The unfamiliar bench's clip features, cached per file under os.tmpdir() (keyed by the file's path,
 * size and mtime and the extractor version), so a rerun, or a second model with the same extractor,
 * does not extract eGeMAPS again: the real prompts of five voices are ~1700 files. Log-mel models
 * are extracted afresh (services/model/clip-features.ts).
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadAnalysisAudio } from '../src-main/services/features/audio-input'
import { EXTRACTOR_VERSION, extractEgemaps } from '../src-main/services/features/index'
import { filesToItems } from '../src-main/services/model/index'
import { recordingReport, type RecordingReport } from '../src-main/services/model/recording-checks'
import type { ItemSet, ModelCardData } from '../src-main/services/model/types'

interface Cached {
  egemaps: number[]
  recording: RecordingReport
}
/** As stored: JSON has no -Infinity, so the high-band ratio of a silent file is null. */
type Stored = Omit<Cached, 'recording'> & { recording: Omit<RecordingReport, 'highBandDb'> & { highBandDb: number | null } }

const defaultCacheDir = () => path.join(os.tmpdir(), 'ser-unfamiliar-features', EXTRACTOR_VERSION.replace(/[^\w.+-]/g, '_'))


async function one(file: string, cacheDir: string): Promise<Cached> {
  const st = fs.statSync(file)
  const key = crypto.createHash('sha256').update(`${path.resolve(file)}|${st.size}|${st.mtimeMs}`).digest('hex').slice(0, 24)
  const at = path.join(cacheDir, `${key}.json`)
  if (fs.existsSync(at)) {
    const c = JSON.parse(fs.readFileSync(at, 'utf8')) as Stored
    return { ...c, recording: { ...c.recording, highBandDb: c.recording.highBandDb ?? -Infinity } }
  }
  const audio = await loadAnalysisAudio(file)
  const c: Cached = { egemaps: Array.from(extractEgemaps(audio.samples, audio.sampleRate)), recording: recordingReport(audio.samples, audio.sampleRate) }
  fs.mkdirSync(cacheDir, { recursive: true })
  const tmp = `${at}.${process.pid}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(c))
  fs.renameSync(tmp, at)
  return c
}

/** filesToItems, with eGeMAPS features and recording checks cached per file (in `cacheDir`, by default under os.tmpdir()). */
export async function cachedFilesToItems(
  files: string[],
  card: ModelCardData,
  cacheDir = defaultCacheDir(),
): Promise<ItemSet & { recordings: RecordingReport[] }> {
  if (card.extractor.name !== 'egemaps' || card.arch.kind !== 'mlp') return filesToItems(files, card)
  const dim = card.arch.inputDim
  const x = new Float32Array(files.length * dim)
  const recordings: RecordingReport[] = []
  for (let i = 0; i < files.length; i++) {
    const c = await one(files[i], cacheDir)
    x.set(c.egemaps, i * dim)
    recordings.push(c.recording)
  }
  return { x, itemShape: [dim], labels: files.map(() => '?'), speakers: files.map(() => '?'), recordings }
}
