/**
 * Corpus adapters: each recognises its layout from the file names alone and
 * reads emotion, speaker, gender, intensity and sentence from them.
 * See docs/corpora.md for every rule and the tolerated irregular names.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parse as parseCsv } from 'csv-parse/sync'
import type { Emotion } from '../../../src-shared/emotions'
import { fileKind } from '../audio/limits'
import { CREMAD_CODES, ENTERFACE_CODES, ENTERFACE_FOLDERS, mapLabel, RAVDESS_CODES } from './labels'
import type { Layout } from '../../../src-shared/contract/datasets'

export interface ClipInfo {
  emotion: Emotion
  speaker: string | null
  gender: 'female' | 'male' | null
  intensity: string | null
  sentence: string | null
  meta?: Record<string, unknown>
}

export type PlanEntry = { rel: string; abs: string } & ({ status: 'clip'; info: ClipInfo } | { status: 'skipped' | 'rejected'; reason: string })

export interface PlanOptions {
  includeSong?: boolean
}

export interface Adapter {
  layout: Layout
  /** fraction in [0, 1] of the evidence that fits this layout, with a reason */
  detect(root: string, files: string[]): { score: number; reason: string }
  plan(root: string, files: string[], opts: PlanOptions): PlanEntry[]
}

export const AUDIO_EXT = /\.(wav|wave|flac|mp3|ogg|oga|avi)$/i
const base = (rel: string) => rel.slice(rel.lastIndexOf('/') + 1)
const entry = (root: string, rel: string) => ({ rel, abs: path.join(root, ...rel.split('/')) })
const audioOf = (files: string[]) => files.filter((f) => AUDIO_EXT.test(f))

// ---- RAVDESS: Actor_AA/MM-VV-EE-II-SS-RR-AA.wav ------------------------------
const RAVDESS_RE = /^(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)\.(wav|mp4)$/i

export const ravdess: Adapter = {
  layout: 'ravdess',
  detect(_root, files) {
    const cand = files.filter((f) => AUDIO_EXT.test(f) || /\.mp4$/i.test(f))
    const hits = cand.filter((f) => RAVDESS_RE.test(base(f))).length
    return { score: cand.length ? hits / cand.length : 0, reason: `${hits} of ${cand.length} media files named MM-VV-EE-II-SS-RR-AA` }
  },
  plan(root, files, opts) {
    const out: PlanEntry[] = []
    for (const rel of files) {
      const m = RAVDESS_RE.exec(base(rel))
      if (!m) {
        if (AUDIO_EXT.test(rel))
          out.push({ ...entry(root, rel), status: 'rejected', reason: 'name does not follow the RAVDESS pattern MM-VV-EE-II-SS-RR-AA.wav' })
        continue
      }
      const [, modality, vocal, emo, inten, stmt, rep, actor] = m
      if (m[8].toLowerCase() === 'mp4' || modality !== '03') {
        const what = modality === '01' ? 'audio-video' : modality === '02' ? 'video-only' : `modality ${modality}`
        out.push({ ...entry(root, rel), status: 'skipped', reason: `RAVDESS ${what} file (modality ${modality}); only audio-only (03) is imported` })
        continue
      }
      if (vocal === '02' && !opts.includeSong) {
        out.push({ ...entry(root, rel), status: 'skipped', reason: 'RAVDESS song (vocal channel 02); left out unless includeSong is set' })
        continue
      }
      const emotion = RAVDESS_CODES[emo]
      const problems: string[] = []
      if (!emotion) problems.push(`unknown emotion code ${emo}`)
      if (vocal !== '01' && vocal !== '02') problems.push(`unknown vocal channel ${vocal}`)
      if (inten !== '01' && inten !== '02') problems.push(`unknown intensity ${inten}`)
      if (emo === '01' && inten === '02') problems.push('neutral has no strong intensity in RAVDESS')
      if (stmt !== '01' && stmt !== '02') problems.push(`unknown statement ${stmt}`)
      if (actor === '00') problems.push('actor 00')
      const folder = /(^|\/)Actor_(\d\d)\//i.exec(rel)
      if (folder && folder[2] !== actor) problems.push(`file says actor ${actor} but it lies in Actor_${folder[2]}`)
      if (problems.length) {
        out.push({ ...entry(root, rel), status: 'rejected', reason: `RAVDESS name: ${problems.join('; ')}` })
        continue
      }
      out.push({
        ...entry(root, rel),
        status: 'clip',
        info: {
          emotion, speaker: actor, gender: Number(actor) % 2 === 1 ? 'male' : 'female',
          intensity: inten === '01' ? 'normal' : 'strong', sentence: stmt,
          meta: { repetition: rep, vocal: vocal === '01' ? 'speech' : 'song' },
        },
      })
    }
    return out
  },
}

