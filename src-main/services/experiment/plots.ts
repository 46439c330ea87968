/**
 * The report's plots as self-contained SVG, rendered in Node by Vega-Lite -> Vega
 * (renderer 'none', no canvas, no network): learning curves (UAR against shots),
 * the paired loss comparison, confusion matrices, pre-training curves and the 2-D
 * embedding map coloured by emotion and by speaker.
 */
import type * as VegaLite from 'vega-lite'
import { EMOTIONS, EMOTION_COLOURS } from '../../../src-shared/emotions'
import type { ClaimResult, CurvePoint, EmbeddingMap, LossRow, ResultRecord, SummaryRow } from '../../../src-shared/contract/experiments'
import { configKey } from './grid'
import { addConfusion } from './metrics'

export interface Plot {
  title: string
  svg: string
}

export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  // loaded on first use: Vega takes seconds to load, and a cluster task process never plots
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')])
  const compiled = vl.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', ...spec } as VegaLite.TopLevelSpec)
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

const shotsLabel = (s: number | 'all') => String(s)

function seriesOf(r: SummaryRow): string {
  if (r.method === 'finetune') return `${r.source}, pre-trained ${r.pretrain_loss}, frozen ${r.frozen}`
  if (r.method === 'pretrained_only') return `${r.source}, pre-trained ${r.pretrain_loss}, not fine-tuned`
  return r.method === 'target_only' ? 'target only' : 'softmax'
}

/**
 * UAR against shots, one panel per fine-tuning loss, each on its own y scale (softmax
 * and pre-trained-only appear in each), 95% intervals as error bars. With a single
 * shots value the series are points, not lines.
 */
export function learningCurveSpec(rows: SummaryRow[], shotsOrder: (number | 'all')[]): Record<string, unknown> {
  const losses = [...new Set(rows.map((r) => r.finetune_loss).filter((l): l is NonNullable<typeof l> => l !== null))]
  const data = rows.flatMap((r) =>
    (r.finetune_loss ? [r.finetune_loss] : losses.length ? losses : ['-']).map((loss) => ({
      loss,
      series: seriesOf(r),
      shots: shotsLabel(r.shots),
      uar: 100 * r.uar.mean,
      lo: 100 * (r.uar.ci?.[0] ?? r.uar.mean),
      hi: 100 * (r.uar.ci?.[1] ?? r.uar.mean),
    })),
  )
  const single = shotsOrder.length === 1
  const x = { field: 'shots', type: 'ordinal', sort: shotsOrder.map(shotsLabel), title: 'labelled target clips per class', axis: { labelAngle: 0 } }
  const colour = { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 1, labelLimit: 600 } }
  return {
    data: { values: data },
    facet: { column: { field: 'loss', type: 'nominal', title: 'fine-tuning loss' } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 280,
      height: 220,
      layer: [
        { mark: single ? { type: 'point', filled: true, size: 60 } : { type: 'line', point: true }, encoding: { x, y: { field: 'uar', type: 'quantitative', title: 'UAR % (mean, 95% CI)', scale: { zero: false }, axis: { titlePadding: 8 } }, color: colour } },
        { mark: { type: 'errorbar', ticks: { size: 8 } }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: 'UAR % (mean, 95% CI)' }, y2: { field: 'hi' }, color: colour } },
      ],
    },
    padding: { left: 10, right: 10, top: 10, bottom: 10 },
  }
}

