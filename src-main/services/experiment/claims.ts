/**
 * The paper's two claims as explicit tests on this run's records (docs/experiments.md).
 *
 * Unit of evidence: a (fold, seed) pair. Every configuration is evaluated on the same
 * test speakers with the same support set within a unit, so comparisons are paired
 * within units, and units are what the bootstrap resamples (2000 resamples, seeded,
 * percentile 95% interval). Verdict rule, for an effect E that the claim says is > 0:
 *   supported      the 95% interval lies above 0;
 *   not supported  E <= 0 (this run points the other way or shows nothing);
 *   inconclusive   E > 0 but the interval reaches 0, or fewer than MIN_UNITS units (a
 *                  bootstrap over 2 or 3 units says little);
 *   not testable   the grid lacks what the claim compares.
 *
 * Claim 1 (the distance loss improves fine-tuning): E = mean over units of the mean,
 * over matched (source, frozen, shots), of UAR(distance) - UAR(contrastive) of the
 * fine-tuned models.
 * Claim 2 (the source corpus matters more than the number of frozen layers): over the
 * fine-tuned records, the range (max - min) of the mean UAR per source minus the range
 * of the mean UAR per frozen setting. A range over more levels grows with noise, so
 * with 2 sources and 3 frozen settings the test leans against the claim.
 */
import seedrandom from 'seedrandom'
import type { ClaimResult, ResultRecord } from '../../../src-shared/contract/experiments'
import { mean, sd } from './metrics'

