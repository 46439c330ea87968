/**
 * Whether training trained: per arm, how many fine-tunes (and, per source x loss, how many
 * pre-trained bases) stopped training (an epoch whose active_fraction fell to <= 0.01: the loss no
 * longer moves the network), and which bases early stopping kept at their first epoch.
 * Written to results.json (`training`) and the report.
 */
import type { PretrainRecord, ResultRecord } from '../../../src-shared/contract/experiments'
import { STOPPED_ACTIVE } from '../model/train-callbacks'
import { esc } from './report-tables'
import { methodLabel } from './results'

export interface StoppedRow {
  /** "fine-tuned from cremad, distance -> contrastive, frozen 1" or "base cremad, distance". */
  arm: string
  kind: 'arm' | 'base'
  stopped: number
  n: number
  /** Per shots value (arms), e.g. { "1": [3, 8] }: stopped of n. */
  byShots: Record<string, [number, number]>
}

export interface TrainingHealth {
  threshold: number
  rows: StoppedRow[]
  /** Arms (and base groups) that stopped training in more than 10% of their records. */
  flagged: string[]
  /** Bases whose best validation epoch was the first. */
  bestEpochOne: string[]
}

export const stoppedTraining = (diagnostics: { active_fraction: number }[]) => diagnostics.some((d) => d.active_fraction <= STOPPED_ACTIVE)

function armOf(r: ResultRecord): string {
  const losses = r.method === 'finetune' ? `, ${r.pretrain_loss} -> ${r.finetune_loss}, frozen ${r.frozen}` : r.finetune_loss ? `, ${r.finetune_loss}` : ''
  return `${methodLabel(r)}${losses}`
}

export function trainingHealth(records: ResultRecord[], bases: PretrainRecord[]): TrainingHealth {
  const rows = new Map<string, StoppedRow>()
  const add = (arm: string, kind: StoppedRow['kind'], stopped: boolean, shots: string | null) => {
    const row = rows.get(arm) ?? { arm, kind, stopped: 0, n: 0, byShots: {} }
    row.n++
    if (stopped) row.stopped++
    if (shots !== null) {
      const s = (row.byShots[shots] ??= [0, 0])
      s[1]++
      if (stopped) s[0]++
    }
    rows.set(arm, row)
  }
  for (const r of records) if (r.diagnostics.length) add(armOf(r), 'arm', stoppedTraining(r.diagnostics), String(r.shots))
  for (const b of bases) add(`base ${b.source}, ${b.pretrain_loss}`, 'base', stoppedTraining(b.diagnostics), null)
  const all = [...rows.values()]
  return {
    threshold: STOPPED_ACTIVE,
    rows: all,
    flagged: all.filter((r) => r.stopped > 0.1 * r.n).map((r) => r.arm),
    bestEpochOne: bases.filter((b) => b.best_epoch === 1).map((b) => `${b.source}, ${b.pretrain_loss}, seed ${b.pretrain_seed}`),
  }
}

export function trainingHealthHtml(h: TrainingHealth): string {
  if (!h.rows.length) return '<p>No training records.</p>'
  const body = h.rows
    .map((r) => {
      const shots = Object.entries(r.byShots).map(([k, [s, n]]) => `${k} shots: ${s} of ${n}`).join('; ')
      const flag = r.stopped > 0.1 * r.n ? ' style="color:#b00020;font-weight:600"' : ''
      return `<tr><td>${esc(r.arm)}</td><td class="n"${flag}>stopped training: ${r.stopped} of ${r.n}</td><td>${esc(shots || '–')}</td></tr>`
    })
    .join('')
  const flagged = h.flagged.length
    ? `<p><b>Stopped training in more than 10% of records:</b> ${h.flagged.map(esc).join('; ')}.</p>`
    : '<p>No arm or base stopped training in more than 10% of its records.</p>'
  const one = h.bestEpochOne.length
    ? `<p><b>Bases whose best validation epoch was the first</b> (early stopping kept an almost untrained network): ${h.bestEpochOne.map(esc).join('; ')}.</p>`
    : ''
  return `<p>A training run "stopped training" when an epoch's active fraction (the share of anchors or pairs with a gradient) ` +
    `fell to ${h.threshold} or below.</p>
${flagged}${one}<table class="small"><thead><tr><th>arm</th><th>records</th><th>per shots value</th></tr></thead><tbody>${body}</tbody></table>`
}
