/**
 * The crossed bootstrap by simulation (issue 19, item 1): grids with a known effect and known
 * base, fold and draw variances, built like a real grid (every base used by every fold; support
 * draws nested in their fold, shared by every base). The 95% interval must cover the true effect
 * in at least 90% of 200 simulated grids. The former nested scheme (bases resampled separately
 * inside each fold) misses the base variance that every fold shares, and fails the same test.
 */
import seedrandom from 'seedrandom'
import { describe, expect, it } from 'vitest'
import { crossedBootstrap, nestedBootstrap, weightedMean, type Levels } from '../../../src-main/services/experiment/bootstrap'

interface Cell {
  fold: number
  base: string
  seed: number
  d: number
}

export interface Design {
  folds: number
  bases: number
  draws: number
  effect: number
  sdFold: number
  sdBase: number
  sdDraw: number
  sdResidual: number
}

function gauss(rnd: () => number): number {
  const u = Math.max(rnd(), 1e-12)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd())
}

/** One simulated grid of paired effects: d = effect + fold + base + draw(fold) + residual. */
export function simulateGrid(x: Design, rnd: () => number): Cell[] {
  const fold = Array.from({ length: x.folds }, () => x.sdFold * gauss(rnd))
  const base = Array.from({ length: x.bases }, () => x.sdBase * gauss(rnd))
  const draw = fold.map(() => Array.from({ length: x.draws }, () => x.sdDraw * gauss(rnd)))
  const out: Cell[] = []
  for (let f = 0; f < x.folds; f++)
    for (let b = 0; b < x.bases; b++)
      for (let s = 0; s < x.draws; s++)
        out.push({ fold: f, base: `src|distance|${b + 1}`, seed: s + 1, d: x.effect + fold[f] + base[b] + draw[f][s] + x.sdResidual * gauss(rnd) })
  return out
}

const levels = (c: Cell): Levels => ({ fold: c.fold, base: c.base, seed: c.seed })

export function coverage(scheme: typeof crossedBootstrap, x: Design, grids = 200, resamples = 1000): number {
  const rnd = seedrandom(`coverage-${JSON.stringify(x)}`)
  let covered = 0
  for (let g = 0; g < grids; g++) {
    const b = scheme(simulateGrid(x, rnd), levels, weightedMean((c: Cell) => c.d), { resamples, seed: `grid-${g}` })
    if (b.ci && b.ci[0] <= x.effect && x.effect <= b.ci[1]) covered++
  }
  return covered / grids
}

// A default-like grid: 6 bases (1 source x 2 pre-training losses x 3 seeds), 2 support draws,
// effect 2 UAR points; bases vary more than folds, as in the runs of issue 19.
const grid: Design = { folds: 6, bases: 6, draws: 2, effect: 0.02, sdFold: 0.01, sdBase: 0.02, sdDraw: 0.01, sdResidual: 0.01 }

describe('bootstrap coverage by simulation (200 grids)', () => {
  it('the crossed bootstrap covers the true effect in at least 90% of grids', () => {
    const c = coverage(crossedBootstrap, grid)
    console.log(`crossed bootstrap coverage: ${(100 * c).toFixed(1)}%`)
    expect(c).toBeGreaterThanOrEqual(0.9)
  })

  it('... and with more folds than bases, where the bases dominate', () => {
    const c = coverage(crossedBootstrap, { ...grid, folds: 8 })
    console.log(`crossed bootstrap coverage, 8 folds: ${(100 * c).toFixed(1)}%`)
    expect(c).toBeGreaterThanOrEqual(0.9)
  })

  it('the former nested scheme does not (it ignores that every fold shares the bases)', () => {
    const c = coverage(nestedBootstrap, grid)
    console.log(`nested bootstrap coverage: ${(100 * c).toFixed(1)}%`)
    expect(c).toBeLessThan(0.9)
  })
})