const unitOf = (r: ResultRecord) => `${r.fold}|${r.seed}`
const pp = (v: number) => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}`

export function bootstrapCI(units: string[], stat: (sample: string[]) => number, resamples = 2000, seed = 'claims'): [number, number] {
  const rnd = seedrandom(seed)
  const values: number[] = []
  for (let b = 0; b < resamples; b++) {
    const sample = units.map(() => units[Math.floor(rnd() * units.length)])
    const v = stat(sample)
    if (Number.isFinite(v)) values.push(v)
  }
  values.sort((a, b) => a - b)
  const q = (p: number) => values[Math.min(values.length - 1, Math.max(0, Math.round(p * (values.length - 1))))]
  return [q(0.025), q(0.975)]
}

export const MIN_UNITS = 4

function verdict(effect: number, ci: [number, number], units: number): ClaimResult['verdict'] {
  if (effect <= 0) return 'not supported'
  if (units < MIN_UNITS || ci[0] <= 0) return 'inconclusive'
  return 'supported'
}

const RULE = `supported if the 95% bootstrap interval (over fold x seed units) of the effect lies above 0 and there are at least ${MIN_UNITS} units; not supported if the effect is 0 or negative; inconclusive otherwise`

export function claimDistanceLoss(records: ResultRecord[]): ClaimResult {
  const base = {
    id: 'distance-loss' as const,
    claim: 'The modified distance loss improves fine-tuning over the contrastive loss.',
    rule: `Effect = UAR(fine-tuned with distance loss) - UAR(fine-tuned with contrastive loss), paired on source, frozen layers, shots, fold and seed. ${RULE}.`,
  }
  const ft = records.filter((r) => r.method === 'finetune')
  const byKey = new Map(ft.map((r) => [`${r.source}|${r.frozen}|${r.shots}|${r.fold}|${r.seed}|${r.loss}`, r]))
  const pairs: { unit: string; d: number; shots: string; frozen: number; source: string }[] = []
  for (const r of ft) {
    if (r.loss !== 'distance') continue
    const c = byKey.get(`${r.source}|${r.frozen}|${r.shots}|${r.fold}|${r.seed}|contrastive`)
    if (c) pairs.push({ unit: unitOf(r), d: r.uar - c.uar, shots: String(r.shots), frozen: r.frozen!, source: r.source! })
  }
  if (pairs.length === 0) {
    return { ...base, verdict: 'not testable', explanation: 'The grid has no fine-tuning runs with both losses (use --loss contrastive,distance).', effect: null, sd: null, ci: null, units: 0, details: [] }
  }
  const perUnit = new Map<string, number[]>()
  for (const p of pairs) perUnit.set(p.unit, [...(perUnit.get(p.unit) ?? []), p.d])
  const units = [...perUnit.keys()]
  const unitMeans = units.map((u) => mean(perUnit.get(u)!))
  const effect = mean(unitMeans)
  const ci = bootstrapCI(units, (s) => mean(s.map((u) => mean(perUnit.get(u)!))))
  const wins = pairs.filter((p) => p.d > 0).length
  const details: ClaimResult['details'] = []
  for (const key of ['shots', 'frozen', 'source'] as const) {
    for (const level of [...new Set(pairs.map((p) => String(p[key])))]) {
      details.push({ label: `distance - contrastive UAR, ${key} = ${level}`, value: mean(pairs.filter((p) => String(p[key]) === level).map((p) => p.d)) })
    }
  }
  details.push({ label: 'fraction of paired runs where distance wins', value: wins / pairs.length })
  const v = verdict(effect, ci, units.length)
  return {
    ...base,
    verdict: v,
    explanation: `Over ${pairs.length} paired runs in ${units.length} fold x seed units, the distance loss changed fine-tuned UAR by ${pp(effect)} points on average (sd over units ${(100 * sd(unitMeans)).toFixed(1)}, 95% interval ${pp(ci[0])} to ${pp(ci[1])}); it won ${wins} of ${pairs.length} pairs. Verdict: ${v}.`,
    effect,
    sd: sd(unitMeans),
    ci,
    units: units.length,
    details,
  }
}

function marginalRange(records: ResultRecord[], level: (r: ResultRecord) => string): { range: number; means: Map<string, number> } {
  const groups = new Map<string, number[]>()
  for (const r of records) groups.set(level(r), [...(groups.get(level(r)) ?? []), r.uar])
  const means = new Map([...groups].map(([k, v]) => [k, mean(v)]))
  const vals = [...means.values()]
  return { range: Math.max(...vals) - Math.min(...vals), means }
}

export function claimSourceVsFrozen(records: ResultRecord[]): ClaimResult {
  const base = {
    id: 'source-vs-frozen' as const,
    claim: 'The choice of source corpus matters more than the number of frozen layers.',
    rule: `Effect = (max - min of the mean fine-tuned UAR per source corpus) - (max - min of the mean fine-tuned UAR per number of frozen layers), means over all other settings. ${RULE}.`,
  }
  const ft = records.filter((r) => r.method === 'finetune')
  const sources = new Set(ft.map((r) => r.source))
  const frozen = new Set(ft.map((r) => r.frozen))
  if (sources.size < 2 || frozen.size < 2) {
    return {
      ...base,
      verdict: 'not testable',
      explanation: `The grid has ${sources.size} source corpus(es) and ${frozen.size} frozen setting(s); the comparison needs at least two of each (e.g. --source cremad=DIR --source enterface=DIR --frozen 0,1,2).`,
      effect: null, sd: null, ci: null, units: new Set(ft.map(unitOf)).size, details: [],
    }
  }
  const byUnit = new Map<string, ResultRecord[]>()
  for (const r of ft) byUnit.set(unitOf(r), [...(byUnit.get(unitOf(r)) ?? []), r])
  const units = [...byUnit.keys()]
  const effectOf = (rs: ResultRecord[]) => marginalRange(rs, (r) => r.source!).range - marginalRange(rs, (r) => String(r.frozen)).range
  const src = marginalRange(ft, (r) => r.source!)
  const frz = marginalRange(ft, (r) => String(r.frozen))
  const effect = src.range - frz.range
  const ci = bootstrapCI(units, (s) => effectOf(s.flatMap((u) => byUnit.get(u)!)))
  const perUnit = units.map((u) => effectOf(byUnit.get(u)!))
  const v = verdict(effect, ci, units.length)
  const fmt = (m: Map<string, number>) => [...m].map(([k, x]) => `${k} ${(100 * x).toFixed(1)}`).join(', ')
  return {
    ...base,
    verdict: v,
    explanation: `Mean fine-tuned UAR per source: ${fmt(src.means)} % (range ${(100 * src.range).toFixed(1)} points); per frozen layers: ${fmt(frz.means)} % (range ${(100 * frz.range).toFixed(1)} points). Difference ${pp(effect)} points (95% interval ${pp(ci[0])} to ${pp(ci[1])} over ${units.length} fold x seed units). Verdict: ${v}.`,
    effect,
    sd: sd(perUnit),
    ci,
    units: units.length,
    details: [
      ...[...src.means].map(([k, x]) => ({ label: `mean UAR, source ${k}`, value: x })),
      ...[...frz.means].map(([k, x]) => ({ label: `mean UAR, frozen ${k}`, value: x })),
      { label: 'range across sources', value: src.range },
      { label: 'range across frozen settings', value: frz.range },
    ],
  }
}

export function evaluateClaims(records: ResultRecord[]): ClaimResult[] {
  return [claimDistanceLoss(records), claimSourceVsFrozen(records)]
}
