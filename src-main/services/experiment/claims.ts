/**
 * The paper's claims and the comparisons around them, as paired effects on this run's
 * records (docs/method.md, "Verdicts"). A pair is two records on the same target fold,
 * support draw and shots (and the same base where both have one); its effect is the UAR
 * difference. Intervals: crossed bootstrap (bootstrap.ts). Every effect is given per
 * shots value and pooled over the shots values (each weighted equally).
 *   distance-loss           finetune(finetune_loss distance) - finetune(contrastive), same base and frozen
 *   finetune-vs-pretrained  finetune - pretrained_only on the same base (what fine-tuning adds)
 *   siamese-vs-softmax      each Siamese variant - softmax; supported if any variant's interval lies above 0
 *   source-vs-frozen        range of mean UAR over sources - range over frozen settings
 */
import type { ClaimResult, Effect, ResultRecord, Shots } from '../../../src-shared/contract/experiments'
import { crossedBootstrap, tooFew, verdictOf, weightedMean, type BootstrapResult, type Levels, type Weighted } from './bootstrap'
import { MIN_INTERVAL_UNITS } from '../../../src-shared/units'
import { variantKey, variantLabel } from './variants'

export interface Pair {
  a: ResultRecord
  b: ResultRecord
  d: number
}

/** The pre-trained base of a record ('source|pretrain_loss|seed'), or null for arms without one. */
export const baseOf = (r: ResultRecord): string | null => (r.pretrain_seed === null ? null : `${r.source}|${r.pretrain_loss}|${r.pretrain_seed}`)
export const recordLevels = (r: ResultRecord): Levels => ({ fold: r.fold, base: baseOf(r), seed: r.seed })
const levelsOf = (p: Pair): Levels => ({ fold: p.a.fold, base: baseOf(p.a) ?? baseOf(p.b), seed: p.a.seed })
/** UAR points with one decimal; a value that rounds to 0 is '0.0' (never '-0.0'). */
export const pp = (v: number) => {
  const t = (100 * v).toFixed(1)
  return t === '0.0' || t === '-0.0' ? '0.0' : `${v > 0 ? '+' : ''}${t}`
}
const ciText = (ci: [number, number] | null) => (ci ? `[${pp(ci[0])}, ${pp(ci[1])}]` : '[no interval]')
export const RULE =
  `95% interval from a crossed bootstrap (speaker folds; pre-trained bases once per replicate, shared by every fold; ` +
  `support draws within their fold). supported: both bounds lie above 0 by at least 0.05 UAR points (a bound shown as 0.0 is not outside 0); contradicted: ` +
  `both lie below 0 by at least that; inconclusive: the interval includes or touches 0, or it rests on fewer than ${MIN_INTERVAL_UNITS} folds (or, ` +
  `for arms on pre-trained bases, fewer than ${MIN_INTERVAL_UNITS} bases), or the grid lacks the comparison`

/** Pairs of A records with the B record that matches on `match` plus fold, seed and shots. */
export function pairs(
  records: ResultRecord[],
  isA: (r: ResultRecord) => boolean,
  isB: (r: ResultRecord) => boolean,
  match: (r: ResultRecord) => string,
): Pair[] {
  const at = (r: ResultRecord) => `${match(r)}|${r.shots}|${r.fold}|${r.seed}`
  const bs = new Map(records.filter(isB).map((r) => [at(r), r]))
  return records.filter(isA).flatMap((a) => {
    const b = bs.get(at(a))
    return b ? [{ a, b, d: a.uar - b.uar }] : []
  })
}

function effect(ps: Pair[], shots: Shots | 'pooled', needsBases: boolean, missing: string): Effect & { boot: BootstrapResult } {
  // Pooled: each shots value weighs equally (the leaf mean is over the shots values' means).
  const stat = shots === 'pooled' ? pooledMean : weightedMean((p: Pair) => p.d)
  const boot = crossedBootstrap(ps, levelsOf, stat, { seed: `effect-${shots}` })
  const v = verdictOf(boot, { needsBases, missing })
  // no interval over fewer than 5 folds or bases: the estimate stays, the interval goes
  const ci = ps.length && tooFew(boot.units, needsBases) ? null : boot.ci
  return { shots, effect: ps.length ? boot.estimate : null, ci, units: boot.units, verdict: v.verdict, reason: v.reason, boot }
}

