/**
 * The recommended arm in the results: for each source x pre-training loss, how often its
 * chooser made each choice at each shots value, and its margin over the best fixed arm,
 * per shots value, as a paired effect with the same bootstrap and verdict rule as every
 * claim (claims.ts `effects`). "Best fixed arm" is picked after the fact on the test folds
 * (the arm with the highest mean UAR at that shots value), which favours it: the margin is
 * a conservative measure of the recommendation.
 *   vsBestCandidate  against the best of the arms it chooses among (pre-trained only, and
 *                    every fine-tuning loss x frozen setting, on the same bases), paired on
 *                    the base, fold, support draw and shots
 *   vsBestOverall    against the best arm of the grid (any method, source or loss), paired
 *                    on fold, support draw, shots and the pre-training seed number
 */
import type { Effect, RecommendedSummary, RecommendedVariant, ResultRecord, Shots } from '../../../src-shared/contract/experiments'
import { effects, pairs } from './claims'
import { variantKey, variantLabel } from './variants'

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN)
const pp = (v: number) => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}`

/** The variant with the highest mean UAR among `rs` (records of one shots value). */
function bestVariant(rs: ResultRecord[]): { key: string; label: string; hasBase: boolean } | null {
  const by = new Map<string, ResultRecord[]>()
  for (const r of rs) by.set(variantKey(r), [...(by.get(variantKey(r)) ?? []), r])
  const ranked = [...by.entries()].map(([key, g]) => ({ key, g, m: mean(g.map((r) => r.uar)) })).sort((a, b) => b.m - a.m)
  return ranked.length ? { key: ranked[0].key, label: variantLabel(ranked[0].g[0]), hasBase: ranked[0].g[0].pretrain_seed !== null } : null
}

function margin(records: ResultRecord[], isRec: (r: ResultRecord) => boolean, pool: ResultRecord[], k: Shots): { best: string; effect: Effect } {
  const best = bestVariant(pool)
  if (!best) return { best: '–', effect: effects([], [k], true, 'no fixed arm to compare with').perShots[0] }
  const ps = pairs(records.filter((r) => r.shots === k), isRec, (r) => variantKey(r) === best.key, (r) => (best.hasBase ? String(r.pretrain_seed) : ''))
  return { best: best.label, effect: effects(ps, [k], true, `no ${best.label} records pair with the recommended arm`).perShots[0] }
}

export function recommendedSummary(records: ResultRecord[], shots: Shots[]): RecommendedSummary {
  const rec = records.filter((r) => r.method === 'recommended')
  const families = [...new Map(rec.map((r) => [`${r.source}|${r.pretrain_loss}`, { source: r.source!, pretrain_loss: r.pretrain_loss! }])).values()]
  const fixed = records.filter((r) => r.method !== 'recommended')
  const variants: RecommendedVariant[] = families.map((f) => {
    const mine = (r: ResultRecord) => r.source === f.source && r.pretrain_loss === f.pretrain_loss
    const isRec = (r: ResultRecord) => r.method === 'recommended' && mine(r)
    const choices = shots.map((k) => {
      const at = rec.filter((r) => isRec(r) && r.shots === k)
      const counts = new Map<string, number>()
      for (const r of at) counts.set(r.recipe?.label ?? 'unknown', (counts.get(r.recipe?.label ?? 'unknown') ?? 0) + 1)
      return {
        shots: k,
        n: at.length,
        counts: [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([label, n]) => ({ label, n })),
      }
    })
    const vsBestCandidate = shots.map((k) =>
      margin(
        records,
        isRec,
        fixed.filter((r) => r.shots === k && mine(r) && (r.method === 'finetune' || r.method === 'pretrained_only')),
        k,
      ),
    )
    const vsBestOverall = shots.map((k) => margin(records, isRec, fixed.filter((r) => r.shots === k), k))
    const label = variantLabel(rec.find(isRec)!)
    const worse = vsBestCandidate.some((m) => m.effect.verdict === 'contradicted')
    return {
      ...f,
      label,
      choices,
      vsBestCandidate,
      vsBestOverall,
      neverWorse: worse ? false : vsBestCandidate.every((m) => m.effect.ci !== null) ? true : null,
    }
  })
  if (!variants.length) return { text: 'No recommended arm in this grid (it runs unless --no-recommended).', variants }
  const ci = (e: Effect) => (e.ci ? `[${pp(e.ci[0])}, ${pp(e.ci[1])}]` : '[no interval]')
  const text = variants
    .map((v) => {
      const per = v.vsBestCandidate
        .map((m, i) => `${shots[i]} shots ${m.effect.effect === null ? 'n/a' : pp(m.effect.effect)} ${ci(m.effect)} vs ${m.best}`)
        .join('; ')
      const verdict =
        v.neverWorse === true
          ? 'never significantly worse than the best fixed arm it chooses among'
          : v.neverWorse === false
            ? 'SIGNIFICANTLY WORSE than the best fixed arm at some shots value'
            : `cannot tell whether it is worse than the best fixed arm (${v.vsBestCandidate.find((m) => m.effect.ci === null)?.effect.reason ?? 'no interval'})`
      return `${v.label}: ${verdict} (UAR points, recommended minus best: ${per}).`
    })
    .join(' ')
  return { text, variants }
}
