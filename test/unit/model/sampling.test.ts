import { describe, expect, it } from 'vitest'
import { makeRng, sampleClassBalanced, samplePairs, selectShots, speakerSplit } from '../../../src-main/services/model/sampling'

const labels = Array.from({ length: 120 }, (_, i) => ['a', 'b', 'c', 'd'][i % 4] + (i < 8 ? '' : ''))
labels[0] = 'rare'
labels[1] = 'rare'
const speakers = Array.from({ length: 120 }, (_, i) => `s${Math.floor(i / 10)}`)
const all = labels.map((_, i) => i)

describe('sampling', () => {
  it('pairs are balanced same/different and correct', () => {
    const p = samplePairs(makeRng(1), labels, all, 200)
    let same = 0
    for (let k = 0; k < 200; k++) {
      expect(p.same[k] === 1).toBe(labels[p.a[k]] === labels[p.b[k]])
      expect(p.a[k]).not.toBe(p.b[k])
      same += p.same[k]
    }
    expect(same).toBe(100)
  })

  it('pairs are reproducible from a seed and from a saved rng state', () => {
    const r1 = makeRng(7)
    samplePairs(r1, labels, all, 10)
    const state = r1.state()
    const next1 = samplePairs(r1, labels, all, 10)
    const next2 = samplePairs(makeRng(7, state), labels, all, 10)
    expect(Array.from(next2.a)).toEqual(Array.from(next1.a))
    expect(Array.from(samplePairs(makeRng(3), labels, all, 20).b)).toEqual(Array.from(samplePairs(makeRng(3), labels, all, 20).b))
    expect(Array.from(samplePairs(makeRng(3), labels, all, 20).b)).not.toEqual(Array.from(samplePairs(makeRng(4), labels, all, 20).b))
  })

  it('hard negatives come from the given chooser', () => {
    const p = samplePairs(makeRng(2), labels, all, 100, { hardFraction: 1, hardNegative: (_a, c) => Math.max(...c) })
    for (let k = 0; k < 100; k++) if (p.same[k] === 0) expect(labels[p.a[k]]).not.toBe(labels[p.b[k]])
  })

  it('class-balanced batches hold perClass distinct items of each chosen class (all of a smaller class, never a copy)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const b = sampleClassBalanced(makeRng(seed), labels, all, 3, 4)
      const byClass = new Map<number, string>()
      b.classIds.forEach((c, k) => {
        const l = labels[b.items[k]]
        if (byClass.has(c)) expect(byClass.get(c)).toBe(l)
        byClass.set(c, l)
      })
      expect(byClass.size).toBe(3)
      expect(new Set(b.items).size).toBe(b.items.length)
      for (const l of byClass.values()) expect(Array.from(b.items).filter((i) => labels[i] === l)).toHaveLength(l === 'rare' ? 2 : 4)
    }
  })

  it('with fewer shots than perClass no item is drawn twice, so no anchor is its own positive', () => {
    // K = 3 shots of 4 classes, batches ask for 8 per class: the old sampler drew with replacement
    const few = selectShots(makeRng(3), labels, all.slice(2), 3)
    for (let seed = 1; seed <= 20; seed++) {
      const b = sampleClassBalanced(makeRng(seed), labels, few, 8, 8)
      expect(new Set(b.items).size).toBe(b.items.length)
      expect(b.items.length).toBe(12)
    }
  })

  it('class-balanced batches always include a class with a positive pair, and refuse when none has two items', () => {
    const lab = ['a', 'b', 'c', 'd', 'd']
    for (let seed = 1; seed <= 30; seed++) {
      const b = sampleClassBalanced(makeRng(seed), lab, [0, 1, 2, 3, 4], 2, 4)
      expect(Array.from(b.items).filter((i) => lab[i] === 'd')).toHaveLength(2)
    }
    expect(() => sampleClassBalanced(makeRng(1), lab, [0, 1, 2, 3], 2, 4)).toThrow(/at least two distinct items/)
  })

  it('pairs never join an item with itself', () => {
    const few = selectShots(makeRng(4), labels, all.slice(2), 2)
    const p = samplePairs(makeRng(5), labels, few, 500)
    for (let k = 0; k < 500; k++) expect(p.a[k]).not.toBe(p.b[k])
  })

  it('speaker split puts no speaker on both sides', () => {
    const s = speakerSplit(makeRng(1), speakers, 0.25)
    const a = new Set(s.train.map((i) => speakers[i]))
    const b = new Set(s.heldOut.map((i) => speakers[i]))
    expect([...a].filter((x) => b.has(x))).toEqual([])
    expect(b.size).toBe(3)
    expect(s.train.length + s.heldOut.length).toBe(120)
  })

  it('K shots per class (all of a class with fewer)', () => {
    const shots = selectShots(makeRng(1), labels, all, 5)
    const count = new Map<string, number>()
    for (const i of shots) count.set(labels[i], (count.get(labels[i]) ?? 0) + 1)
    expect(count.get('rare')).toBe(2)
    expect(count.get('c')).toBe(5)
  })
})