function pooledMean(s: Weighted<Pair>[]): number {
  const by = new Map<string, { a: number; w: number }>()
  for (const x of s) {
    const k = String(x.item.a.shots)
    const g = by.get(k) ?? { a: 0, w: 0 }
    g.a += x.w * x.item.d
    g.w += x.w
    by.set(k, g)
  }
  const means = [...by.values()].map((g) => g.a / g.w)
  return means.length ? means.reduce((a, b) => a + b, 0) / means.length : NaN
}

export function effects(ps: Pair[], shotsOrder: Shots[], needsBases: boolean, missing: string): { pooled: Effect; perShots: Effect[] } {
  const strip = ({ boot: _b, ...e }: Effect & { boot: BootstrapResult }): Effect => e
  return {
    pooled: strip(effect(ps, 'pooled', needsBases, missing)),
    perShots: shotsOrder.map((k) => strip(effect(ps.filter((p) => p.a.shots === k), k, needsBases, missing))),
  }
}

function claimFrom(
  base: Pick<ClaimResult, 'id' | 'claim' | 'rule'>,
  e: { pooled: Effect; perShots: Effect[] },
  what: string,
  details: ClaimResult['details'],
): ClaimResult {
  const per = e.perShots
    .map((x) => `${x.shots} shots${x.variant ? ` (${x.variant})` : ''} ${x.effect === null ? 'n/a' : pp(x.effect)} ${ciText(x.ci)} ${x.verdict}`)
    .join('; ')
  const p = e.pooled
  const explanation =
    p.effect === null
      ? `Not in this grid: ${p.reason}.`
      : `${what}: ${pp(p.effect)} UAR points pooled over the shots values, 95% interval ${ciText(p.ci)} over ${p.units.folds} folds x ${p.units.bases} ` +
        `pre-trained base(s) x ${p.units.supportDraws} support draws (${p.units.pairs} pairs). Per shots: ${per}. Verdict: ` +
        `${p.verdict}${p.reason ? ` (${p.reason})` : ''}.`
  return { ...base, verdict: p.verdict, reason: p.reason, explanation, effect: p.effect, ci: p.ci, units: p.units, perShots: e.perShots, details }
}

const sameBase = (r: ResultRecord) => `${r.source}|${r.pretrain_loss}|${r.pretrain_seed}`

export function claimDistanceLoss(records: ResultRecord[], shots: Shots[]): ClaimResult {
  const ps = pairs(
    records,
    (r) => r.method === 'finetune' && r.finetune_loss === 'distance',
    (r) => r.method === 'finetune' && r.finetune_loss === 'contrastive',
    (r) => `${sameBase(r)}|${r.frozen}`,
  )
  const e = effects(
    ps,
    shots,
    true,
    'the grid has no fine-tuning with both the distance and the contrastive loss (choose both the contrastive and the distance fine-tuning loss in the ' +
      'Experiments form)',
  )
  const details = [...new Set(ps.map((p) => p.a.pretrain_loss))].map((pl) => ({
    label: `distance - contrastive fine-tuning, bases pre-trained with ${pl}`,
    value: mean(ps.filter((p) => p.a.pretrain_loss === pl).map((p) => p.d)),
  }))
  if (ps.length) details.push({ label: 'fraction of pairs where distance wins', value: ps.filter((p) => p.d > 0).length / ps.length })
  return claimFrom(
    {
      id: 'distance-loss',
      claim: 'The modified distance loss improves fine-tuning over the contrastive loss.',
      rule:
        `Effect = UAR(fine-tuned with the distance loss) - UAR(fine-tuned with the contrastive loss), paired on the base (source, ` +
        `pre-training loss and seed), frozen layers, shots, fold and support draw. ${RULE}.`,
    },
    e,
    'Distance minus contrastive fine-tuning',
    details,
  )
}

