/** Stratified clip folds of a person's examples (held-out estimate, and the recommended recipe's inner rotations). */
import { makeRng } from '../model/sampling'

/** Fold of each item: per class, shuffled and dealt round-robin, continuing where the last class stopped. */
export function stratifiedFolds(labels: string[], k: number, seed: number): number[] {
  const rng = makeRng(`${seed}-enroll-folds`)
  const fold = new Array<number>(labels.length).fill(-1)
  const byClass = new Map<string, number[]>()
  labels.forEach((l, i) => byClass.set(l, [...(byClass.get(l) ?? []), i]))
  let next = 0
  for (const c of [...byClass.keys()].sort()) {
    const idx = byClass.get(c)!
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1))
      ;[idx[i], idx[j]] = [idx[j], idx[i]]
    }
    for (const i of idx) fold[i] = next++ % k
  }
  return fold
}
