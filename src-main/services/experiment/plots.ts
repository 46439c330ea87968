/**
 * The report's plots as self-contained SVG, rendered in Node by Vega-Lite -> Vega
 * (renderer 'none', no canvas, no network): learning curves (UAR against shots),
 * the paired loss comparison, confusion matrices, pre-training curves and the 2-D
 * embedding map coloured by emotion and by speaker.
 */
import type * as VegaLite from 'vega-lite'
import { EMOTIONS, EMOTION_COLOURS } from '../../../src-shared/emotions'
import { VERDICT_COLOURS } from '../../../src-shared/verdicts'
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
  if (r.method === 'recommended') return `${r.source}, pre-trained ${r.pretrain_loss}, recommended recipe`
  return r.method === 'target_only' ? 'target only' : 'softmax'
}

/** 12 colours (Okabe-Ito and Tableau hues, dark enough on white) x 8 markers: series i gets colour i mod 12 and marker i mod 8, distinct for 24 series. */
export const SERIES_COLOURS = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#8C564B',
  '#9467BD',
  '#17BECF',
  '#BCBD22',
  '#1F3A93',
  '#E377C2',
]
export const SERIES_SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'triangle-down', 'cross', 'triangle-right', 'triangle-left']
/** The baselines keep colours no Siamese series uses. */
export const BASELINE_STYLE: Record<string, { colour: string; shape: string }> = {
  softmax: { colour: '#000000', shape: 'square' },
  'target only': { colour: '#7f7f7f', shape: 'diamond' },
}

export function seriesStyles(series: string[]): { domain: string[]; colours: string[]; shapes: string[] } {
  let i = 0
  const styles = series.map((s) => BASELINE_STYLE[s] ?? { colour: SERIES_COLOURS[i % SERIES_COLOURS.length], shape: SERIES_SHAPES[i++ % SERIES_SHAPES.length] })
  return { domain: series, colours: styles.map((x) => x.colour), shapes: styles.map((x) => x.shape) }
}

/** Where K sits on the (log) axis: its value; 'all' one step beyond the largest K, across a dashed break. */
export function shotsAxis(shotsOrder: (number | 'all')[]): {
  pos: (s: number | 'all') => number
  values: number[]
  allPos: number | null
  breakAt: number | null
  domain: [number, number]
} {
  const ks = shotsOrder.filter((s): s is number => s !== 'all').sort((a, b) => a - b)
  const hasAll = shotsOrder.includes('all')
  const max = ks.length ? ks[ks.length - 1] : 1
  const allPos = hasAll ? (ks.length ? max * 3 : 1) : null
  const lo = ks.length ? ks[0] : (allPos ?? 1)
  const hi = allPos ?? max
  return {
    pos: (s) => (s === 'all' ? allPos! : s),
    values: [...ks, ...(allPos === null ? [] : [allPos])],
    allPos,
    breakAt: allPos !== null && ks.length ? Math.sqrt(max * allPos) : null,
    domain: [lo / 1.4, hi * 1.4],
  }
}

/**
 * UAR against shots, one panel per fine-tuning loss, each on its own y scale (softmax
 * and pre-trained-only appear in each), 95% intervals as error bars (no bar where there
 * are too few units for an interval). K is on a log axis; 'all' sits apart, past a dashed
 * break, and no line joins it to the K values. A dashed line marks chance.
 */
