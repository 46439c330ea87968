/**
 * The bootstrap behind every interval of an experiment, matching the crossed design
 * (docs/method.md, "Intervals"). What is random in the design:
 *   - the target's speaker folds;
 *   - the pre-trained bases (source x pre-training loss x pre-training seed), each used by
 *     EVERY fold: bases and folds are crossed, not nested;
 *   - the support draws, nested in their fold (draw s of fold 1 and of fold 2 are different
 *     support sets), and shared by every base of that fold.
 * One replicate: draw F folds with replacement; draw the B bases with replacement ONCE,
 * shared by every fold; within each drawn copy of a fold, draw its S support draws with
 * replacement. An item of cell (fold, base, draw) weighs (times its fold-draw was drawn) x
 * (times its base was drawn) / (items in its cell). Items without a base (baselines) are
 * not resampled on the base level. 95% expanded percentile interval (`expansion`), seeded.
 * With the full sample (every multiplicity 1) every cell weighs equally.
 *
 * `nestedBootstrap` keeps the former scheme (bases resampled separately inside each fold,
 * as if nested) for the simulation test that shows why it was replaced.
 */
import seedrandom from 'seedrandom'
import type { Verdict } from '../../../src-shared/contract/experiments'
import { MIN_INTERVAL_UNITS } from '../../../src-shared/units'

export interface Levels {
  fold: number
  /** The pre-trained base (e.g. 'cremad|distance|2'), or null for arms without one. */
  base: string | null
  /** The support draw within the fold. */
  seed: number
}

export interface Weighted<T> {
  item: T
  w: number
}

export interface UnitCounts {
  folds: number
  /** Distinct pre-trained bases (source x pre-training loss x seed) the items rest on. */
  bases: number
  /** Fewest pre-training seeds behind one source x pre-training loss. */
  pretrainSeeds: number
  supportDraws: number
  pairs: number
}

export function countUnits<T>(items: T[], levels: (t: T) => Levels): UnitCounts {
  const ls = items.map(levels)
  const bases = new Set(ls.flatMap((l) => (l.base === null ? [] : [l.base])))
  const seedsPer = new Map<string, number>()
  for (const b of bases) {
    const k = b.replace(/\|[^|]*$/, '')
    seedsPer.set(k, (seedsPer.get(k) ?? 0) + 1)
  }
  return {
    folds: new Set(ls.map((l) => l.fold)).size,
    bases: bases.size,
    pretrainSeeds: seedsPer.size ? Math.min(...seedsPer.values()) : 0,
    supportDraws: new Set(ls.map((l) => l.seed)).size,
    pairs: items.length,
  }
}

interface Design<T> {
  folds: number[]
  bases: string[]
  /** fold -> its support draws */
  draws: Map<number, number[]>
  cells: Map<string, T[]>
  levels: (t: T) => Levels
}

const cellKey = (f: number, b: string | null, s: number) => `${f}\u0000${b ?? ''}\u0000${s}`

function designOf<T>(items: T[], levels: (t: T) => Levels): Design<T> {
  const draws = new Map<number, Set<number>>()
  const bases = new Set<string>()
  const cells = new Map<string, T[]>()
  for (const it of items) {
    const l = levels(it)
    draws.set(l.fold, (draws.get(l.fold) ?? new Set()).add(l.seed))
    if (l.base !== null) bases.add(l.base)
    const k = cellKey(l.fold, l.base, l.seed)
    const c = cells.get(k)
    if (c) c.push(it)
    else cells.set(k, [it])
  }
  const folds = [...draws.keys()].sort((a, b) => a - b)
  return { folds, bases: [...bases].sort(), draws: new Map(folds.map((f) => [f, [...draws.get(f)!].sort((a, b) => a - b)])), cells, levels }
}

