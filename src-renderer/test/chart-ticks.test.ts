/** The Train view's and model page's chart axes (components/train/ticks.ts): readable loss ticks, epochs 1..N. */
import { describe, expect, it } from 'vitest'
import { epochTicks, niceTicks } from '../src/components/train/ticks'

const labels = (lo: number, hi: number) => {
  const t = niceTicks(lo, hi)
  return t.ticks.map((v) => v.toFixed(t.decimals))
}

describe('chart ticks', () => {
  it('labels a small loss range with distinct values that cover it', () => {
    // a loss falling from 0.012 to 0.0031: the old axis printed "0.01, 0.01, 0.01, 0.00, 0.00"
    const l = labels(0.0031, 0.012)
    expect(new Set(l).size).toBe(l.length)
    expect(l).toEqual(['0.002', '0.004', '0.006', '0.008', '0.010', '0.012'])
    expect(labels(0, 1)).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0'])
    expect(labels(12, 340)).toEqual(['0', '100', '200', '300', '400'])
    const t = niceTicks(0.0031, 0.012)
    expect(t.lo).toBeLessThanOrEqual(0.0031)
    expect(t.hi).toBeGreaterThanOrEqual(0.012)
  })

  it('numbers epochs from 1 to the last epoch of the phase', () => {
    expect(epochTicks(5)).toEqual([1, 2, 3, 4, 5])
    expect(epochTicks(1)).toEqual([1])
    expect(epochTicks(30)).toEqual([1, 5, 10, 15, 20, 25, 30])
    expect(epochTicks(17).at(-1)).toBe(17)
  })
})
