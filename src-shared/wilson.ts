/**
 * The Wilson score interval of a proportion (Wilson 1927): sound at small n and near 0
 * or 1, where the textbook p ± 1.96·SE interval runs past [0, 1]. Shared so the server's
 * held-out estimates (services/model/estimate.ts) and the views compute the same figure.
 */
export const Z95 = 1.959963984540054

export function wilson(successes: number, n: number, z = Z95): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 }
  const p = successes / n
  const den = 1 + (z * z) / n
  const centre = (p + (z * z) / (2 * n)) / den
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) }
}

const pct = (v: number) => `${Math.round(v * 100)}%`

/** '83% (95% interval 55–95%)': how the views write a proportion with its interval. */
export function percentWithInterval(value: number, low: number, high: number): string {
  return `${pct(value)} (95% interval ${Math.round(low * 100)}–${pct(high)})`
}
