/**
 * The shared vocabulary is declared once (docs/CONVENTIONS.md): each pattern below may stand
 * only in its home file; everywhere else imports it.
 */
import { describe, expect, it } from 'vitest'
import { readSources } from './sources'

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
  const files = readSources()
  it('reads the sources', () => expect(files.length).toBeGreaterThan(100))
  for (const r of RULES) {
    it(`${r.what} stands only in ${r.home}`, () => {
      const where = files.filter((f) => r.pattern.test(f.text)).map((f) => f.rel)
      expect(where).toEqual([r.home])
    })
  }
})