/** Weights of one replicate, from multiplicities of fold-draws (fold -> draw -> count) and of bases. */
function weigh<T>(d: Design<T>, foldDraw: (f: number, s: number) => number, base: (b: string) => number): Weighted<T>[] {
  const out: Weighted<T>[] = []
  for (const [k, leaf] of d.cells) {
    const l = d.levels(leaf[0])
    const m = foldDraw(l.fold, l.seed) * (l.base === null ? 1 : base(l.base))
    if (m === 0) continue
    for (const item of leaf) out.push({ item, w: m / leaf.length })
    void k
  }
  return out
}

type Rnd = () => number

/** One crossed replicate: folds, then bases once (shared), then draws within each drawn fold copy. */
function crossedReplicate<T>(d: Design<T>, rnd: Rnd): Weighted<T>[] {
  const fd = new Map<string, number>()
  for (let i = 0; i < d.folds.length; i++) {
    const f = d.folds[Math.floor(rnd() * d.folds.length)]
    const ss = d.draws.get(f)!
    // Each drawn copy of a fold weighs 1 in total, shared over its drawn support draws.
    for (let j = 0; j < ss.length; j++) {
      const k = `${f}|${ss[Math.floor(rnd() * ss.length)]}`
      fd.set(k, (fd.get(k) ?? 0) + 1 / ss.length)
    }
  }
  const bm = new Map<string, number>()
  for (let i = 0; i < d.bases.length; i++) {
    const b = d.bases[Math.floor(rnd() * d.bases.length)]
    bm.set(b, (bm.get(b) ?? 0) + 1)
  }
  return weigh(d, (f, s) => fd.get(`${f}|${s}`) ?? 0, (b) => bm.get(b) ?? 0)
}

/** The former nested replicate: folds, then bases separately inside each drawn fold, then draws. */
function nestedReplicate<T>(d: Design<T>, rnd: Rnd): Weighted<T>[] {
  const w = new Map<string, number>()
  for (let i = 0; i < d.folds.length; i++) {
    const f = d.folds[Math.floor(rnd() * d.folds.length)]
    const ss = d.draws.get(f)!
    const bs = d.bases.length ? d.bases : ['']
    for (let j = 0; j < bs.length; j++) {
      const b = bs[Math.floor(rnd() * bs.length)]
      for (let k = 0; k < ss.length; k++) {
        const key = cellKey(f, b || null, ss[Math.floor(rnd() * ss.length)])
        w.set(key, (w.get(key) ?? 0) + 1 / (bs.length * ss.length))
      }
    }
  }
  const out: Weighted<T>[] = []
  for (const [k, leaf] of d.cells) {
    const l = d.levels(leaf[0])
    // baselines (no base) follow their fold-draw only
    const m =
      l.base === null
        ? [...w.entries()].filter(([x]) => x.startsWith(`${l.fold}\u0000`) && x.endsWith(`\u0000${l.seed}`)).reduce((a, [, v]) => a + v, 0)
        : (w.get(k) ?? 0)
    if (m) for (const item of leaf) out.push({ item, w: m / leaf.length })
  }
  return out
}

export interface BootstrapResult {
  estimate: number
  ci: [number, number] | null
  units: UnitCounts
}

export const RESAMPLES = 2000

/**
 * The expanded percentile interval (Hesterberg 2015): a bootstrap over m units sees a variance
 * (m-1)/m of the true one, so the replicates' deviations from the estimate are widened by
 * sqrt(m/(m-1)), m = the fewer of folds and bases (the coarser random level).
 */
export function expansion(u: UnitCounts): number {
  const m = Math.min(u.folds, u.bases > 0 ? u.bases : Infinity)
  return m > 1 ? Math.sqrt(m / (m - 1)) : 1
}

