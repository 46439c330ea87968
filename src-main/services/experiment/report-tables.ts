/** The report's HTML tables: verdicts per shots, the per-loss table, tuning, pre-training and the summary. */
import type { ClaimResult, Effect, LossRow, LossTuning, PretrainRecord, Stat, SummaryRow } from '../../../src-shared/contract/experiments'
import { methodLabel } from './results'
import { VERDICT_COLOURS } from '../../../src-shared/verdicts'

export const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
export const pct = (v: number) => (100 * v).toFixed(1)
export { pp } from './claims'
import { pp } from './claims'
const ci = (c: [number, number] | null, f: (v: number) => string) => (c ? `[${f(c[0])}, ${f(c[1])}]` : '–')
/** A mean with its interval, or, with too few units, its value per unit and why there is no interval. */
export const stat = (s: Stat | null) =>
  !s
    ? '–'
    : s.ci || !s.note
      ? `${pct(s.mean)} ${ci(s.ci, pct)}`
      : `${pct(s.mean)} (${esc(s.note)}; ${(s.perUnit ?? []).map((u) => `${esc(u.unit)}: ${pct(u.value)}`).join(', ')})`
export const VERDICT_COLOUR = VERDICT_COLOURS

function effectCells(e: Effect | null): string {
  if (!e || e.effect === null) return `<td class="n">–</td><td class="n">–</td><td>${esc(e?.reason ?? 'n/a')}</td>`
  return (
    `<td class="n">${pp(e.effect)}</td><td class="n">${ci(e.ci, pp)}</td>` +
    `<td style="color:${VERDICT_COLOUR[e.verdict]}">${esc(e.verdict)}${e.reason ? ` (${esc(e.reason)})` : ''}</td>`
  )
}

export function claimHtml(c: ClaimResult, i: number): string {
  const per = [
    ...c.perShots,
    { shots: 'pooled' as const, effect: c.effect, ci: c.ci, units: c.units, verdict: c.verdict, reason: c.reason, variant: c.variant ?? null },
  ]
  const rows = per
    .map(
      (e) =>
        `<tr><td>${esc(e.shots)}${e.variant ? `: ${esc(e.variant)}` : ''}</td>${effectCells(e)}<td class="n">${e.units.folds} x ${e.units.bases} x ` +
        `${e.units.supportDraws} (${e.units.pairs})</td></tr>`,
    )
    .join('')
  const details = c.details
    .map(
      (d) =>
        `<tr><td>${esc(d.label)}</td>` +
        `<td class="n">${d.label.startsWith('fraction') ? pct(d.value) + ' %' : d.label.includes(' - ') ? pp(d.value) : pct(d.value)}</td></tr>`,
    )
    .join('')
  return `<section class="claim"><h3>${i + 1}. ${esc(c.claim)}</h3>
<p class="verdict" style="color:${VERDICT_COLOUR[c.verdict]}">This run: <b>${esc(c.verdict)}</b>${c.reason ? ` (${esc(c.reason)})` : ''}.</p>
<p>${esc(c.explanation)}</p>
<table class="small"><thead><tr><th>shots / class</th><th>effect, UAR points</th><th>95% interval</th><th>verdict</th>` +
    `<th>folds x pre-trained bases x support draws (pairs)</th></tr></thead><tbody>${rows}</tbody></table>
<p class="rule">Decision rule: ${esc(c.rule)}</p>
${details ? `<table class="small"><tbody>${details}</tbody></table>` : ''}</section>`
}

export function lossTableHtml(rows: LossRow[]): string {
  if (!rows.length) return '<p>No loss in this grid.</p>'
  const body = rows
    .map(
      (r) =>
        `<tr><td class="n">${r.shots}</td><td class="n">${r.rank ?? '–'}</td><td><b>${esc(r.loss)}</b></td><td class="n">${stat(r.finetune)}</td>` +
        `<td class="n">${stat(r.pretrained_only)}</td><td class="n">${stat(r.target_only)}</td>${effectCells(r.vs_softmax)}` +
        `<td class="n">${r.finetune?.n ?? 0}</td></tr>`,
    )
    .join('\n')
  return (
    `<table><thead><tr><th>shots</th><th>rank</th><th>loss</th><th>fine-tuned UAR % [95% CI]</th><th>pre-trained only</th><th>target only</th>` +
    `<th>fine-tuned - softmax</th><th>interval</th><th>verdict</th><th>n</th></tr></thead><tbody>${body}</tbody></table>`
  )
}

