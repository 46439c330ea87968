/**
 * Accuracy, UAR and macro-F1 against values worked out by hand (the same as scikit-learn's), from
 * the one implementation (model/metrics.ts); a model card and an experiment record of the same
 * predictions carry the same figures.
 */
import { describe, expect, it } from 'vitest'
import { mean, sd } from '../../../src-main/services/experiment/index'
import { recordMetrics } from '../../../src-main/services/experiment/metrics'
import { heldOutEstimate } from '../../../src-main/services/model/estimate'
import { classificationMetrics, confusionMatrix } from '../../../src-main/services/model/metrics'

describe('experiment metrics', () => {
  it('computes accuracy, UAR and macro-F1 of an unbalanced test set', () => {
    const m = classificationMetrics(['a', 'b', 'c'], ['a', 'a', 'a', 'b', 'b', 'c'], ['a', 'a', 'b', 'b', 'c', 'c'])
    expect(m.confusion).toEqual({ a: { a: 2, b: 1, c: 0 }, b: { a: 0, b: 1, c: 1 }, c: { a: 0, b: 0, c: 1 } })
    expect(m.accuracy).toBeCloseTo(4 / 6, 12)
    // recalls 2/3, 1/2, 1 -> UAR 13/18 (sklearn balanced_accuracy_score)
    expect(m.uar).toBeCloseTo(13 / 18, 12)
    // precisions 1, 1/2, 1/2 -> F1 0.8, 0.5, 2/3 (sklearn f1_score average='macro')
    expect(m.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12)
  })

  it('averages over the classes present in the truth; a class only predicted costs precision, not recall', () => {
    const m = classificationMetrics(['a', 'b', 'd'], ['a', 'b'], ['d', 'b'])
    expect(m.accuracy).toBe(0.5)
    expect(m.uar).toBe(0.5)
    expect(m.macroF1).toBe(0.5)
    expect(m.confusion.d).toEqual({ a: 0, b: 0, d: 0 })
  })

  it('UAR is chance for a constant guess whatever the class balance; accuracy is not', () => {
    const truth = [...Array(90).fill('a'), ...Array(10).fill('b')]
    const m = classificationMetrics(['a', 'b'], truth, Array(100).fill('a'))
    expect(m.accuracy).toBeCloseTo(0.9, 12)
    expect(m.uar).toBeCloseTo(0.5, 12)
  })

  it('names the problem on bad input', () => {
    expect(() => confusionMatrix(['a', 'b'], ['a'], ['a', 'b'])).toThrow(/truth has 1 labels, predictions 2/)
    expect(() => confusionMatrix(['a', 'b'], ['x'], ['a'])).toThrow(/label 'x' is not one of the classes a, b/)
    expect(() => confusionMatrix(['a', 'b'], ['a'], ['z'])).toThrow(/prediction 'z'/)
    expect(() => classificationMetrics(['a'], [], [])).toThrow(/empty test set/)
  })

  it('without a class list: the labels in order of first appearance, truth first; the same figures as with that list', () => {
    const truth = ['c', 'a', 'c', 'b']
    const predicted = ['c', 'd', 'a', 'b']
    const m = classificationMetrics(null, truth, predicted)
    expect(Object.keys(m.confusion)).toEqual(['c', 'a', 'b', 'd'])
    expect(m).toEqual(classificationMetrics(['c', 'a', 'b', 'd'], truth, predicted))
    expect(m.uar).toBeCloseTo((1 / 2 + 0 + 1) / 3, 12)
  })

  it('has no metrics of an empty set, with or without a class list', () => {
    expect(() => classificationMetrics(null, [], [])).toThrow(/metrics of an empty test set/)
    expect(() => classificationMetrics(['a', 'b'], [], [])).toThrow(/metrics of an empty test set/)
  })

  it('mean and sample standard deviation', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5)
    expect(sd([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 12)
    expect(sd([7])).toBe(0)
    expect(mean([])).toBeNaN()
  })
})

describe('a model card and an experiment report of the same predictions', () => {
  // Class c comes first in the truth, last in the class list: summed in the truth's order
  // (c, a, b), the recalls 1/3, 1, 1 give a UAR 1 ulp below the class list's order (a, b, c),
  // which is what the card's and the report's two implementations did.
  const classes = ['a', 'b', 'c']
  const truth = ['c', 'c', 'c', 'a', 'b', 'a', 'b']
  const predicted = ['c', 'a', 'b', 'a', 'b', 'a', 'b']
  const speakers = ['s1', 's1', 's2', 's2', 's3', 's3', 's4']

  it('carry the same accuracy, UAR and macro-F1 (to the last bit) and the same confusion', () => {
    const card = heldOutEstimate(truth, predicted, speakers, { ece: null, data: 'test', classes })
    const report = recordMetrics(classes, truth, predicted)
    expect(card.accuracy.value).toBe(report.accuracy)
    expect(card.uar.value).toBe(report.uar)
    expect(card.macroF1).toBe(report.macro_f1)
    expect(report.uar).toBe((1 + 1 + 1 / 3) / 3)
    expect((1 / 3 + 1 + 1) / 3).not.toBe(report.uar)
    // each speaker's UAR (too few speakers for an interval) from the same function too
    expect(card.uar.perSpeaker?.map((p) => p.value)).toEqual(['s1', 's2', 's3', 's4'].map((s) => {
      const idx = speakers.flatMap((x, i) => (x === s ? [i] : []))
      return recordMetrics(classes, idx.map((i) => truth[i]), idx.map((i) => predicted[i])).uar
    }))
  })

  it('both have no figures of an empty set', () => {
    expect(() => heldOutEstimate([], [], [], { ece: null, data: 'test', classes })).toThrow(/empty test set/)
    expect(() => recordMetrics(classes, [], [])).toThrow(/empty test set/)
  })
})