function run<T>(
  items: T[],
  levels: (t: T) => Levels,
  stat: (s: Weighted<T>[]) => number,
  replicate: (d: Design<T>, rnd: Rnd) => Weighted<T>[],
  opts: { resamples?: number; seed?: string; expand?: boolean },
): BootstrapResult {
  const units = countUnits(items, levels)
  if (items.length === 0) return { estimate: NaN, ci: null, units }
  const d = designOf(items, levels)
  const estimate = stat(weigh(d, (f) => 1 / d.draws.get(f)!.length, () => 1))
  const rnd = seedrandom(opts.seed ?? 'bootstrap')
  const values: number[] = []
  for (let b = 0; b < (opts.resamples ?? RESAMPLES); b++) {
    const v = stat(replicate(d, rnd))
    if (Number.isFinite(v)) values.push(v)
  }
  if (!values.length) return { estimate, ci: null, units }
  values.sort((a, b) => a - b)
  const c = opts.expand ? expansion(units) : 1
  const q = (p: number) => estimate + c * (values[Math.min(values.length - 1, Math.max(0, Math.round(p * (values.length - 1))))] - estimate)
  return { estimate, ci: [q(0.025), q(0.975)], units }
}

/** The statistic on the full sample (every cell weighs the same) and its crossed-bootstrap 95% interval. */
export function crossedBootstrap<T>(
  items: T[],
  levels: (t: T) => Levels,
  stat: (sample: Weighted<T>[]) => number,
  opts: { resamples?: number; seed?: string } = {},
): BootstrapResult {
  return run(items, levels, stat, crossedReplicate, { ...opts, expand: true })
}

/** The scheme used until the crossed bootstrap replaced it (bases resampled inside each fold); kept for the simulation test only. */
export function nestedBootstrap<T>(
  items: T[],
  levels: (t: T) => Levels,
  stat: (sample: Weighted<T>[]) => number,
  opts: { resamples?: number; seed?: string } = {},
): BootstrapResult {
  return run(items, levels, stat, nestedReplicate, opts)
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

/** Why an interval over these units would not estimate its own spread (null: enough units). */
export function tooFew(u: UnitCounts, needsBases: boolean): string | null {
  if (u.folds < MIN_INTERVAL_UNITS) return `too few folds for an interval: ${u.folds} fold(s), at least ${MIN_INTERVAL_UNITS} needed`
  if (needsBases && u.bases < MIN_INTERVAL_UNITS)
    return (
      `too few bases for an interval: ${u.bases} pre-trained base(s), at least ${MIN_INTERVAL_UNITS} needed so the interval includes the pre-training ` +
      `variance`
    )
  return null
}

/** The bootstrap with no interval when there are too few units (the estimate stays). */
export function intervalOrNone<T>(
  items: T[],
  levels: (t: T) => Levels,
  stat: (sample: Weighted<T>[]) => number,
  opts: { resamples?: number; seed?: string; needsBases?: boolean } = {},
): BootstrapResult & { tooFew: string | null } {
  const b = crossedBootstrap(items, levels, stat, opts)
  const why = items.length ? tooFew(b.units, opts.needsBases ?? false) : null
  return { ...b, ci: why ? null : b.ci, tooFew: why }
}

/** Bounds are shown in UAR points with one decimal: a bound that rounds to 0.0 touches 0. */
export const SHOWN_DECIMALS = 1
/** The margin a bound must keep from 0 (in UAR as a fraction): half of the last shown digit, 0.05 points. */
export const ZERO_MARGIN = 0.5 * 10 ** -SHOWN_DECIMALS / 100

export function verdictOf(r: BootstrapResult, opts: { needsBases: boolean; missing?: string }): { verdict: Verdict; reason: string | null } {
  if (r.units.pairs === 0) return { verdict: 'inconclusive', reason: opts.missing ?? 'nothing to compare in this grid' }
  const few = tooFew(r.units, opts.needsBases)
  if (few) return { verdict: 'inconclusive', reason: few }
  if (!r.ci) return { verdict: 'inconclusive', reason: opts.missing ?? 'no interval' }
  if (r.ci[0] >= ZERO_MARGIN) return { verdict: 'supported', reason: null }
  if (r.ci[1] <= -ZERO_MARGIN) return { verdict: 'contradicted', reason: null }
  if (r.ci[0] > 0 || r.ci[1] < 0) return { verdict: 'inconclusive', reason: 'the interval touches 0 (a bound rounds to 0.0 UAR points)' }
  return { verdict: 'inconclusive', reason: 'the 95% interval includes 0' }
}