export function tuningHtml(losses: LossTuning[]): string {
  if (!losses.length) return '<p>No tuning results.</p>'
  const body = losses
    .map(
      (t) =>
        `<tr><td>${esc(t.source)}</td><td>${esc(t.loss)}</td><td class="n">${t.chosen.margin}</td><td class="n">${t.chosen.temperature}</td>` +
        `<td class="n">${t.chosen.learningRate}</td><td class="n">${t.trials.length} of ${t.budget}</td><td>${esc(t.note ?? '–')}</td>` +
        `<td>${esc(t.criterion)}</td><td class="n">${t.trainSpeakers.length + t.heldOutSpeakers.length}</td></tr>`,
    )
    .join('')
  return (
    `<table class="small"><thead><tr><th>source</th><th>loss</th><th>margin</th><th>temperature</th><th>learning rate</th><th>trials</th>` +
    `<th>conclusion</th><th>how chosen</th><th>tuning speakers</th></tr></thead><tbody>${body}</tbody></table>`
  )
}

export function pretrainHtml(rs: PretrainRecord[]): string {
  if (!rs.length) return '<p>No pre-trained bases.</p>'
  const last = (r: PretrainRecord) => r.diagnostics[r.diagnostics.length - 1]
  const body = rs
    .map(
      (r) =>
        `<tr><td>${esc(r.source)}</td><td>${esc(r.pretrain_loss)}</td><td class="n">${r.pretrain_seed}</td><td class="n">${r.epochs}</td>` +
        `<td class="n">${r.best_epoch ?? '–'}</td>` +
        `<td class="n">${
          r.early_stopping ? `${r.early_stopping.min_epochs} / ${r.early_stopping.patience} / ${r.early_stopping.validation_clips}` : '–'
        }</td>` +
        `<td class="n">${r.val_accuracy === null ? '–' : pct(r.val_accuracy)}</td>` +
        `<td class="n">${last(r) ? last(r).active_fraction.toFixed(2) : '–'}</td>` +
        `<td class="n">${last(r) ? last(r).weight_change.toFixed(3) : '–'}</td>` +
        `<td class="n">${r.speakers.pretrain.length} / ${r.speakers.validation.length} / ${r.speakers.tuning.length}</td></tr>`,
    )
    .join('')
  return (
    `<table class="small"><thead><tr><th>source</th><th>loss</th><th>seed</th><th>epochs</th><th>best epoch</th>` +
    `<th>min epochs / patience / validation clips</th><th>validation prototype accuracy %</th><th>active fraction (last epoch)</th><th>weight change</th>` +
    `<th>speakers pre-train / validation / tuning</th></tr></thead><tbody>${body}</tbody></table>`
  )
}

export function summaryHtml(rows: SummaryRow[]): string {
  const body = rows
    .map(
      (r) =>
        `<tr><td>${esc(methodLabel(r))}</td><td>${esc(r.pretrain_loss ?? '–')}</td><td>${esc(r.finetune_loss ?? '–')}</td>` +
        `<td class="n">${r.frozen ?? '–'}</td><td class="n">${r.shots}</td><td class="n">${stat(r.accuracy)}</td><td class="n">${stat(r.uar)}</td>` +
        `<td class="n">${stat(r.macro_f1)}</td><td class="n">${r.uar.n}</td></tr>`,
    )
    .join('\n')
  return (
    `<table><thead><tr><th>method</th><th>pre-training loss</th><th>fine-tuning loss</th><th>frozen layers</th><th>shots / class</th>` +
    `<th>accuracy % [95% CI]</th><th>UAR % [95% CI]</th><th>macro-F1 % [95% CI]</th><th>n</th></tr></thead><tbody>${body}</tbody></table>`
  )
}
