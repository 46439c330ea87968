/**
 * The shared vocabulary is declared once (docs/CONVENTIONS.md): each pattern below may stand
 * only in its home file; everywhere else imports it.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../../..')
const DIRS = ['src-main', 'src-renderer/src', 'src-shared', 'bench', 'scripts']

function sources(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p)
    return /\.(ts|vue|mjs)$/.test(e.name) ? [p] : []
  })
}

const RULES: { what: string; pattern: RegExp; home: string }[] = [
  { what: 'the job-id regex', pattern: /\^job-\\d\+\$/, home: 'src-shared/contract/jobs.ts' },
  { what: 'the architecture kinds', pattern: /'mlp' \| 'cnn'|\['mlp', 'cnn'\]/, home: 'src-shared/losses.ts' },
  { what: 'ANALYSIS_RATE', pattern: /\bANALYSIS_RATE = \d/, home: 'src-shared/audio.ts' },
  { what: 'subset()', pattern: /function subset\(/, home: 'src-main/services/model/data.ts' },
  { what: 'a resampler', pattern: /class \w*Resampler\b|function resampleTo\(/, home: 'src-shared/resample.ts' },
  { what: 'the extractor names', pattern: /'egemaps' \| 'logmel'|\['egemaps', 'logmel'\]/, home: 'src-shared/extractors.ts' },
  { what: 'the fine-tune phase defaults', pattern: /epochs: 30, stepsPerEpoch: 10\b/, home: 'src-shared/contract/train-spec.ts' },
]

describe('single declarations', () => {
  const files = DIRS.flatMap((d) => sources(path.join(root, d))).map((f) => ({
    rel: path.relative(root, f).replace(/\\/g, '/'),
    text: fs.readFileSync(f, 'utf8'),
  }))
  it('reads the sources', () => expect(files.length).toBeGreaterThan(100))
  for (const r of RULES) {
    it(`${r.what} stands only in ${r.home}`, () => {
      const where = files.filter((f) => r.pattern.test(f.text)).map((f) => f.rel)
      expect(where).toEqual([r.home])
    })
  }
})