// ---- CREMA-D: AudioWAV/1001_DFA_ANG_XX.wav -------------------------------------
const CREMAD_RE = /^(\d{4})_([A-Z]{3})_([A-Z]{3})_([A-Z]{2})\.(wav|mp3|flac)$/i
const CREMAD_SENTENCES = new Set(['IEO', 'TIE', 'IOM', 'IWW', 'TAI', 'MTI', 'IWL', 'ITH', 'DFA', 'ITS', 'TSI', 'WSI'])
const CREMAD_LEVELS: Record<string, string> = { LO: 'low', MD: 'medium', HI: 'high', XX: 'unspecified' }
const FORMAT_PREFERENCE = ['wav', 'flac', 'mp3']

function cremadGenders(root: string, files: string[]): Map<string, 'female' | 'male'> {
  const genders = new Map<string, 'female' | 'male'>()
  const demo = files.find((f) => /(^|\/)VideoDemographics\.csv$/i.test(f))
  if (!demo) return genders
  try {
    const rows = parseCsv(fs.readFileSync(path.join(root, demo)), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[]
    for (const r of rows) {
      const sex = (r.Sex ?? '').toLowerCase()
      if (r.ActorID && (sex === 'male' || sex === 'female')) genders.set(r.ActorID, sex)
    }
  } catch {
    // A damaged demographics file leaves genders unknown; the clips still import.
  }
  return genders
}

export const cremad: Adapter = {
  layout: 'cremad',
  detect(_root, files) {
    const cand = audioOf(files)
    const hits = cand.filter((f) => CREMAD_RE.test(base(f))).length
    return { score: cand.length ? hits / cand.length : 0, reason: `${hits} of ${cand.length} audio files named AAAA_SSS_EEE_LL` }
  },
  plan(root, files) {
    const genders = cremadGenders(root, files)
    const out: PlanEntry[] = []
    // The same clip may exist as WAV, FLAC and MP3 (AudioWAV, AudioFLAC, AudioMP3): keep the best one.
    const best = new Map<string, string>()
    for (const rel of audioOf(files)) {
      const m = CREMAD_RE.exec(base(rel))
      if (!m) continue
      const key = base(rel).replace(/\.[^.]+$/, '').toUpperCase()
      const prev = best.get(key)
      const rank = (f: string) => FORMAT_PREFERENCE.indexOf(f.slice(f.lastIndexOf('.') + 1).toLowerCase())
      if (!prev || rank(rel) < rank(prev)) best.set(key, rel)
    }
    for (const rel of audioOf(files)) {
      const m = CREMAD_RE.exec(base(rel))
      if (!m) {
        out.push({ ...entry(root, rel), status: 'rejected', reason: 'name does not follow the CREMA-D pattern 1001_DFA_ANG_XX.wav' })
        continue
      }
      const key = base(rel).replace(/\.[^.]+$/, '').toUpperCase()
      if (best.get(key) !== rel) {
        out.push({ ...entry(root, rel), status: 'skipped', reason: `same CREMA-D clip also present as ${best.get(key)} (preferred format)` })
        continue
      }
      const [, actor, sent, emo, lvl] = m
      const emotion = CREMAD_CODES[emo.toUpperCase()]
      const problems: string[] = []
      if (!emotion) problems.push(`unknown emotion code ${emo}`)
      if (!CREMAD_SENTENCES.has(sent.toUpperCase())) problems.push(`unknown sentence code ${sent}`)
      if (!CREMAD_LEVELS[lvl.toUpperCase()]) problems.push(`unknown level ${lvl}`)
      if (problems.length) {
        out.push({ ...entry(root, rel), status: 'rejected', reason: `CREMA-D name: ${problems.join('; ')}` })
        continue
      }
      out.push({
        ...entry(root, rel),
        status: 'clip',
        info: { emotion, speaker: actor, gender: genders.get(actor) ?? null, intensity: CREMAD_LEVELS[lvl.toUpperCase()], sentence: sent.toUpperCase() },
      })
    }
    return out
  },
}

// ---- eNTERFACE'05: subject N/<emotion>/sentence K/sN_<code>_K.avi ----------------
/** Tolerates `s1_an_1`, `s_1_an_1`, `S1_AN_1`, `s1_an1`, `s1an1`, extra spaces. */
const ENTERFACE_FILE = /^s\s*_?\s*(\d+)\s*_?\s*(an|di|fe|ha|sa|su)\s*_?\s*(\d+)\s*\.avi$/i
const SUBJECT_DIR = /^subject\s*_?\s*(\d+)$/i
const SENTENCE_DIR = /^sentence\s*_?\s*(\d+)$/i

export const enterface: Adapter = {
  layout: 'enterface',
  detect(_root, files) {
    const avis = files.filter((f) => /\.avi$/i.test(f))
    const cand = audioOf(files)
    const hits = avis.filter((f) => ENTERFACE_FILE.test(base(f)) || f.split('/').some((p) => SUBJECT_DIR.test(p))).length
    return { score: cand.length ? hits / cand.length : 0, reason: `${hits} of ${cand.length} audio/video files are eNTERFACE-style AVIs` }
  },
  plan(root, files) {
    const out: PlanEntry[] = []
    for (const rel of audioOf(files)) {
      const parts = rel.split('/')
      const name = parts[parts.length - 1]
      if (!/\.avi$/i.test(name)) {
        out.push({ ...entry(root, rel), status: 'rejected', reason: 'eNTERFACE layout holds .avi files only' })
        continue
      }
      const m = ENTERFACE_FILE.exec(name)
      const dirs = parts.slice(0, -1)
      const subjDir = dirs.map((d) => SUBJECT_DIR.exec(d.trim())).find(Boolean)
      const sentDir = dirs.map((d) => SENTENCE_DIR.exec(d.trim())).find(Boolean)
      const emoDir = dirs.map((d) => ENTERFACE_FOLDERS[d.trim().toLowerCase()]).find(Boolean)
      const fileEmotion = m ? ENTERFACE_CODES[m[2].toLowerCase()] : undefined
      const problems: string[] = []
      if (m && emoDir && fileEmotion !== emoDir) problems.push(`folder says ${emoDir} but the file name says ${fileEmotion}`)
      const subject = m ? String(Number(m[1])) : subjDir ? String(Number(subjDir[1])) : null
      if (m && subjDir && Number(m[1]) !== Number(subjDir[1])) problems.push(`folder says subject ${Number(subjDir[1])} but the file name says ${Number(m[1])}`)
      const emotion = fileEmotion ?? emoDir
      if (!emotion)
        problems.push('no emotion: neither the file name (sN_xx_K) nor a parent folder (anger, disgust, fear, happiness, sadness, surprise) names one')
      if (!subject) problems.push('no subject: neither the file name nor a "subject N" folder names one')
      if (problems.length) {
        out.push({ ...entry(root, rel), status: 'rejected', reason: `eNTERFACE name: ${problems.join('; ')}` })
        continue
      }
      const sentence = m ? String(Number(m[3])) : sentDir ? String(Number(sentDir[1])) : null
      out.push({ ...entry(root, rel), status: 'clip', info: { emotion: emotion!, speaker: subject, gender: null, intensity: null, sentence } })
    }
    return out
  },
}

// ---- folder per emotion: <root>/[<speaker>/]<emotion>/*.wav ----------------------
export const folder: Adapter = {
  layout: 'folder',
  detect(_root, files) {
    const cand = audioOf(files)
    const hits = cand.filter((f) => f.split('/').slice(0, -1).some((d) => mapLabel(d))).length
    return { score: cand.length ? hits / cand.length : 0, reason: `${hits} of ${cand.length} audio files lie in a folder named after an emotion` }
  },
  plan(root, files) {
    const out: PlanEntry[] = []
    for (const rel of audioOf(files)) {
      const dirs = rel.split('/').slice(0, -1)
      let idx = -1
      for (let i = dirs.length - 1; i >= 0 && idx < 0; i--) if (mapLabel(dirs[i])) idx = i
      const emotion = idx >= 0 ? mapLabel(dirs[idx]) : null
      if (!emotion) {
        const parent = dirs[dirs.length - 1]
        out.push({
          ...entry(root, rel),
          status: 'rejected',
          reason: parent ? `unknown emotion label ${JSON.stringify(parent)} (folder name)` : 'file at the top level: no emotion folder',
        })
        continue
      }
      // A folder above the emotion folder names the speaker.
      const speaker = idx >= 1 ? dirs[idx - 1] : null
      out.push({ ...entry(root, rel), status: 'clip', info: { emotion, speaker, gender: null, intensity: null, sentence: null } })
    }
    return out
  },
}

// ---- CSV manifest: path,label,speaker[,gender] ---------------------------------
/** A manifest larger than this is refused (a million rows fit). */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024

function readHead(file: string, n: number): string {
  const fd = fs.openSync(file, 'r')
  try {
    const buf = Buffer.alloc(n)
    return buf.toString('utf8', 0, fs.readSync(fd, buf, 0, n, 0))
  } finally {
    fs.closeSync(fd)
  }
}

export function findManifest(root: string, files: string[]): { rel: string; header: string[] } | null {
  for (const rel of files.filter((f) => !f.includes('/') && /\.csv$/i.test(f)).sort()) {
    try {
      const first = readHead(path.join(root, rel), 64 * 1024).split(/\r?\n/, 1)[0]
      const header = (parseCsv(first, { trim: true }) as string[][])[0]?.map((h) => h.toLowerCase()) ?? []
      if ((header.includes('path') || header.includes('file')) && (header.includes('label') || header.includes('emotion'))) return { rel, header }
    } catch {
      // not a CSV we can read: not a manifest
    }
  }
  return null
}

/**
 * Why a manifest path may not be read, or null: it must be relative, stay inside the
 * corpus folder after resolving '..' and symbolic links (realpath), and name a regular
 * file (no device such as /dev/zero, no FIFO, no folder).
 */
export function manifestPathProblem(realRoot: string, rel: string, abs: string): string | null {
  if (path.posix.isAbsolute(rel) || path.win32.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel))
    return `path ${rel} is absolute; manifest paths must be relative to the corpus folder`
  const norm = path.posix.normalize(rel)
  if (norm === '..' || norm.startsWith('../')) return `path ${rel} leads out of the corpus folder`
  let real: string
  try {
    real = fs.realpathSync(abs)
  } catch {
    return `file not found: ${rel}`
  }
  if (!isInside(realRoot, real)) return `path ${rel} is a symbolic link leading out of the corpus folder`
  const st = fs.statSync(real)
  if (!st.isFile()) return `path ${rel} is not a regular file (${fileKind(st)})`
  return null
}

