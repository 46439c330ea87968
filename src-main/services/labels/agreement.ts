/**
 * Inter-annotator agreement: Krippendorff's alpha for nominal data, computed from
 * the coincidence matrix as in Krippendorff (2011), "Computing Krippendorff's
 * Alpha-Reliability" (equal to the `krippendorff` Python package with
 * level_of_measurement='nominal'). Units (clips) with fewer than two values are
 * not pairable and are left out; any number of coders, missing values allowed.
 *
 *   alpha = 1 - D_o / D_e
 *   D_o = (1/n) * sum_{c != k} o_ck           o_ck = sum_u (pairs c-k in u) / (m_u - 1)
 *   D_e = 1/(n(n-1)) * sum_{c != k} n_c n_k
 *
 * When every pairable value is the same category D_e is 0 and alpha is undefined
 * (returned as null, with the disagreements so the UI can say why).
 */
import type { Agreement } from '../../../src-shared/contract/labels'

export interface AlphaResult {
  alpha: number | null
  units: number
  values: number
  observedDisagreement: number | null
  expectedDisagreement: number | null
}

/** units: one array of values per unit (nulls/undefined = missing). */
export function krippendorffAlphaNominal(units: (string | number | null | undefined)[][]): AlphaResult {
  const o = new Map<string, Map<string, number>>()
  const add = (c: string, k: string, v: number) => {
    let row = o.get(c)
    if (!row) o.set(c, (row = new Map()))
    row.set(k, (row.get(k) ?? 0) + v)
  }
  let pairable = 0
  let n = 0
  for (const unit of units) {
    const vals = unit.filter((v): v is string | number => v !== null && v !== undefined).map(String)
    const m = vals.length
    if (m < 2) continue
    pairable++
    n += m
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) add(vals[i], vals[j], 1 / (m - 1))
  }
  if (pairable === 0) return { alpha: null, units: 0, values: 0, observedDisagreement: null, expectedDisagreement: null }
  const nc = new Map<string, number>()
  for (const [c, row] of o) nc.set(c, [...row.values()].reduce((a, b) => a + b, 0))
  let dis = 0
  for (const [c, row] of o) for (const [k, v] of row) if (c !== k) dis += v
  let exp = 0
  for (const [c, a] of nc) for (const [k, b] of nc) if (c !== k) exp += a * b
  const Do = dis / n
  const De = exp / (n * (n - 1))
  return { alpha: De === 0 ? null : 1 - Do / De, units: pairable, values: n, observedDisagreement: Do, expectedDisagreement: De }
}

/** Alpha over clips x annotators plus raw pairwise agreement, from each annotator's current label per clip. */
export function agreementReport(byClip: Map<number, Map<string, string>>): Agreement {
  const annotators = [...new Set([...byClip.values()].flatMap((m) => [...m.keys()]))].sort()
  const units = [...byClip.values()].map((m) => [...m.values()])
  const r = krippendorffAlphaNominal(units)
  const pairs: Agreement['pairs'] = []
  for (let i = 0; i < annotators.length; i++) {
    for (let j = i + 1; j < annotators.length; j++) {
      let both = 0
      let same = 0
      for (const m of byClip.values()) {
        const a = m.get(annotators[i])
        const b = m.get(annotators[j])
        if (a === undefined || b === undefined) continue
        both++
        if (a === b) same++
      }
      if (both) pairs.push({ a: annotators[i], b: annotators[j], clips: both, agreement: same / both })
    }
  }
  return {
    alpha: r.alpha,
    annotators,
    clips: r.units,
    values: r.values,
    observedDisagreement: r.observedDisagreement,
    expectedDisagreement: r.expectedDisagreement,
    pairs,
  }
}