export function learningCurveSpec(rows: SummaryRow[], shotsOrder: (number | 'all')[], chance: number | null = null): Record<string, unknown> {
  const losses = [...new Set(rows.map((r) => r.finetune_loss).filter((l): l is NonNullable<typeof l> => l !== null))]
  const ax = shotsAxis(shotsOrder)
  const data = rows.flatMap((r) =>
    (r.finetune_loss ? [r.finetune_loss] : losses.length ? losses : ['-']).map((loss) => ({
      loss,
      series: seriesOf(r),
      part: r.shots === 'all' ? 'all' : 'K',
      shots: shotsLabel(r.shots),
      k: ax.pos(r.shots),
      uar: 100 * r.uar.mean,
      ...(r.uar.ci ? { lo: 100 * r.uar.ci[0], hi: 100 * r.uar.ci[1] } : {}),
    })),
  )
  const st = seriesStyles([...new Set(data.map((d) => d.series))])
  const x = {
    field: 'k',
    type: 'quantitative',
    title: "K clips per class (log scale); 'all': every support clip",
    scale: { type: 'log', domain: ax.domain, nice: false },
    axis: {
      values: ax.values,
      labelAngle: 0,
      grid: false,
      labelExpr: ax.allPos === null ? 'datum.label' : `datum.value === ${ax.allPos} ? 'all' : datum.label`,
    },
  }
  const colour = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: st.domain, range: st.colours },
    legend: { orient: 'bottom', columns: 1, labelLimit: 600 },
  }
  const shape = { field: 'series', type: 'nominal', title: null, scale: { domain: st.domain, range: st.shapes } }
  const yTitle = `UAR % (mean, 95% CI)${chance === null ? '' : `; dashed: chance ${(100 * chance).toFixed(1)}%`}`
  const y = { field: 'uar', type: 'quantitative', title: yTitle, scale: { zero: false }, axis: { titlePadding: 8 } }
  return {
    data: { values: data },
    facet: { column: { field: 'loss', type: 'nominal', title: 'fine-tuning loss' } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 300,
      height: 230,
      layer: [
        ...(chance === null
          ? []
          : [{ mark: { type: 'rule', strokeDash: [6, 4], color: '#444' }, encoding: { y: { ...y, field: undefined, datum: 100 * chance } } }]),
        ...(ax.breakAt === null
          ? []
          : [{ mark: { type: 'rule', strokeDash: [2, 3], color: '#999' }, encoding: { x: { ...x, field: undefined, datum: ax.breakAt } } }]),
        { mark: { type: 'line' }, encoding: { x, y, color: colour, detail: { field: 'part' } } },
        { mark: { type: 'point', filled: true, size: 70, opacity: 1 }, encoding: { x, y, color: colour, shape } },
        {
          transform: [{ filter: 'isValid(datum.lo)' }],
          mark: { type: 'errorbar', ticks: { size: 8 } },
          encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle }, y2: { field: 'hi' }, color: colour },
        },
      ],
    },
    padding: { left: 10, right: 10, top: 10, bottom: 10 },
  }
}

/** A claim's effect per shots value (and pooled) with its 95% interval as an error bar; each row names its variant where rows compare different ones. */
export function claimBarsSpec(claim: ClaimResult): Record<string, unknown> {
  const per = [...claim.perShots, { shots: 'pooled' as const, effect: claim.effect, ci: claim.ci, verdict: claim.verdict, variant: claim.variant ?? null }]
  const values = per
    .filter((e) => e.effect !== null)
    .map((e) => {
      const variant = e.variant ?? null
      return {
        what: `${e.shots}${e.shots === 'pooled' ? '' : ' shots'}${variant ? `: ${variant}` : ''}`,
        diff: 100 * e.effect!,
        ...(e.ci ? { lo: 100 * e.ci[0], hi: 100 * e.ci[1] } : {}),
        verdict: e.verdict,
      }
    })
  const y = { field: 'what', type: 'nominal', sort: null, title: null, axis: { labelLimit: 640 } }
  const xTitle = `${
    claim.id === 'distance-loss'
      ? 'UAR(distance) - UAR(contrastive)'
      : claim.id === 'finetune-vs-pretrained'
        ? 'UAR(fine-tuned) - UAR(pre-trained only)'
        : claim.id === 'siamese-vs-softmax'
          ? 'UAR(best variant at that K, named) - UAR(softmax)'
          : 'range over sources - range over frozen'
  }, points`
  const verdicts = Object.keys(VERDICT_COLOURS)
  return {
    data: { values },
    width: 380,
    height: Math.max(60, 24 * values.length),
    padding: { left: 10, right: 20, top: 5, bottom: 10 },
    layer: [
      { mark: { type: 'rule', color: '#888' }, encoding: { x: { datum: 0 } } },
      {
        transform: [{ filter: 'isValid(datum.lo)' }],
        mark: { type: 'errorbar', ticks: true },
        encoding: { y, x: { field: 'lo', type: 'quantitative', title: xTitle }, x2: { field: 'hi' } },
      },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          y,
          x: { field: 'diff', type: 'quantitative', title: xTitle },
          color: {
            field: 'verdict',
            type: 'nominal',
            scale: { domain: verdicts, range: verdicts.map((v) => VERDICT_COLOURS[v as keyof typeof VERDICT_COLOURS]) },
          },
        },
      },
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
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: { ...enc, text: { field: 'n', type: 'quantitative' }, color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' } },
      },
    ],
  }
}

/**
 * Pre-training curves: one panel per loss (columns) and metric (rows), each on its own y scale (losses differ in range), one line per source x seed; a dashed
 * line marks chance on the accuracy panels.
 */
