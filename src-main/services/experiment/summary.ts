/**
 * From records to what a reader compares: one summary row per configuration (mean, sd,
 * n and a crossed-bootstrap 95% interval of each metric, none over fewer than 5 folds or bases), the per-loss table (every
 * loss side by side at each shots value, ranked) and the headline (the best variant
 * overall and whether any Siamese variant beats the softmax baseline).
 */
import type { Headline, LossRow, ResultRecord, Shots, Stat, SummaryRow } from '../../../src-shared/contract/experiments'
import type { LossName } from '../../../src-shared/losses'
import { intervalOrNone, weightedMean, type Weighted } from './bootstrap'
import { effects, pairs, pp, recordLevels as lv, siameseVsSoftmax } from './claims'
import { configKey } from './grid'
import { mean, sd } from './metrics'
import { variantKey, variantLabel } from './variants'

/** A mean with its crossed-bootstrap interval, or, over fewer than 5 folds (or bases), its value per fold (or base) and why there is no interval. */
export function statOf(rs: ResultRecord[], f: (r: ResultRecord) => number, seed = 'stat', stat?: (s: Weighted<ResultRecord>[]) => number): Stat {
  const v = rs.map(f)
  const b = intervalOrNone(rs, lv, stat ?? weightedMean(f), { resamples: 1000, seed, needsBases: rs.some((r) => r.pretrain_seed !== null) })
  const out: Stat = { mean: rs.length ? b.estimate : NaN, sd: sd(v), n: v.length, ci: b.ci, note: b.tooFew }
  if (b.tooFew) {
    const byFold = b.units.folds < 5
    const unit = (r: ResultRecord) => (byFold ? `fold ${r.fold}` : `${r.source}, ${r.pretrain_loss}, seed ${r.pretrain_seed}`)
    const keys = [...new Set(rs.map(unit))].sort()
    out.perUnit = keys.map((k) => ({ unit: k, value: mean(rs.filter((r) => unit(r) === k).map(f)) }))
  }
  return out
}

const METHOD_ORDER = { softmax: 0, target_only: 1, pretrained_only: 2, finetune: 3, recommended: 4 } as const
const shotsNum = (s: Shots) => (s === 'all' ? Infinity : s)

type ConfigFields = Pick<SummaryRow, 'method' | 'source' | 'pretrain_loss' | 'finetune_loss' | 'frozen' | 'shots'>
export function compareConfig(a: ConfigFields, b: ConfigFields): number {
  return (
    METHOD_ORDER[a.method] - METHOD_ORDER[b.method] ||
    (a.source ?? '').localeCompare(b.source ?? '') ||
    (a.pretrain_loss ?? '').localeCompare(b.pretrain_loss ?? '') ||
    (a.finetune_loss ?? '').localeCompare(b.finetune_loss ?? '') ||
    (a.frozen ?? -1) - (b.frozen ?? -1) ||
    shotsNum(a.shots) - shotsNum(b.shots)
  )
}

export function sortRecords(records: ResultRecord[]): ResultRecord[] {
  return [...records].sort((a, b) => compareConfig(a, b) || (a.pretrain_seed ?? 0) - (b.pretrain_seed ?? 0) || a.fold - b.fold || a.seed - b.seed)
}

/** One row per configuration, over pre-training seeds x folds x support draws. */
export function aggregate(records: ResultRecord[]): SummaryRow[] {
  const groups = new Map<string, ResultRecord[]>()
  for (const r of records) groups.set(configKey(r), [...(groups.get(configKey(r)) ?? []), r])
  return [...groups.entries()]
    .map(([key, g]) => ({
      key,
      method: g[0].method,
      source: g[0].source,
      pretrain_loss: g[0].pretrain_loss,
      finetune_loss: g[0].finetune_loss,
      frozen: g[0].frozen,
      shots: g[0].shots,
      accuracy: statOf(g, (r) => r.accuracy, `acc-${key}`),
      uar: statOf(g, (r) => r.uar, `uar-${key}`),
      macro_f1: statOf(g, (r) => r.macro_f1, `f1-${key}`),
    }))
    .sort(compareConfig)
}

