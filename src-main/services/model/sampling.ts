/**
 * Reproducible sampling: balanced same/different pairs, class-balanced batches,
 * optional hard negatives, speaker-independent splits, K shots per class.
 * Every function takes an explicit Rng so a seed fixes the whole run; the Rng's
 * state can be saved in a checkpoint and restored.
 */
import seedrandom from 'seedrandom'

export interface Rng {
  (): number
  state(): object
}

export function makeRng(seed: number | string, state?: object): Rng {
  if (state) return seedrandom('', { state: state as seedrandom.State.Arc4 }) as unknown as Rng
  return seedrandom(String(seed), { state: true }) as unknown as Rng
}

export function randInt(rng: () => number, n: number): number {
  return Math.floor(rng() * n)
}

export function shuffle<T>(rng: () => number, arr: T[]): T[] {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1)
    const t = arr[i]
    arr[i] = arr[j]
    arr[j] = t
  }
  return arr
}

/** Item indices grouped by label (labels in first-seen order). */
export function groupByLabel(labels: string[], indices?: number[]): Map<string, number[]> {
  const g = new Map<string, number[]>()
  for (const i of indices ?? labels.map((_, k) => k)) {
    const l = labels[i]
    let arr = g.get(l)
    if (!arr) g.set(l, (arr = []))
    arr.push(i)
  }
  return g
}

export interface PairBatch {
  a: Int32Array
  b: Int32Array
  /** 1 = same class. */
  same: Float32Array
}

/**
 * `n` pairs, half same-class and half different-class (the same-class half is rounded up),
 * the anchor's class drawn uniformly over classes so rare classes are not starved.
 * `hardNegative(anchor, candidates)`, when given, picks the negative among a few random
 * candidates for a fraction `hardFraction` of the different-class pairs. `groups`: the
 * classes' items as groupByLabel(labels, indices) gives them (a training loop groups once, not per step).
 */
export function samplePairs(
  rng: () => number,
  labels: string[],
  indices: number[],
  n: number,
  options: { hardFraction?: number; hardNegative?: (anchor: number, candidates: number[]) => number; groups?: number[][] } = {},
): PairBatch {
  const groups = options.groups ?? [...groupByLabel(labels, indices).values()]
  const multi = groups.filter((g) => g.length >= 2)
  if (multi.length === 0) throw new Error('pair sampling needs a class with at least two items')
  if (groups.length < 2) throw new Error('pair sampling needs at least two classes')
  const a = new Int32Array(n)
  const b = new Int32Array(n)
  const same = new Float32Array(n)
  const nSame = Math.ceil(n / 2)
  for (let p = 0; p < n; p++) {
    if (p < nSame) {
      const g = multi[randInt(rng, multi.length)]
      const i = randInt(rng, g.length)
      let j = randInt(rng, g.length - 1)
      if (j >= i) j++
      a[p] = g[i]
      b[p] = g[j]
      same[p] = 1
    } else {
      const gi = randInt(rng, groups.length)
      let gj = randInt(rng, groups.length - 1)
      if (gj >= gi) gj++
      const anchor = groups[gi][randInt(rng, groups[gi].length)]
      let neg = groups[gj][randInt(rng, groups[gj].length)]
      if (options.hardNegative && options.hardFraction && rng() < options.hardFraction) {
        const cands: number[] = []
        for (let c = 0; c < 8; c++) {
          let gc = randInt(rng, groups.length - 1)
          if (gc >= gi) gc++
          cands.push(groups[gc][randInt(rng, groups[gc].length)])
        }
        neg = options.hardNegative(anchor, cands)
      }
      a[p] = anchor
      b[p] = neg
    }
  }
  // Interleave so a truncated batch still holds both kinds.
  const order = shuffle(rng, [...Array(n).keys()])
  return { a: Int32Array.from(order, (k) => a[k]), b: Int32Array.from(order, (k) => b[k]), same: Float32Array.from(order, (k) => same[k]) }
}

/**
 * A class-balanced batch: `classes` classes (all when fewer), up to `perClass` distinct items
 * each (all of a class that has fewer: never a copy, so no item is its own positive), at least
 * one of the chosen classes with two items. Returns item indices and integer class ids.
 */
export function sampleClassBalanced(
  rng: () => number,
  labels: string[],
  indices: number[],
  classes: number,
  perClass: number,
): { items: Int32Array; classIds: Int32Array } {
  const groups = [...groupByLabel(labels, indices).values()].filter((g) => g.length >= 1)
  if (groups.length < 2) throw new Error('class-balanced batches need at least two classes')
  const multi = groups.flatMap((g, k) => (g.length >= 2 ? [k] : []))
  if (multi.length === 0) throw new Error('class-balanced batches need a class with at least two distinct items (give a single-shot class an augmented copy)')
  const chosen = shuffle(rng, [...groups.keys()]).slice(0, Math.min(classes, groups.length))
  if (!chosen.some((k) => groups[k].length >= 2)) chosen[chosen.length - 1] = multi[randInt(rng, multi.length)]
  const items: number[] = []
  const ids: number[] = []
  for (const [c, gi] of chosen.entries()) {
    for (const i of shuffle(rng, [...groups[gi]]).slice(0, Math.max(2, perClass))) {
      items.push(i)
      ids.push(c)
    }
  }
  return { items: Int32Array.from(items), classIds: Int32Array.from(ids) }
}

/** Splits items by speaker: a fraction of the speakers (at least one when > 0) go to the held-out side. */
export function speakerSplit(
  rng: () => number,
  speakers: string[],
  heldOutFraction: number,
  indices?: number[],
): { train: number[]; heldOut: number[]; heldOutSpeakers: string[] } {
  const idx = indices ?? speakers.map((_, i) => i)
  const unique = [...new Set(idx.map((i) => speakers[i]))].sort()
  if (heldOutFraction <= 0 || unique.length < 2) return { train: idx, heldOut: [], heldOutSpeakers: [] }
  const nHeld = Math.min(unique.length - 1, Math.max(1, Math.round(unique.length * heldOutFraction)))
  const held = new Set(shuffle(rng, unique).slice(0, nHeld))
  return {
    train: idx.filter((i) => !held.has(speakers[i])),
    heldOut: idx.filter((i) => held.has(speakers[i])),
    heldOutSpeakers: [...held].sort(),
  }
}

/** K items per class drawn from `indices` (all of a class when it has fewer). */
export function selectShots(rng: () => number, labels: string[], indices: number[], shots: number): number[] {
  const out: number[] = []
  for (const g of groupByLabel(labels, indices).values()) out.push(...shuffle(rng, [...g]).slice(0, shots))
  return out.sort((x, y) => x - y)
}