export function pretrainCurveSpec(curves: CurvePoint[], chance: number | null = null): Record<string, unknown> {
  const st = seriesStyles([...new Set(curves.map((c) => `${c.source}, seed ${c.pretrainSeed}`))])
  const values = curves.flatMap((c) => [
    { loss: c.loss, run: `${c.source}, seed ${c.pretrainSeed}`, epoch: c.epoch, metric: 'training loss', value: c.trainLoss },
    ...(c.valAccuracy === null
      ? []
      : [{ loss: c.loss, run: `${c.source}, seed ${c.pretrainSeed}`, epoch: c.epoch, metric: 'validation prototype accuracy', value: c.valAccuracy }]),
  ])
  return {
    data: { values },
    facet: { row: { field: 'metric', type: 'nominal', title: null }, column: { field: 'loss', type: 'nominal', title: 'pre-training loss' } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 220,
      height: 150,
      layer: [
        {
          mark: { type: 'line', point: curves.length < 40 },
          encoding: {
            x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
            y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
            color: { field: 'run', type: 'nominal', title: 'base', scale: { domain: st.domain, range: st.colours } },
          },
        },
        ...(chance === null
          ? []
          : [
              {
                transform: [
                  { filter: "datum.metric === 'validation prototype accuracy'" },
                  { aggregate: [{ op: 'count', as: 'n' }], groupby: ['metric', 'loss'] },
                  { calculate: String(chance), as: 'chance' },
                ],
                mark: { type: 'rule', strokeDash: [6, 4], color: '#444' },
                encoding: { y: { field: 'chance', type: 'quantitative' } },
              },
            ]),
      ],
    },
    padding: { left: 10, right: 10, top: 5, bottom: 5 },
  }
}

export function embeddingSpec(map: EmbeddingMap): Record<string, unknown> {
  const emotions = EMOTIONS.filter((e) => map.points.some((p) => p.emotion === e)) as string[]
  const base = { width: 300, height: 280, mark: { type: 'point', filled: true, size: 30, opacity: 0.8 } }
  const xy = {
    x: { field: 'x', type: 'quantitative', title: 'component 1' },
    y: { field: 'y', type: 'quantitative', title: 'component 2' },
    shape: { field: 'role', type: 'nominal' },
  }
  return {
    data: { values: map.points },
    hconcat: [
      {
        ...base,
        title: 'by emotion',
        encoding: {
          ...xy,
          color: {
            field: 'emotion',
            type: 'nominal',
            scale: { domain: emotions, range: emotions.map((e) => EMOTION_COLOURS[e as keyof typeof EMOTION_COLOURS]) },
          },
        },
      },
      { ...base, title: 'by speaker', encoding: { ...xy, color: { field: 'speaker', type: 'nominal', scale: { scheme: 'tableau20' } } } },
    ],
    resolve: { scale: { color: 'independent', shape: 'independent' } },
  }
}

/** The configurations whose confusion matrices the report shows: the best fine-tuned one per source (by mean UAR) and each baseline's best. */
export function confusionChoices(rows: SummaryRow[]): SummaryRow[] {
  const best = new Map<string, SummaryRow>()
  for (const r of rows) {
    const g = r.method === 'finetune' || r.method === 'pretrained_only' || r.method === 'recommended' ? `${r.method}|${r.source}` : r.method
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
  const classes = input.records[0]?.classes.length ?? 0
  const chance = classes ? 1 / classes : null
  if (input.summary.length)
    plots.push({
      title:
        `Learning curves: UAR against labelled target clips per class (mean and 95% interval; dashed line: ` +
        `chance${chance === null ? '' : ` ${(100 * chance).toFixed(1)}%`})`,
      svg: await renderSvg(learningCurveSpec(input.summary, input.shots, chance)),
    })
  for (const c of input.claims) {
    if (c.effect === null) continue
    plots.push({ title: `Effect with 95% interval per shots value: ${c.claim}`, svg: await renderSvg(claimBarsSpec(c)) })
  }
  for (const row of confusionChoices(input.summary)) {
    const recs = input.records.filter((r) => configKey(r) === row.key)
    if (!recs.length) continue
    const conf = recs.reduce((acc, r) => addConfusion(acc, r.confusion), {} as Record<string, Record<string, number>>)
    const title = `${
      row.method === 'finetune'
        ? `${row.source}, ${row.pretrain_loss} -> ${row.finetune_loss}, frozen ${row.frozen}`
        : row.method === 'pretrained_only'
          ? `${row.source}, ${row.pretrain_loss}, not fine-tuned`
          : row.method === 'target_only'
            ? `target only, ${row.finetune_loss}`
            : row.method === 'recommended'
              ? `${row.source}, ${row.pretrain_loss}, recommended recipe`
              : 'softmax'
    }, ${row.shots} shots (UAR ${(100 * row.uar.mean).toFixed(1)}%)`
    plots.push({ title: `Confusion matrix (summed over folds x seeds): ${title}`, svg: await renderSvg(confusionSpec(title, recs[0].classes, conf)) })
  }
  if (input.curves.length)
    plots.push({ title: 'Pre-training curves (per loss, each on its own scale)', svg: await renderSvg(pretrainCurveSpec(input.curves, chance)) })
  if (input.embedding?.points.length)
    plots.push({ title: `Embedding map: ${input.embedding.title} (${input.embedding.method})`, svg: await renderSvg(embeddingSpec(input.embedding)) })
  return plots
}
