/**
 * One implementation of the classification metrics (docs/CONVENTIONS.md, "The model folder"):
 * classificationMetrics, its helpers and every per-class recall (the UAR's parts) stand only in
 * src-main/services/model/metrics.ts; model cards, `ser evaluate`, enrollment, the recipe
 * chooser, tuning and the experiment's records import it.
 */
import { describe, expect, it } from 'vitest'
import { readSources } from './sources'

const HOME = 'src-main/services/model/metrics.ts'

const METRIC_NAMES = 'classificationMetrics|metricsFromConfusion|confusionMatrix|balancedAccuracy|unweightedAverageRecall|macroF1Score'

/** What a second implementation looks like: a metric function declared, or a recall (the UAR's part) computed. */
const RULES: { what: string; pattern: RegExp }[] = [
  {
    what: 'a metric function declared',
    pattern: new RegExp(`\\bfunction\\s+(${METRIC_NAMES})\\b|\\b(const|let|var)\\s+(${METRIC_NAMES})\\s*[=:]|^\\s*(${METRIC_NAMES})\\s*[(=:]`, 'm'),
  },
  { what: 'a recall computed (UAR is a mean of recalls)', pattern: /\b(const|let|var)\s+\w*recall\w*\s*[=:]|\w*recall\w*\s*\+=|\brecall\w*\s*=\s*\w+\s*\//i },
  { what: 'a UAR divided out', pattern: /\buar\s*[:=]\s*\(?[A-Za-z_][\w.]*\s*\//i },
]

/** The rules that `text` breaks. */
const broken = (text: string) => RULES.filter((r) => r.pattern.test(text)).map((r) => r.what)

describe('one classificationMetrics', () => {
  const files = readSources(/\.(ts|mts|vue|mjs)$/)

  it('reads the sources, and its home breaks every rule (it is the implementation)', () => {
    expect(files.length).toBeGreaterThan(100)
    expect(broken(files.find((f) => f.rel === HOME)!.text)).toEqual(RULES.map((r) => r.what))
  })

  it('catches a second implementation however it is written', () => {
    const second = [
      'export function classificationMetrics(truth: string[], predicted: string[]) {}',
      'export const confusionMatrix = (a: string[]) => a',
      'let recallSum = 0',
      '  const classRecall = tp / row',
      'return { uar: recallTotal / n }',
      'const m = { uar: sumOfRecalls / present }',
    ]
    for (const text of second) expect(broken(text), text).not.toEqual([])
    // calls, imports, re-exports and words in comments are not implementations
    for (const text of [
      "import { classificationMetrics } from '../model/metrics'",
      "export { classificationMetrics, confusionMatrix } from '../model/metrics'",
      'const m = classificationMetrics(classes, truth, predicted)',
      '/** UAR (unweighted average recall): the mean recall over the classes. */',
      'uar: counts.size ? 1 / counts.size : 0',
    ])
      expect(broken(text), text).toEqual([])
  })

  it(`no file but ${HOME} implements a metric`, () => {
    const where = files.filter((f) => f.rel !== HOME && broken(f.text).length).map((f) => `${f.rel}: ${broken(f.text).join(', ')}`)
    expect(where).toEqual([])
  })
})
