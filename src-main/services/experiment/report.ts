/**
 * report.html: one self-contained file (inline CSS and SVG; no scripts, no external
 * resources), readable offline: what was run, on which data, the plain verdicts on the
 * paper's two claims with the numbers behind them, the summary table and the plots.
 */
import type { ClaimResult, ExperimentConfig, ResultRecord, SummaryRow } from '../../../src-shared/contract/experiments'
import type { Plot } from './plots'
import { methodLabel } from './results'

export interface RunMeta {
  classes: string[]
  datasets: { name: string; role: 'source' | 'target'; dataset: string; clips: number; speakers: number }[]
  folds: { fold: number; speakers: string[] }[]
  backend: string
  createdAt: string
  finishedAt: string | null
  notes: string[]
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
const pct = (v: number) => (100 * v).toFixed(1)
const pp = (v: number) => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}`

/** The two claims as plain sentences (also printed by the CLI). */
export function claimsText(claims: ClaimResult[]): string {
  return claims.map((c, i) => `Claim ${i + 1} (${c.claim}): ${c.verdict.toUpperCase()}. ${c.explanation}`).join('\n')
}

function claimHtml(c: ClaimResult, i: number): string {
  const colour = { supported: '#0a7d32', 'not supported': '#b00020', inconclusive: '#8a6d00', 'not testable': '#555' }[c.verdict]
  const rows = c.details.map((d) => `<tr><td>${esc(d.label)}</td><td class="n">${d.label.startsWith('fraction') ? pct(d.value) + ' %' : d.label.includes(' - ') ? pp(d.value) : pct(d.value)}</td></tr>`).join('')
  return `<section class="claim"><h3>Claim ${i + 1}: ${esc(c.claim)}</h3>
<p class="verdict" style="color:${colour}">This run: <b>${esc(c.verdict)}</b>.</p>
<p>${esc(c.explanation)}</p>
${c.ci ? `<p>Effect ${pp(c.effect!)} UAR points, sd over units ${pct(c.sd ?? 0)}, 95% bootstrap interval [${pp(c.ci[0])}, ${pp(c.ci[1])}], ${c.units} fold x seed units.</p>` : ''}
<p class="rule">Decision rule: ${esc(c.rule)}</p>
${rows ? `<table class="small"><tbody>${rows}</tbody></table>` : ''}</section>`
}

function summaryHtml(rows: SummaryRow[]): string {
  const s = (x: { mean: number; sd: number }) => `${pct(x.mean)} ± ${pct(x.sd)}`
  const body = rows
    .map((r) => `<tr><td>${esc(methodLabel(r))}</td><td>${esc(r.loss ?? '-')}</td><td class="n">${r.frozen ?? '-'}</td><td class="n">${r.shots}</td><td class="n">${s(r.accuracy)}</td><td class="n">${s(r.uar)}</td><td class="n">${s(r.macro_f1)}</td><td class="n">${r.uar.n}</td></tr>`)
    .join('\n')
  return `<table><thead><tr><th>method</th><th>loss</th><th>frozen layers</th><th>shots / class</th><th>accuracy %</th><th>UAR %</th><th>macro-F1 %</th><th>runs</th></tr></thead><tbody>${body}</tbody></table>`
}

export function renderReport(input: { config: ExperimentConfig; records: ResultRecord[]; summary: SummaryRow[]; claims: ClaimResult[]; plots: Plot[]; meta: RunMeta }): string {
  const { config, meta } = input
  const chance = 1 / meta.classes.length
  const datasets = meta.datasets.map((d) => `<li>${esc(d.role)} <b>${esc(d.name)}</b>: dataset ${esc(d.dataset)}, ${d.clips} clips of the chosen classes, ${d.speakers} speakers</li>`).join('')
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
<p>Sources ${esc(config.sources.map((s) => s.name).join(', '))}; target ${esc(config.target.name)}; model ${esc(config.model)}; losses ${esc(config.losses.join(', '))}; frozen layers ${esc(config.frozen.join(', '))}; shots per class ${esc(config.shots.join(', '))}; ${config.folds} folds x ${config.seeds} seeds; ${input.records.length} evaluations. Backend ${esc(meta.backend)}. Started ${esc(meta.createdAt)}${meta.finishedAt ? `, finished ${esc(meta.finishedAt)}` : ' (unfinished)'}.</p>
<h2>What this run says about the paper's claims</h2>
${input.claims.map(claimHtml).join('\n')}
<h2>Data and evaluation protocol</h2>
<ul>${datasets}</ul>
<p>Classes (${meta.classes.length}, chance UAR ${pct(chance)} %): ${esc(meta.classes.join(', '))}. ${config.classes === 'common' ? 'These are the classes that the target and every source share (the default); clips of other classes are left out of pre-training, fine-tuning and testing.' : config.classes === 'all' ? 'All classes of the target were used (the fine-tuned models enrol classes a source may lack).' : 'The classes were given explicitly.'}</p>
<p><b>Speaker-independent evaluation.</b> The target's speakers are split into ${config.folds} folds (every speaker in exactly one fold, balanced in emotion counts). For fold k the test set is every clip of fold k's speakers; the support / fine-tuning clips (K per class, drawn with the seed) come only from the other folds' speakers, so no speaker is in both. Every record in results.json lists its train and test speakers.</p>
<ul>${folds}</ul>
<p>Methods: <b>fine-tuned</b> = pre-trained on the source with the given loss, fine-tuned on the K support clips per class with the first N layers frozen, classified by the nearest class prototype of the support embeddings; <b>target only</b> = the same network and loss trained on the support clips alone; <b>softmax</b> = a plain softmax classifier (same hidden layers) on the same features and support clips. Metrics: accuracy, UAR (unweighted average recall) and macro-F1 over the test clips, mean ± sample sd over folds x seeds.</p>
${meta.notes.length ? `<ul>${meta.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
<h2>Summary</h2>
${summaryHtml(input.summary)}
<h2>Plots</h2>
${plots}
</body></html>
`
}