/** A claim's effect per shots value (and pooled) with its 95% interval as an error bar. */
export function claimBarsSpec(claim: ClaimResult): Record<string, unknown> {
  const per = [...claim.perShots, { shots: 'pooled' as const, effect: claim.effect, ci: claim.ci, verdict: claim.verdict }]
  const values = per.filter((e) => e.effect !== null).map((e) => ({ what: `${e.shots}${e.shots === 'pooled' ? '' : ' shots'}`, diff: 100 * e.effect!, lo: 100 * (e.ci?.[0] ?? e.effect!), hi: 100 * (e.ci?.[1] ?? e.effect!), verdict: e.verdict }))
  const y = { field: 'what', type: 'nominal', sort: null, title: null }
  const xTitle = `${claim.id === 'distance-loss' ? 'UAR(distance) - UAR(contrastive)' : claim.id === 'finetune-vs-pretrained' ? 'UAR(fine-tuned) - UAR(pre-trained only)' : claim.id === 'siamese-vs-softmax' ? 'UAR(best variant) - UAR(softmax)' : 'range over sources - range over frozen'}, points`
  return {
    data: { values },
    width: 380,
    height: Math.max(60, 24 * values.length),
    padding: { left: 10, right: 20, top: 5, bottom: 10 },
    layer: [
      { mark: { type: 'rule', color: '#888' }, encoding: { x: { datum: 0 } } },
      { mark: { type: 'errorbar', ticks: true }, encoding: { y, x: { field: 'lo', type: 'quantitative', title: xTitle }, x2: { field: 'hi' } } },
      { mark: { type: 'point', filled: true, size: 70 }, encoding: { y, x: { field: 'diff', type: 'quantitative', title: xTitle }, color: { field: 'verdict', type: 'nominal', scale: { domain: ['supported', 'contradicted', 'inconclusive'], range: ['#009E73', '#D55E00', '#8a6d00'] } } } },
    ],
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

/** Pre-training curves: one panel per loss (columns) and metric (rows), each on its own y scale (losses differ in range), one line per source x seed. */
export function pretrainCurveSpec(curves: CurvePoint[]): Record<string, unknown> {
  const values = curves.flatMap((c) => [
    { loss: c.loss, run: `${c.source}, seed ${c.pretrainSeed}`, epoch: c.epoch, metric: 'training loss', value: c.trainLoss },
    ...(c.valAccuracy === null ? [] : [{ loss: c.loss, run: `${c.source}, seed ${c.pretrainSeed}`, epoch: c.epoch, metric: 'validation prototype accuracy', value: c.valAccuracy }]),
  ])
  return {
    data: { values },
    facet: { row: { field: 'metric', type: 'nominal', title: null }, column: { field: 'loss', type: 'nominal', title: 'pre-training loss' } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 220,
      height: 150,
      mark: { type: 'line', point: curves.length < 40 },
      encoding: { x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } }, y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } }, color: { field: 'run', type: 'nominal', title: 'base' } },
    },
    padding: { left: 10, right: 10, top: 5, bottom: 5 },
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
    const g = r.method === 'finetune' || r.method === 'pretrained_only' ? `${r.method}|${r.source}` : r.method
    const b = best.get(g)
    if (!b || r.uar.mean > b.uar.mean) best.set(g, r)
  }
  return [...best.values()]
}

export interface PlotInput {
  records: ResultRecord[]
  summary: SummaryRow[]
  claims: ClaimResult[]
  losses: LossRow[]
  curves: CurvePoint[]
  embedding: EmbeddingMap | null
  shots: (number | 'all')[]
}

export async function buildPlots(input: PlotInput): Promise<Plot[]> {
  const plots: Plot[] = []
  if (input.summary.length) plots.push({ title: 'Learning curves: UAR against labelled target clips per class (mean and 95% interval)', svg: await renderSvg(learningCurveSpec(input.summary, input.shots)) })
  for (const c of input.claims) {
    if (c.effect === null) continue
    plots.push({ title: `Effect with 95% interval per shots value: ${c.claim}`, svg: await renderSvg(claimBarsSpec(c)) })
  }
  for (const row of confusionChoices(input.summary)) {
    const recs = input.records.filter((r) => configKey(r) === row.key)
    if (!recs.length) continue
    const conf = recs.reduce((acc, r) => addConfusion(acc, r.confusion), {} as Record<string, Record<string, number>>)
    const title = `${row.method === 'finetune' ? `${row.source}, ${row.pretrain_loss} -> ${row.finetune_loss}, frozen ${row.frozen}` : row.method === 'pretrained_only' ? `${row.source}, ${row.pretrain_loss}, not fine-tuned` : row.method === 'target_only' ? `target only, ${row.finetune_loss}` : 'softmax'}, ${row.shots} shots (UAR ${(100 * row.uar.mean).toFixed(1)}%)`
    plots.push({ title: `Confusion matrix (summed over folds x seeds): ${title}`, svg: await renderSvg(confusionSpec(title, recs[0].classes, conf)) })
  }
  if (input.curves.length) plots.push({ title: 'Pre-training curves (per loss, each on its own scale)', svg: await renderSvg(pretrainCurveSpec(input.curves)) })
  if (input.embedding?.points.length) plots.push({ title: `Embedding map: ${input.embedding.title} (${input.embedding.method})`, svg: await renderSvg(embeddingSpec(input.embedding)) })
  return plots
}