export function claimFinetuneVsPretrained(records: ResultRecord[], shots: Shots[]): ClaimResult {
  const ps = pairs(records, (r) => r.method === 'finetune', (r) => r.method === 'pretrained_only', sameBase)
  const e = effects(ps, shots, true, 'the grid has no pre-trained bases')
  return claimFrom(
    {
      id: 'finetune-vs-pretrained',
      claim: 'Fine-tuning on the K support clips improves on the pre-trained base used as it is.',
      rule:
        `Effect = UAR(fine-tuned) - UAR(prototypes of the same support clips on the unchanged base), paired on the base, shots, fold and support draw. ` +
        `${RULE}.`,
    },
    e,
    'Fine-tuned minus pre-trained only',
    [],
  )
}

/** Each Siamese variant against the softmax baseline; the claim holds if any variant's interval lies above 0. */
export function siameseVsSoftmax(
  records: ResultRecord[],
  shots: Shots[],
): { claim: ClaimResult; variants: { key: string; label: string; pooled: Effect; perShots: Effect[] }[] } {
  const keys = [...new Set(records.filter((r) => r.method !== 'softmax').map(variantKey))]
  const variants = keys.map((key) => {
    const ps = pairs(
      records,
      (r) => r.method !== 'softmax' && variantKey(r) === key,
      (r) => r.method === 'softmax',
      () => '',
    )
    const needs = ps.some((p) => p.a.pretrain_seed !== null)
    return {
      key,
      label: variantLabel(ps[0]?.a ?? records.find((r) => variantKey(r) === key)!),
      ...effects(ps, shots, needs, 'no softmax baseline in this grid'),
    }
  })
  const base = {
    id: 'siamese-vs-softmax' as const,
    claim: 'A Siamese variant beats the plain softmax classifier trained on the same support clips.',
    rule:
      `Effect = UAR(variant) - UAR(softmax), paired on shots, fold and support draw, for each of the variants (method x source x losses x frozen). ` +
      `supported if any variant's interval lies above 0 (no correction for the number of variants); contradicted if every variant's interval lies below 0; ` +
      `inconclusive otherwise. ${RULE}.`,
  }
  if (!variants.length) return { claim: claimFrom(base, effects([], shots, false, 'no Siamese variant in this grid'), '', []), variants }
  const best = [...variants].sort((a, b) => (b.pooled.effect ?? -Infinity) - (a.pooled.effect ?? -Infinity))[0]
  const anyAbove = variants.some((v) => v.pooled.verdict === 'supported')
  const allBelow = variants.every((v) => v.pooled.verdict === 'contradicted')
  const perShots = shots.map((k, i) => {
    const v = [...variants].sort((a, b) => (b.perShots[i].effect ?? -Infinity) - (a.perShots[i].effect ?? -Infinity))[0]
    return { ...v.perShots[i], variant: v.label }
  })
  const c = claimFrom(
    base,
    { pooled: best.pooled, perShots },
    `Best variant (${best.label}) minus softmax`,
    variants.map((v) => ({ label: `${v.label} - softmax (pooled)`, value: v.pooled.effect ?? NaN })).filter((d) => Number.isFinite(d.value)),
  )
  const verdict = anyAbove ? 'supported' : allBelow ? 'contradicted' : 'inconclusive'
  const reason = verdict === 'inconclusive' ? (best.pooled.reason ?? "no variant's interval lies above 0, and not every one lies below 0") : null
  return {
    claim: {
      ...c,
      variant: best.label,
      verdict,
      reason,
      explanation:
        `${c.explanation} Over all ${variants.length} variants: ${variants.filter((v) => v.pooled.verdict === 'supported').length} above softmax, ` +
        `${variants.filter((v) => v.pooled.verdict === 'contradicted').length} below, the rest inconclusive. Verdict: ${verdict}.`,
    },
    variants,
  }
}

function mean(v: number[]): number {
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN
}

const CORPORA = [
  { layout: 'cremad', name: 'CREMA-D', re: /crema/i },
  { layout: 'ravdess', name: 'RAVDESS', re: /ravdess|rav\b/i },
  { layout: 'enterface', name: "eNTERFACE'05", re: /enterface|ent\b/i },
] as const

