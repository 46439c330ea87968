/**
 * Axis ticks a person can read: y ticks on a 1-2-5 step chosen by the range, printed with
 * just enough decimals to tell them apart ("0.004, 0.006, 0.008", not "0.01, 0.01, 0.00");
 * x ticks on whole epochs 1..N.
 */

/** About `target` round values covering [lo, hi], and the decimals their step needs. */
export function niceTicks(lo: number, hi: number, target = 5): { ticks: number[]; decimals: number; lo: number; hi: number } {
  if (!(hi > lo)) hi = lo + 1
  const raw = (hi - lo) / Math.max(1, target - 1)
  const mag = 10 ** Math.floor(Math.log10(raw))
  // the 1-2-5 step whose tick count is nearest the target (the finer one on a tie)
  const count = (s: number) => Math.ceil(hi / s - 1e-9) - Math.floor(lo / s + 1e-9) + 1
  const step = [1, 2, 5, 10].map((f) => f * mag).reduce((best, s) => (Math.abs(count(s) - target) < Math.abs(count(best) - target) ? s : best))
  const start = Math.floor(lo / step + 1e-9) * step
  const end = Math.ceil(hi / step - 1e-9) * step
  const ticks: number[] = []
  for (let k = 0; start + k * step <= end + step * 1e-9; k++) ticks.push(Number((start + k * step).toPrecision(12)))
  return { ticks, decimals: Math.max(0, -Math.floor(Math.log10(step) + 1e-9)), lo: start, hi: end }
}

/** Whole epochs from 1 to n, at most about `max` of them (every 1, 2, 5, 10, ... epochs, always ending at n). */
export function epochTicks(n: number, max = 8): number[] {
  const last = Math.max(1, Math.round(n))
  const step = [1, 2, 5, 10, 20, 50, 100].find((s) => last / s <= max) ?? Math.ceil(last / max)
  const out = [1]
  for (let e = step; e < last; e += step) if (e > 1) out.push(e)
  if (last > 1) out.push(last)
  return out
}
