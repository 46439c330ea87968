/**
 * The hierarchical bootstrap behind every interval: resample the target's speaker folds,
 * then the pre-training seeds within each drawn fold, then the support draws within each
 * drawn seed (with replacement at every level), and recompute the statistic on the
 * weighted sample. A drawn fold weighs 1/F, a seed within it 1/(F P), a support draw
 * 1/(F P S), shared equally by the items of that leaf. Items without a pre-training seed
 * (baselines) form one seed level of their own. 95% percentile interval, seeded.
 */
import seedrandom from 'seedrandom'
import type { Verdict } from '../../../src-shared/contract/experiments'

export interface Levels {
  fold: number
  pretrainSeed: number | null
  seed: number
}

export interface Weighted<T> {
  item: T
  w: number
}

export interface UnitCounts {
  folds: number
  pretrainSeeds: number
  supportDraws: number
  pairs: number
}

type Tree<T> = Map<number, Map<string, Map<number, T[]>>>

function treeOf<T>(items: T[], levels: (t: T) => Levels): Tree<T> {
  const tree: Tree<T> = new Map()
  for (const it of items) {
    const l = levels(it)
    const f = tree.get(l.fold) ?? new Map<string, Map<number, T[]>>()
    tree.set(l.fold, f)
    const ps = String(l.pretrainSeed ?? '-')
    const p = f.get(ps) ?? new Map<number, T[]>()
    f.set(ps, p)
    p.set(l.seed, [...(p.get(l.seed) ?? []), it])
  }
  return tree
}

function weights<T>(tree: Tree<T>, pick: <X>(xs: X[]) => X[]): Weighted<T>[] {
  const out: Weighted<T>[] = []
  const folds = pick([...tree.keys()].sort((a, b) => a - b))
  for (const f of folds) {
    const byPs = tree.get(f)!
    const pss = pick([...byPs.keys()].sort())
    for (const ps of pss) {
      const bySeed = byPs.get(ps)!
      const seeds = pick([...bySeed.keys()].sort((a, b) => a - b))
      for (const s of seeds) {
        const leaf = bySeed.get(s)!
        const w = 1 / (folds.length * pss.length * seeds.length * leaf.length)
        for (const item of leaf) out.push({ item, w })
      }
    }
  }
  return out
}

export function countUnits<T>(items: T[], levels: (t: T) => Levels): UnitCounts {
  const ls = items.map(levels)
  const perFold = new Map<number, Set<string>>()
  for (const l of ls) perFold.set(l.fold, (perFold.get(l.fold) ?? new Set()).add(String(l.pretrainSeed ?? '-')))
  return {
    folds: perFold.size,
    pretrainSeeds: perFold.size ? Math.min(...[...perFold.values()].map((s) => s.size)) : 0,
    supportDraws: new Set(ls.map((l) => l.seed)).size,
    pairs: items.length,
  }
}

export interface BootstrapResult {
  estimate: number
  ci: [number, number] | null
  units: UnitCounts
}

export const RESAMPLES = 2000

/** The statistic on the full sample (nested equal weights) and its hierarchical-bootstrap 95% interval. */
export function hierarchicalBootstrap<T>(items: T[], levels: (t: T) => Levels, stat: (sample: Weighted<T>[]) => number, opts: { resamples?: number; seed?: string } = {}): BootstrapResult {
  const units = countUnits(items, levels)
  if (items.length === 0) return { estimate: NaN, ci: null, units }
  const tree = treeOf(items, levels)
  const estimate = stat(weights(tree, (xs) => xs))
  const rnd = seedrandom(opts.seed ?? 'bootstrap')
  const draw = <X>(xs: X[]): X[] => xs.map(() => xs[Math.floor(rnd() * xs.length)])
  const values: number[] = []
  for (let b = 0; b < (opts.resamples ?? RESAMPLES); b++) {
    const v = stat(weights(tree, draw))
    if (Number.isFinite(v)) values.push(v)
  }
  if (!values.length) return { estimate, ci: null, units }
  values.sort((a, b) => a - b)
  const q = (p: number) => values[Math.min(values.length - 1, Math.max(0, Math.round(p * (values.length - 1))))]
  return { estimate, ci: [q(0.025), q(0.975)], units }
}

/** Weighted mean of a value (the statistic of a paired difference or of a mean). */
export const weightedMean = <T>(value: (t: T) => number) => (s: Weighted<T>[]) => {
  let a = 0
  let w = 0
  for (const x of s) {
    a += x.w * value(x.item)
    w += x.w
  }
  return w > 0 ? a / w : NaN
}

/** Fewer folds than this, and an interval says little (a bootstrap over 2 folds has 3 distinct resamples). */
export const MIN_FOLDS = 3
/** Effects on pre-trained bases need at least this many pre-training seeds, or the pre-training variance is left out. */
export const MIN_PRETRAIN_SEEDS = 2

export function verdictOf(r: BootstrapResult, opts: { needsPretrainSeeds: boolean; missing?: string }): { verdict: Verdict; reason: string | null } {
  if (r.units.pairs === 0 || !r.ci) return { verdict: 'inconclusive', reason: opts.missing ?? 'nothing to compare in this grid' }
  if (r.units.folds < MIN_FOLDS) return { verdict: 'inconclusive', reason: `too few units: ${r.units.folds} fold(s), at least ${MIN_FOLDS} needed` }
  if (opts.needsPretrainSeeds && r.units.pretrainSeeds < MIN_PRETRAIN_SEEDS) return { verdict: 'inconclusive', reason: `too few units: ${r.units.pretrainSeeds} pre-training seed(s), at least ${MIN_PRETRAIN_SEEDS} needed so the interval includes the pre-training variance` }
  if (r.ci[0] > 0) return { verdict: 'supported', reason: null }
  if (r.ci[1] < 0) return { verdict: 'contradicted', reason: null }
  return { verdict: 'inconclusive', reason: 'the 95% interval includes 0' }
}
