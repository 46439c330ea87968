/**
 * report.html: one self-contained file (inline CSS and SVG; no scripts, no external
 * resources), readable offline: the headline, the three-way verdicts per shots value
 * with their intervals, every loss side by side, how the losses were tuned, what was
 * run on which data, the summary table and the plots. Cites docs/method.md.
 */
import type {
  ClaimResult,
  ExperimentConfig,
  Headline,
  LossRow,
  LossTuning,
  PretrainRecord,
  RecommendedSummary,
  ResultRecord,
  SummaryRow,
} from '../../../src-shared/contract/experiments'
import type { Plot } from './plots'
import { claimHtml, esc, lossTableHtml, pct, pretrainHtml, summaryHtml, tuningHtml } from './report-tables'
import { recommendedHtml } from './report-recommended'
import { finetuneLossesOf, pretrainLossesOf } from './grid'
import { trainingHealth, trainingHealthHtml } from './training-health'

export interface RunMeta {
  classes: string[]
  datasets: { name: string; role: 'source' | 'target'; dataset: string; clips: number; speakers: number }[]
  folds: { fold: number; speakers: string[] }[]
  backend: string
  createdAt: string
  finishedAt: string | null
  /** How each loss's hyper-parameters were chosen (results.json meta.losses). */
  losses: LossTuning[]
  notes: string[]
}

/** The verdicts as plain sentences (also printed by the CLI). */
export function claimsText(claims: ClaimResult[], head?: Headline, recommended?: RecommendedSummary): string {
  return [
    ...(head ? [head.text] : []),
    ...claims.map((c, i) => `${i + 1}. ${c.claim} ${c.verdict.toUpperCase()}${c.reason ? ` (${c.reason})` : ''}. ${c.explanation}`),
    ...(recommended?.variants.length ? [`Recommended recipe: ${recommended.text}`] : []),
  ].join('\n')
}

/** A run's records and what is computed from them (finish.ts): the tables, verdicts and plots of the report and the Experiments view. */
export interface RunTables {
  records: ResultRecord[]
  summary: SummaryRow[]
  claims: ClaimResult[]
  losses: LossRow[]
  headline: Headline
  /** The recommended arm's choices and margins (recommended.ts). */
  recommended: RecommendedSummary
  plots: Plot[]
}

export interface ReportInput extends RunTables {
  config: ExperimentConfig
  pretraining: PretrainRecord[]
  meta: RunMeta
  tasks: { done: number; total: number }
}