/** Claim 2 with one source: which source to add (a corpus of another layout than the source and the target) and how. */
export function oneSourceHint(sources: string[], target?: string): string {
  const used = [...sources, target ?? ''].join(' ')
  const free = CORPORA.filter((c) => !c.re.test(used))
  const pick = free[0] ?? CORPORA.find((c) => !c.re.test(sources.join(' '))) ?? CORPORA[0]
  const had = sources.length ? `only source ${sources.join(', ')}` : 'no source'
  return (
    `the grid has ${had}; comparing sources needs a second source corpus: add one such as ${pick.name} ` +
    `(Experiments form: "+ another source", then pick its dataset or folder; on the command line, name a second source ` +
    `for ${pick.layout}; no copy at hand? \`ser synth\` writes a generated corpus in the ${pick.layout} layout: docs/corpora.md)`
  )
}

/** Source vs frozen: a range statistic on weighted records, bootstrapped over the same hierarchy. */
export function claimSourceVsFrozen(records: ResultRecord[], shots: Shots[], target?: string): ClaimResult {
  const ft = records.filter((r) => r.method === 'finetune')
  const base = {
    id: 'source-vs-frozen' as const,
    claim: 'The choice of source corpus matters more than the number of frozen layers.',
    rule:
      `Effect = (max - min over sources of the mean fine-tuned UAR) - (max - min over frozen settings), means over all other settings. ` +
      `A range over more levels grows with noise, so with 2 sources and 3 frozen settings the test leans against the claim. ${RULE}.`,
  }
  const sources = new Set(ft.map((r) => r.source))
  const frozen = new Set(ft.map((r) => r.frozen))
  const range = (s: Weighted<ResultRecord>[], level: (r: ResultRecord) => string) => {
    const g = new Map<string, { a: number; w: number }>()
    for (const x of s) {
      const k = level(x.item)
      const v = g.get(k) ?? { a: 0, w: 0 }
      v.a += x.w * x.item.uar
      v.w += x.w
      g.set(k, v)
    }
    const m = [...g.values()].map((v) => v.a / v.w)
    return Math.max(...m) - Math.min(...m)
  }
  const stat = (s: Weighted<ResultRecord>[]) => range(s, (r) => String(r.source)) - range(s, (r) => String(r.frozen))
  const missing =
    sources.size < 2
      ? `${oneSourceHint([...sources].map(String), target)}` +
        `${frozen.size < 2 ? `; it also needs a second frozen setting (tick one in the Experiments form, or list two for ser experiment)` : ''}`
      : `the grid has ${sources.size} source(s) and ${frozen.size} frozen setting(s); the comparison needs at least two of each (tick a second frozen ` +
        `setting in the Experiments form, or list two for ser experiment)`
  const one = (rs: ResultRecord[], k: Shots | 'pooled'): Effect => {
    if (sources.size < 2 || frozen.size < 2)
      return {
        shots: k,
        effect: null,
        ci: null,
        units: { folds: 0, bases: 0, pretrainSeeds: 0, supportDraws: 0, pairs: 0 },
        verdict: 'inconclusive',
        reason: missing,
      }
    const b = crossedBootstrap(rs, recordLevels, stat, { resamples: 1000, seed: `source-frozen-${k}` })
    const v = verdictOf(b, { needsBases: true, missing })
    return { shots: k, effect: b.estimate, ci: tooFew(b.units, true) ? null : b.ci, units: b.units, verdict: v.verdict, reason: v.reason }
  }
  const e = { pooled: one(ft, 'pooled'), perShots: shots.map((k) => one(ft.filter((r) => r.shots === k), k)) }
  const byLevel = (level: (r: ResultRecord) => string, what: string) =>
    [...new Set(ft.map(level))].map((k) => ({ label: `mean UAR, ${what} ${k}`, value: mean(ft.filter((r) => level(r) === k).map((r) => r.uar)) }))
  return claimFrom(base, e, 'Range over sources minus range over frozen settings', [
    ...byLevel((r) => String(r.source), 'source'),
    ...byLevel((r) => String(r.frozen), 'frozen'),
  ])
}

export function evaluateClaims(records: ResultRecord[], shots: Shots[], target?: string): ClaimResult[] {
  return [
    claimDistanceLoss(records, shots),
    claimSourceVsFrozen(records, shots, target),
    claimFinetuneVsPretrained(records, shots),
    siameseVsSoftmax(records, shots).claim,
  ]
}
