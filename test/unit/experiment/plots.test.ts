/**
 * Plots a reader can trust (issue 19, item 9): a chance line on every accuracy / UAR plot,
 * K on a real (log) axis with 'all' set apart, a distinct colour x marker for up to 24
 * series (the baselines' colours used by no Siamese series), every claim row named by its
 * variant, and one colour per verdict in the plots, the report and the view.
 */
import { describe, expect, it } from 'vitest'
import { claimBarsSpec, learningCurveSpec, pretrainCurveSpec, renderSvg, seriesStyles, shotsAxis } from '../../../src-main/services/experiment/plots'
import { siameseVsSoftmax } from '../../../src-main/services/experiment/claims'
import { aggregate } from '../../../src-main/services/experiment/summary'
import { VERDICT_COLOUR } from '../../../src-main/services/experiment/report-tables'
import { VERDICT_COLOURS } from '../../../src-shared/verdicts'
import { recordsFor, smallGrid } from './records'

type Layer = {
  mark: { type: string }
  encoding: Record<
    string,
    { datum?: number; field?: string; scale?: { type?: string; domain?: unknown[]; range?: unknown[] }; axis?: { values?: number[]; labelExpr?: string } }
  >
}
const grid = smallGrid({ shots: [1, 5, 'all'] })

describe('plots', () => {
  const recs = recordsFor(grid, (e) => 4 + (e.method === 'finetune' ? 3 : 0) + (e.shots === 'all' ? 3 : e.shots === 5 ? 1 : 0))
  const spec = learningCurveSpec(aggregate(recs), [1, 5, 'all'], 1 / 3) as {
    spec: { layer: Layer[] }
    data: { values: { k: number; shots: string; part: string }[] }
  }

  it('learning curves: a chance line, K on a log axis, and "all" apart from the K values behind a break', () => {
    const rules = spec.spec.layer.filter((l) => l.mark.type === 'rule')
    expect(rules.some((l) => Math.abs((l.encoding.y?.datum ?? 0) - 100 / 3) < 1e-9)).toBe(true)
    const line = spec.spec.layer.find((l) => l.mark.type === 'line')!
    expect(line.encoding.x.scale!.type).toBe('log')
    expect(line.encoding.detail.field).toBe('part') // no line joins K = 5 to 'all'
    const ax = shotsAxis([1, 5, 'all'])
    expect(ax.values).toEqual([1, 5, 15])
    expect(line.encoding.x.axis!.labelExpr).toBe("datum.value === 15 ? 'all' : datum.label")
    expect(rules.some((l) => l.encoding.x?.datum === ax.breakAt)).toBe(true)
    expect(ax.breakAt!).toBeGreaterThan(5)
    expect(ax.breakAt!).toBeLessThan(15)
    expect(new Set(spec.data.values.filter((v) => v.shots === 'all').map((v) => v.k))).toEqual(new Set([15]))
    // one softmax point per panel and K: the recommended arm is a series of its own, not "softmax"
    expect(spec.data.values.filter((v) => (v as { series?: string }).series === 'softmax' && v.shots === '1')).toHaveLength(2)
    expect(spec.data.values.some((v) => /recommended recipe/.test((v as { series?: string }).series ?? ''))).toBe(true)
  })

  it('24 series get 24 distinct colour x marker pairs; the baselines keep colours no Siamese series has', () => {
    const series = ['softmax', 'target only', ...Array.from({ length: 22 }, (_, i) => `cremad, pre-trained distance, frozen ${i}`)]
    const st = seriesStyles(series)
    expect(new Set(st.colours.map((c, i) => `${c}|${st.shapes[i]}`)).size).toBe(24)
    const siamese = st.colours.slice(2)
    expect(siamese).not.toContain(st.colours[0])
    expect(siamese).not.toContain(st.colours[1])
  })

  it('claim 4 names the variant of every row (the best variant differs between shots values)', () => {
    const r = recordsFor({ ...grid, folds: 5, pretrainSeeds: 5 }, (e) =>
      e.method === 'softmax' ? 5 : e.method === 'target_only' ? (e.shots === 1 ? 9 : 6) : e.shots === 1 ? 6 : 9,
    )
    const claim = siameseVsSoftmax(r, [1, 5, 'all']).claim
    const values = (claimBarsSpec(claim) as { data: { values: { what: string }[] } }).data.values.map((v) => v.what)
    expect(values[0]).toMatch(/^1 shots: target only/)
    expect(values[1]).toMatch(/^5 shots: .*cremad/)
    expect(values[3]).toMatch(/^pooled: /)
    expect(claim.explanation).toMatch(/1 shots \(target only/)
  })

  it('one colour per verdict: plots, report text and the view share VERDICT_COLOURS', () => {
    const claim = siameseVsSoftmax(recs, [1, 5, 'all']).claim
    const pts = (claimBarsSpec(claim) as { layer: Layer[] }).layer.find((l) => l.mark.type === 'point')!
    expect(pts.encoding.color.scale!.domain).toEqual(Object.keys(VERDICT_COLOURS))
    expect(pts.encoding.color.scale!.range).toEqual(Object.values(VERDICT_COLOURS))
    expect(VERDICT_COLOUR).toBe(VERDICT_COLOURS)
  })

  it('pre-training curves draw a chance line on the accuracy panels, and the specs render', async () => {
    const curves = [1, 2, 3].map((epoch) => ({
      source: 'cremad',
      loss: 'distance' as const,
      pretrainSeed: 1,
      epoch,
      trainLoss: 1 / epoch,
      valAccuracy: 0.3 + 0.05 * epoch,
    }))
    const p = pretrainCurveSpec(curves, 0.25) as { spec: { layer: { transform?: { filter?: string; calculate?: string }[] }[] } }
    expect(p.spec.layer[1].transform!.some((t) => t.calculate === '0.25')).toBe(true)
    expect(await renderSvg(p)).toMatch(/^<svg/)
    expect(await renderSvg(spec as unknown as Record<string, unknown>)).toMatch(/^<svg/)
  })
})
