/** Accuracy, UAR and macro-F1 against values worked out by hand (the same as scikit-learn's). */
import { describe, expect, it } from 'vitest'
import { classificationMetrics, confusionMatrix, mean, sd } from '../../../src-main/services/experiment/index'

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

  it('mean and sample standard deviation', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5)
    expect(sd([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 12)
    expect(sd([7])).toBe(0)
    expect(mean([])).toBeNaN()
  })
})
