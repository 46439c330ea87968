/**
 * Generated test corpora, cached under os.tmpdir() by their parameters and a
 * hash of the generator's sources, so test files share them and a changed
 * generator regenerates. Usage:
 *   const c = await syntheticCorpus('cremad', { speakers: 6 })                 // preset 'realistic'
 *   const k = await syntheticCorpus('cremad', { speakers: 6, preset: 'clean', realism: { channel: { snrDb: [5, 10] } } })
 *   c.dir          // the corpus root, in the real layout
 *   c.clips        // ground truth: relPath, emotion, speaker, gender, intensity, sentence
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DEFAULT_PRESET, synthCorpus, TRUTH_FILE, type SynthLayout, type SynthOptions, type SynthResult } from '../../src-main/services/synth/index'

export type { SynthResult, TruthClip } from '../../src-main/services/synth/index'

export type CorpusParams = Omit<SynthOptions, 'layout' | 'out' | 'onProgress' | 'concurrency'>

const synthDir = path.resolve(import.meta.dirname, '..', '..', 'src-main', 'services', 'synth')

function generatorHash(): string {
  const h = crypto.createHash('sha256')
  for (const f of fs.readdirSync(synthDir).sort()) h.update(f).update(fs.readFileSync(path.join(synthDir, f)))
  return h.digest('hex').slice(0, 12)
}

export function corpusCacheRoot(): string {
  return path.join(os.tmpdir(), 'ser-synth-cache')
}

/** JSON with object keys sorted at every depth, so equal parameters give equal keys. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(v)
}

export async function syntheticCorpus(layout: SynthLayout, params: CorpusParams): Promise<SynthResult> {
  const key = crypto
    .createHash('sha256')
    .update(canonical({ layout, ...params, seed: params.seed ?? 'ser', preset: params.preset ?? DEFAULT_PRESET, gen: generatorHash() }))
    .digest('hex')
    .slice(0, 16)
  const dir = path.join(corpusCacheRoot(), `${layout}-${params.speakers}sp-${params.preset ?? DEFAULT_PRESET}-${key}`)
  const truth = path.join(dir, TRUTH_FILE)
  if (fs.existsSync(truth)) return { ...(JSON.parse(fs.readFileSync(truth, 'utf8')) as SynthResult), dir }
  fs.mkdirSync(corpusCacheRoot(), { recursive: true })
  // Generate beside the target and rename: concurrent test files never see half a corpus.
  const tmp = fs.mkdtempSync(path.join(corpusCacheRoot(), `.tmp-${layout}-`))
  await synthCorpus({ layout, ...params, out: tmp })
  try {
    fs.renameSync(tmp, dir)
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }) // another process finished first
  }
  const r = JSON.parse(fs.readFileSync(truth, 'utf8')) as SynthResult
  return { ...r, dir }
}