/** True when `p` (already resolved) lies below `root`. */
export function isInside(root: string, p: string): boolean {
  const r = path.relative(root, p)
  return !!r && !r.startsWith('..') && !path.isAbsolute(r)
}

/** What csv-parse's error codes mean, in words that do not quote the file's bytes. */
const CSV_PROBLEMS: Record<string, string> = {
  INVALID_OPENING_QUOTE: 'a quote (") inside a field that does not start with one',
  CSV_INVALID_CLOSING_QUOTE: 'text right after a closing quote (")',
  CSV_QUOTE_NOT_CLOSED: 'a quote (") opened here is never closed',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'a row with another number of fields than the header',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text right after a closing quote (")',
}

/** Thrown when the manifest as a whole cannot be used; the import stops with this message. */
export class ManifestError extends Error {
  override name = 'ManifestError'
}

/** The manifest's rows; a parse error names the file (relative to the corpus folder) and the line. */
function readManifestRows(root: string, rel: string): Record<string, string>[] {
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(path.join(root, rel))
  } catch (err) {
    throw new ManifestError(`cannot read the manifest ${rel}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  try {
    return parseCsv(bytes, {
      columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    }) as Record<string, string>[]
  } catch (err) {
    const e = err as Error & { code?: string; lines?: number }
    const problem = (e.code && CSV_PROBLEMS[e.code]) ?? e.message.replace(/,? value is .*$/s, '')
    throw new ManifestError(`the manifest ${rel} cannot be parsed${e.lines ? ` at line ${e.lines}` : ''}: ${problem}`)
  }
}

export const manifest: Adapter = {
  layout: 'manifest',
  detect(root, files) {
    const m = findManifest(root, files)
    return m
      ? { score: 1, reason: `manifest ${m.rel} with columns ${m.header.join(', ')}` }
      : { score: 0, reason: 'no CSV with path and label columns at the top level' }
  },
  plan(root, files) {
    const m = findManifest(root, files)
    if (!m) return []
    const size = fs.statSync(path.join(root, m.rel)).size
    if (size > MAX_MANIFEST_BYTES)
      return [{ ...entry(root, m.rel), status: 'rejected', reason: `${m.rel}: manifest is ${size} bytes, above the limit of ${MAX_MANIFEST_BYTES}` }]
    const realRoot = fs.realpathSync(root)
    const rows = readManifestRows(root, m.rel)
    const out: PlanEntry[] = []
    rows.forEach((r, i) => {
      const p = r.path ?? r.file ?? ''
      const label = r.label ?? r.emotion ?? ''
      const rel = p.replace(/\\/g, '/')
      const abs = path.join(root, ...rel.split('/'))
      const where = `${m.rel} line ${i + 2}`
      if (!p) return out.push({ rel: `${m.rel}#${i + 2}`, abs, status: 'rejected', reason: `${where}: empty path` })
      const bad = manifestPathProblem(realRoot, rel, abs)
      if (bad) return out.push({ rel, abs, status: 'rejected', reason: `${where}: ${bad}` })
      const emotion = mapLabel(label)
      if (!emotion) return out.push({ rel, abs, status: 'rejected', reason: `${where}: unknown emotion label ${JSON.stringify(label.slice(0, 40))}` })
      const g = (r.gender ?? '').toLowerCase()
      const gender = g === 'male' || g === 'm' ? 'male' : g === 'female' || g === 'f' ? 'female' : null
      out.push({
        rel,
        abs,
        status: 'clip',
        info: { emotion, speaker: r.speaker || null, gender, intensity: r.intensity || null, sentence: r.sentence || null },
      })
    })
    return out
  },
}

export const ADAPTERS: Adapter[] = [manifest, ravdess, cremad, enterface, folder]