export function renderReport(input: ReportInput): string {
  const { config, meta } = input
  const chance = 1 / meta.classes.length
  const datasets = meta.datasets
    .map((d) => `<li>${esc(d.role)} <b>${esc(d.name)}</b>: dataset ${esc(d.dataset)}, ${d.clips} clips of the chosen classes, ${d.speakers} speakers</li>`)
    .join('')
  const folds = meta.folds.map((f) => `<li>fold ${f.fold}: ${f.speakers.map(esc).join(', ')}</li>`).join('')
  const plots = input.plots.map((p) => `<figure><figcaption>${esc(p.title)}</figcaption>${p.svg}</figure>`).join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Experiment report: ${esc(config.sources.map((s) => s.name).join(', '))} -> ${esc(config.target.name)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #ddd}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:3px 7px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
table.small td{font-size:12px}.claim{border-left:4px solid #ccc;padding-left:1em;margin:1em 0}.verdict{font-size:1.15em}
.rule{color:#555;font-size:12px}figure{margin:1.5em 0}figcaption{font-weight:600;margin-bottom:.3em}svg{max-width:100%;height:auto}
</style></head><body>
<h1>Siamese transfer learning for speech emotion recognition: experiment report</h1>
<p>Sources ${esc(config.sources.map((s) => s.name).join(', '))}; target ${esc(config.target.name)}; model ${esc(config.model)}; ` +
  `pre-training losses ${esc(pretrainLossesOf(config).join(', '))} x fine-tuning losses ${esc(finetuneLossesOf(config).join(', '))}; ` +
  `${config.pretrainSeeds} pre-training seed(s); frozen layers ${esc(config.frozen.join(', '))}; shots per class ${esc(config.shots.join(', '))}; ` +
  `${config.folds} folds x ${config.seeds} support draws; ${input.records.length} evaluations (${input.tasks.done} of ${input.tasks.total} tasks ` +
  `done${input.tasks.done < input.tasks.total ? ': PARTIAL RESULTS' : ''}). Backend ${esc(meta.backend)}. ` +
  `Started ${esc(meta.createdAt)}${meta.finishedAt ? `, merged ${esc(meta.finishedAt)}` : ' (unfinished)'}.</p>
<p class="headline"><b>${esc(input.headline.text)}</b></p>
<h2>Verdicts</h2>
<p>Method, loss formulas and verdict rules: docs/method.md in the repository. Every interval is a 95% crossed bootstrap: ` +
  `speaker folds resampled, pre-trained bases resampled once per replicate and shared by every fold, support draws resampled within their fold; ` +
  `no interval rests on fewer than 5 folds or bases (the values per fold or base are shown instead). ` +
  `A supported or contradicted verdict needs both bounds at least 0.05 UAR points from 0. Chance UAR is ${pct(chance)} %.</p>
${input.claims.map(claimHtml).join('\n')}
<h2>The recommended recipe</h2>
${recommendedHtml(input.recommended, config)}
<h2>Every loss side by side</h2>
${lossTableHtml(input.losses)}
<h2>How the losses were tuned</h2>
${tuningHtml(meta.losses ?? [])}
<h2>Pre-trained bases</h2>
${pretrainHtml(input.pretraining)}
<h2>Did training train?</h2>
${trainingHealthHtml(trainingHealth(input.records, input.pretraining))}
<h2>Data and evaluation protocol</h2>
<ul>${datasets}</ul>
<p>Classes (${meta.classes.length}, chance UAR ${pct(chance)} %): ${esc(meta.classes.join(', '))}. ${
    config.classes === 'common'
      ? 'These are the classes that the target and every source share (the default); clips of other classes are left out of pre-training, ' +
        'fine-tuning and testing.'
      : config.classes === 'all'
        ? 'All classes of the target were used (the fine-tuned models enrol classes a source may lack).'
        : 'The classes were given explicitly.'
  }</p>
<p><b>Speaker-independent evaluation.</b> The target's speakers are split into ${config.folds} folds (every speaker in exactly one fold, ` +
  `balanced in emotion counts). For fold k the test set is every clip of fold k's speakers; the support / fine-tuning clips (K per class, ` +
  `drawn with the seed) come only from the other folds' speakers, so no speaker is in both. ` +
  `Every record in results.json lists the speakers of each role: the source's pre-training, early-stopping validation and tuning speakers, ` +
  `and the target's support and test speakers.</p>
<ul>${folds}</ul>
<p>Arms: <b>fine-tuned</b> = a base pre-trained on the source with the pre-training loss, ` +
  `fine-tuned on the K support clips per class with the fine-tuning loss and the first N layers frozen, ` +
  `classified by the nearest class prototype of the support embeddings; <b>pre-trained only</b> = the same base unchanged, ` +
  `prototypes of the same support clips; <b>recommended</b> = the same base with the recipe (unchanged, ` +
  `or fine-tuned with one of the fine-tuning losses and frozen settings) chosen by cross-validation over the fold's support speakers only; ` +
  `<b>target only</b> = the same network trained with the loss on the support clips alone; ` +
  `<b>softmax</b> = a plain softmax classifier (same hidden layers) on the same features and support clips. Metrics: accuracy, ` +
  `UAR (unweighted average recall) and macro-F1 over the test clips, mean and 95% interval.</p>
${meta.notes.length ? `<ul>${meta.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
<h2>Summary</h2>
${summaryHtml(input.summary)}
<h2>Plots</h2>
${plots}
</body></html>
`
}
