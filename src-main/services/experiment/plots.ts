/**
 * The report's plots as self-contained SVG, rendered in Node by Vega-Lite -> Vega
 * (renderer 'none', no canvas, no network): learning curves (UAR against shots),
 * the paired loss comparison, confusion matrices, pre-training curves and the 2-D
 * embedding map coloured by emotion and by speaker.
 */
import * as vega from 'vega'
import * as vl from 'vega-lite'
import { EMOTIONS, EMOTION_COLOURS } from '../../../src-shared/emotions'
import type { ClaimResult, CurvePoint, EmbeddingMap, ResultRecord, SummaryRow } from '../../../src-shared/contract/experiments'
import { configKey } from './grid'
import { addConfusion } from './metrics'

export interface Plot {
  title: string
  svg: string
}

export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const compiled = vl.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', ...spec } as vl.TopLevelSpec)
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

const shotsLabel = (s: number | 'all') => String(s)

function seriesOf(r: SummaryRow): string {
  if (r.method === 'finetune') return `${r.source}, frozen ${r.frozen}`
  return r.method === 'target_only' ? 'target only' : 'softmax'
}

/** UAR against shots, one line per configuration, one panel per loss (softmax appears in each). */
export function learningCurveSpec(rows: SummaryRow[], shotsOrder: (number | 'all')[]): Record<string, unknown> {
  const losses = [...new Set(rows.map((r) => r.loss).filter((l): l is 'contrastive' | 'distance' => l !== null))]
  const data = rows.flatMap((r) =>
    (r.loss ? [r.loss] : losses).map((loss) => ({
      loss,
      series: seriesOf(r),
      shots: shotsLabel(r.shots),
      uar: r.uar.mean,
      lo: Math.max(0, r.uar.mean - r.uar.sd),
      hi: Math.min(1, r.uar.mean + r.uar.sd),
    })),
  )
  const x = { field: 'shots', type: 'ordinal', sort: shotsOrder.map(shotsLabel), title: 'labelled target clips per class' }
  return {
    data: { values: data },
    facet: { column: { field: 'loss', type: 'nominal', title: 'loss' } },
    spec: {
      width: 260,
      height: 220,
      layer: [
        { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'uar', type: 'quantitative', title: 'UAR (mean over folds x seeds)', scale: { domain: [0, 1] } }, color: { field: 'series', type: 'nominal', title: null } } },
        { mark: { type: 'errorbar', ticks: true }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: { field: 'series', type: 'nominal' } } },
      ],
    },
  }
}

export function claimBarsSpec(claim: ClaimResult): Record<string, unknown> {
  const values = claim.details.filter((d) => d.label.startsWith('distance - contrastive')).map((d) => ({ what: d.label.replace('distance - contrastive UAR, ', ''), diff: 100 * d.value }))
  return {
    data: { values },
    width: 360,
    height: Math.max(60, 18 * values.length),
    mark: 'bar',
    encoding: {
      y: { field: 'what', type: 'nominal', sort: null, title: null },
      x: { field: 'diff', type: 'quantitative', title: 'UAR(distance) - UAR(contrastive), points' },
      color: { condition: { test: 'datum.diff >= 0', value: '#009E73' }, value: '#D55E00' },
    },
  }
}

