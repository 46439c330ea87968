/**
 * Real human speech no generator here made: Debian's asterisk-core-sounds-en-wav (8 kHz WAV) and
 * -en-g722 (16 kHz G.722, decoded with ffmpeg into a cache under os.tmpdir()) packages, one female
 * speaker (Allison) reading telephone prompts in a neutral voice. `npm run setup` installs them
 * (scripts/system-packages.mjs); SER_ASTERISK_SOUNDS points elsewhere. Used as out-of-distribution
 * speech: every model here learned from generated voices.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { encodeWav16 } from '../../src-main/services/audio/index'
import { resampleTo } from '../../src-shared/resample'
import { readWav } from './wav'

export const ASTERISK_DIR = process.env.SER_ASTERISK_SOUNDS ?? '/usr/share/asterisk/sounds/en_US_f_Allison'
/** Where the other languages' voices are looked for (their own Debian packages; bench only, CI does not install them). */
export const ASTERISK_ROOT = process.env.SER_ASTERISK_ROOT ?? '/usr/share/asterisk/sounds'

/**
 * Other professional speakers reading the same kind of neutral prompts, in other languages: never
 * looked at while the unfamiliarity method was chosen (docs/live.md). Packages
 * asterisk-core-sounds-{es,fr,it,ru}-g722 (wideband) and -wav (8 kHz).
 */
export const OTHER_VOICES = [
  { language: 'Spanish (Mexico)', voice: 'es_MX_f_Allison', packages: 'asterisk-core-sounds-es-g722, -es-wav' },
  { language: 'French (Canada)', voice: 'fr_CA_f_June', packages: 'asterisk-core-sounds-fr-g722, -fr-wav' },
  { language: 'Italian', voice: 'it_IT_m_Carlo', packages: 'asterisk-core-sounds-it-g722, -it-wav' },
  { language: 'Russian', voice: 'ru_RU_f_IvrvoiceRU', packages: 'asterisk-core-sounds-ru-g722, -ru-wav' },
] as const
export type OtherVoice = (typeof OTHER_VOICES)[number]

/** The top-level prompts of a voice folder (sorted by name) with both encodings; null when the folder is absent. */
export function voicePromptNames(dir: string): string[] | null {
  if (!fs.existsSync(dir)) return null
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.wav') && fs.existsSync(path.join(dir, f.replace(/\.wav$/, '.g722'))))
  return names.sort().map((f) => f.replace(/\.wav$/, ''))
}

/** G.722 file -> 16-bit 16 kHz WAV under os.tmpdir() (cached). */
function decodeG722(src: string, cacheSub: string): string {
  const out = path.join(os.tmpdir(), 'ser-asterisk-g722', cacheSub)
  fs.mkdirSync(out, { recursive: true })
  const wav = path.join(out, path.basename(src).replace(/\.g722$/, '.wav'))
  if (!fs.existsSync(wav)) {
    const tmp = `${wav}.${process.pid}.tmp.wav`
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'g722', '-i', src, '-ar', '16000', '-ac', '1', tmp])
    fs.renameSync(tmp, wav)
  }
  return wav
}

/** A WAV with under 0.05 s of audio (a few packaged prompts are empty placeholders). */
const emptyWav = (f: string) => fs.statSync(f).size < 44 + 800

/**
 * Every prompt of another voice, wideband (decoded G.722) and telephone (8 kHz WAV), leaving out the
 * empty placeholders (`empty`); null when its packages are not installed.
 */
export function otherVoicePrompts(v: OtherVoice): { wideband: string[]; telephone: string[]; dir: string; empty: number } | null {
  const dir = path.join(ASTERISK_ROOT, v.voice)
  const names = voicePromptNames(dir)
  if (!names || names.length === 0) return null
  const both = names.map((b) => ({ wideband: decodeG722(path.join(dir, `${b}.g722`), v.voice), telephone: path.join(dir, `${b}.wav`) }))
  const kept = both.filter((p) => !emptyWav(p.wideband) && !emptyWav(p.telephone))
  return { dir, wideband: kept.map((p) => p.wideband), telephone: kept.map((p) => p.telephone), empty: both.length - kept.length }
}

/** Every prompt (sorted by name) that exists in both encodings. */
export function allPromptNames(): string[] {
  if (!fs.existsSync(ASTERISK_DIR)) throw new Error(`real speech not found: ${ASTERISK_DIR} (install asterisk-core-sounds-en-wav and -g722: npm run setup)`)
  return voicePromptNames(ASTERISK_DIR) ?? []
}

/** `n` prompts (sorted by name) from the `from`-th on that exist in both encodings (n = Infinity: all the rest). */
export function promptNames(n = 60, from = 0): string[] {
  const names = allPromptNames()
  if (Number.isFinite(n) && names.length < from + n)
    throw new Error(`only ${names.length} prompts with both a .wav and a .g722 in ${ASTERISK_DIR}; install both packages (npm run setup)`)
  return names.slice(from, from + n)
}

/** The 8 kHz WAV files. */
export function telephonePrompts(n = 60, from = 0): string[] {
  return promptNames(n, from).map((b) => path.join(ASTERISK_DIR, `${b}.wav`))
}

/** The wideband (G.722, 16 kHz) files decoded to 16-bit WAV with ffmpeg (cached). */
export function widebandPrompts(n = 60, from = 0): string[] {
  return promptNames(n, from).map((b) => decodeG722(path.join(ASTERISK_DIR, `${b}.g722`), ''))
}

/**
 * One WAV (48 kHz, as Chromium's fake microphone plays it) of `n` prompts one after the other with
 * 0.3 s pauses: the telephone (8 kHz) files or the wideband (G.722) ones. Cached under os.tmpdir().
 */
export function promptStream(kind: 'telephone' | 'wideband', n = 12): string {
  const out = path.join(os.tmpdir(), 'ser-asterisk-g722', `stream-${kind}-${n}.wav`)
  if (fs.existsSync(out)) return out
  const rate = 48000
  const parts: Float32Array[] = []
  for (const f of kind === 'telephone' ? telephonePrompts(n) : widebandPrompts(n)) {
    const { samples, sampleRate } = readWav(f)
    parts.push(resampleTo(samples, sampleRate, rate), new Float32Array(rate * 0.3))
  }
  const all = new Float32Array(parts.reduce((s, p) => s + p.length, 0))
  let at = 0
  for (const p of parts) all.set(p, at), (at += p.length)
  const tmp = `${out}.${process.pid}.tmp`
  fs.writeFileSync(tmp, encodeWav16(all, rate))
  fs.renameSync(tmp, out)
  return out
}