/** Every loss side by side at each shots value: fine-tuned (the loss in both phases), pre-trained only, target only, and the paired difference to softmax. */
export function lossTable(records: ResultRecord[], shots: Shots[]): LossRow[] {
  const losses = [...new Set(records.flatMap((r) => [r.pretrain_loss, r.finetune_loss]).filter((l): l is LossName => l !== null))]
  const rows: LossRow[] = []
  for (const k of shots) {
    const at = records.filter((r) => r.shots === k)
    const forLoss = losses.map((loss) => {
      const same = at.filter((r) => r.method === 'finetune' && r.pretrain_loss === loss && r.finetune_loss === loss)
      const ft = same.length ? same : at.filter((r) => r.method === 'finetune' && r.finetune_loss === loss)
      const po = at.filter((r) => r.method === 'pretrained_only' && r.pretrain_loss === loss)
      const to = at.filter((r) => r.method === 'target_only' && r.finetune_loss === loss)
      const ftKeys = new Set(ft.map((r) => `${r.source}|${r.pretrain_loss}|${r.finetune_loss}|${r.frozen}|${r.pretrain_seed}|${r.fold}|${r.seed}`))
      const ps = pairs(
        at,
        (r) => r.method === 'finetune' && ftKeys.has(`${r.source}|${r.pretrain_loss}|${r.finetune_loss}|${r.frozen}|${r.pretrain_seed}|${r.fold}|${r.seed}`),
        (r) => r.method === 'softmax',
        () => '',
      )
      const vs = ps.length ? effects(ps, [k], true, 'no softmax baseline').perShots[0] : null
      return {
        loss, shots: k,
        finetune: ft.length ? statOf(ft, (r) => r.uar, `loss-ft-${loss}-${k}`) : null,
        pretrained_only: po.length ? statOf(po, (r) => r.uar, `loss-po-${loss}-${k}`) : null,
        target_only: to.length ? statOf(to, (r) => r.uar, `loss-to-${loss}-${k}`) : null,
        vs_softmax: vs,
        rank: null as number | null,
      }
    })
    const ranked = forLoss.filter((r) => r.finetune).sort((a, b) => b.finetune!.mean - a.finetune!.mean)
    ranked.forEach((r, i) => (r.rank = i + 1))
    rows.push(...forLoss)
  }
  return rows
}

const pct = (v: number) => (100 * v).toFixed(1)
const ci = (c: [number, number] | null, f: (v: number) => string, note?: string | null) => (c ? `[${f(c[0])}, ${f(c[1])}]` : `[no interval: ${note ?? 'none'}]`)

/** The best variant by UAR pooled over shots values, and whether any Siamese variant beats softmax. */
export function headline(records: ResultRecord[], shots: Shots[], chance: number | null): Headline {
  if (!records.length) return { text: 'No evaluations yet.', best: null, siameseBeatsSoftmax: false }
  const keys = [...new Set(records.map(variantKey))]
  const pooled = (rs: ResultRecord[]) => {
    const s = (smp: { item: ResultRecord; w: number }[]) => {
      const means = shots.map((k) => weightedMean((r: ResultRecord) => r.uar)(smp.filter((x) => x.item.shots === k))).filter(Number.isFinite)
      return means.length ? mean(means) : NaN
    }
    return statOf(rs, (r) => r.uar, 'headline', s)
  }
  const ranked = keys
    .map((key) => ({ key, rs: records.filter((r) => variantKey(r) === key) }))
    .map((v) => ({ ...v, uar: pooled(v.rs) }))
    .sort((a, b) => b.uar.mean - a.uar.mean)
  const best = ranked[0]
  const label = variantLabel(best.rs[0])
  const vs = siameseVsSoftmax(records, shots)
  const beats = vs.claim.verdict === 'supported'
  const top = vs.variants.length ? [...vs.variants].sort((a, b) => (b.pooled.effect ?? -Infinity) - (a.pooled.effect ?? -Infinity))[0] : null
  const chanceText = chance === null ? '' : ` (chance ${pct(chance)}%)`
  const text = [
    `Best overall: ${label}, UAR ${pct(best.uar.mean)}% ${ci(best.uar.ci, pct, best.uar.note)} averaged over the shots values ` +
      `${shots.join(', ')}${chanceText}, n = ${best.uar.n} evaluations.`,
    top
      ? beats
        ? `A Siamese variant beats the softmax baseline: the best, ${top.label}, by ${pp(top.pooled.effect!)} UAR points ${ci(top.pooled.ci, pp)} (interval ` +
          `above 0; ${vs.variants.filter((v) => v.pooled.verdict === 'supported').length} of ${vs.variants.length} variants).`
        : `No Siamese variant is shown to beat the softmax baseline: the best, ${top.label}, ` +
          `differs by ${top.pooled.effect === null ? 'n/a' : pp(top.pooled.effect)} UAR points ${ci(top.pooled.ci, pp)} ` +
          `(${vs.claim.verdict}${vs.claim.reason ? `: ${vs.claim.reason}` : ''}).`
      : 'No softmax baseline to compare with.',
  ].join(' ')
  return { text, best: { label, key: best.key, uar: best.uar }, siameseBeatsSoftmax: beats }
}