export function confusionSpec(title: string, classes: string[], confusion: Record<string, Record<string, number>>): Record<string, unknown> {
  const values = classes.flatMap((t) => {
    const row = classes.reduce((s, p) => s + (confusion[t]?.[p] ?? 0), 0)
    return classes.map((p) => ({ truth: t, predicted: p, share: row ? (confusion[t]?.[p] ?? 0) / row : 0, n: confusion[t]?.[p] ?? 0 }))
  })
  const enc = { x: { field: 'predicted', type: 'ordinal', sort: classes }, y: { field: 'truth', type: 'ordinal', sort: classes } }
  return {
    title: { text: title, fontSize: 11 },
    data: { values },
    width: 24 * classes.length,
    height: 24 * classes.length,
    layer: [
      { mark: 'rect', encoding: { ...enc, color: { field: 'share', type: 'quantitative', scale: { domain: [0, 1], scheme: 'blues' }, title: 'row share' } } },
      { mark: { type: 'text', fontSize: 9 }, encoding: { ...enc, text: { field: 'n', type: 'quantitative' }, color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' } } },
    ],
  }
}

export function pretrainCurveSpec(curves: CurvePoint[]): Record<string, unknown> {
  const values = curves.map((c) => ({ ...c, run: `${c.source}, ${c.loss}` }))
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch' }
  return {
    data: { values },
    hconcat: [
      { width: 260, height: 180, mark: 'line', encoding: { x, y: { field: 'trainLoss', type: 'quantitative', title: 'training loss' }, color: { field: 'run', type: 'nominal', title: 'pre-training' } } },
      { width: 260, height: 180, mark: 'line', encoding: { x, y: { field: 'valAccuracy', type: 'quantitative', title: 'held-out speakers, prototype accuracy', scale: { domain: [0, 1] } }, color: { field: 'run', type: 'nominal' } } },
    ],
  }
}

export function embeddingSpec(map: EmbeddingMap): Record<string, unknown> {
  const emotions = EMOTIONS.filter((e) => map.points.some((p) => p.emotion === e)) as string[]
  const base = { width: 300, height: 280, mark: { type: 'point', filled: true, size: 30, opacity: 0.8 } }
  const xy = { x: { field: 'x', type: 'quantitative', title: 'component 1' }, y: { field: 'y', type: 'quantitative', title: 'component 2' }, shape: { field: 'role', type: 'nominal' } }
  return {
    data: { values: map.points },
    hconcat: [
      { ...base, title: 'by emotion', encoding: { ...xy, color: { field: 'emotion', type: 'nominal', scale: { domain: emotions, range: emotions.map((e) => EMOTION_COLOURS[e as keyof typeof EMOTION_COLOURS]) } } } },
      { ...base, title: 'by speaker', encoding: { ...xy, color: { field: 'speaker', type: 'nominal', scale: { scheme: 'tableau20' } } } },
    ],
    resolve: { scale: { color: 'independent', shape: 'independent' } },
  }
}

/** The configurations whose confusion matrices the report shows: the best fine-tuned one per source (by mean UAR) and each baseline's best. */
export function confusionChoices(rows: SummaryRow[]): SummaryRow[] {
  const best = new Map<string, SummaryRow>()
  for (const r of rows) {
    const g = r.method === 'finetune' ? `finetune|${r.source}` : r.method
    const b = best.get(g)
    if (!b || r.uar.mean > b.uar.mean) best.set(g, r)
  }
  return [...best.values()]
}

export interface PlotInput {
  records: ResultRecord[]
  summary: SummaryRow[]
  claims: ClaimResult[]
  curves: CurvePoint[]
  embedding: EmbeddingMap | null
  shots: (number | 'all')[]
}

export async function buildPlots(input: PlotInput): Promise<Plot[]> {
  const plots: Plot[] = []
  if (input.summary.length) plots.push({ title: 'Learning curves: UAR against labelled target clips per class (mean ± sd over folds x seeds)', svg: await renderSvg(learningCurveSpec(input.summary, input.shots)) })
  const c1 = input.claims.find((c) => c.id === 'distance-loss')
  if (c1 && c1.verdict !== 'not testable') plots.push({ title: 'Claim 1: paired UAR difference, distance minus contrastive loss', svg: await renderSvg(claimBarsSpec(c1)) })
  for (const row of confusionChoices(input.summary)) {
    const recs = input.records.filter((r) => configKey(r) === row.key)
    if (!recs.length) continue
    const conf = recs.reduce((acc, r) => addConfusion(acc, r.confusion), {} as Record<string, Record<string, number>>)
    const title = `${row.method === 'finetune' ? `${row.source}, ${row.loss}, frozen ${row.frozen}` : row.method === 'target_only' ? `target only, ${row.loss}` : 'softmax'}, ${row.shots} shots (UAR ${(100 * row.uar.mean).toFixed(1)}%)`
    plots.push({ title: `Confusion matrix (summed over folds x seeds): ${title}`, svg: await renderSvg(confusionSpec(title, recs[0].classes, conf)) })
  }
  if (input.curves.length) plots.push({ title: 'Pre-training curves (per source and loss)', svg: await renderSvg(pretrainCurveSpec(input.curves)) })
  if (input.embedding?.points.length) plots.push({ title: `Embedding map: ${input.embedding.title} (${input.embedding.method})`, svg: await renderSvg(embeddingSpec(input.embedding)) })
  return plots
}
