/** The grid: expansion, keys, classes shared by source and target, parsing and validation of the CLI's lists. */
import { describe, expect, it } from 'vitest'
import { chooseClasses, configKey, expandGrid, makeConfig, parseCorpusArg, parseList, parseLoss, parseShots, parseInteger } from '../../../src-main/services/experiment/index'

const base = { sources: [{ name: 'cremad', ref: '/d/c' }], target: { name: 'ravdess', ref: '/d/r' } }

describe('experiment grid', () => {
  it('has the paper defaults and expands to one task per method x source x loss x frozen x shots x fold x seed', () => {
    const c = makeConfig(base)
    expect(c).toMatchObject({ losses: ['contrastive', 'distance'], frozen: [0, 1, 2], shots: [1, 5, 10, 'all'], folds: 4, seeds: 3, model: 'mlp', classes: 'common' })
    const tasks = expandGrid(c)
    // per (fold, seed, shots): softmax + target-only x 2 losses + fine-tuned x 1 source x 2 losses x 3 frozen = 9
    expect(tasks).toHaveLength(4 * 3 * 4 * 9)
    expect(new Set(tasks.map((t) => t.key)).size).toBe(tasks.length)
    expect(tasks.filter((t) => t.method === 'softmax').every((t) => t.source === null && t.loss === null && t.frozen === null)).toBe(true)
    expect(tasks.filter((t) => t.method === 'target_only').every((t) => t.source === null && t.loss !== null && t.frozen === null)).toBe(true)
    // Tasks sharing fold, seed and shots are adjacent, so they share one support set.
    const groups = tasks.map((t) => `${t.fold}|${t.seed}|${t.shots}`)
    const firstSeen = new Map<string, number>()
    groups.forEach((g, i) => {
      if (firstSeen.has(g)) expect(groups[i - 1]).toBe(g)
      else firstSeen.set(g, i)
    })
  })

  it('two sources double the fine-tuned tasks only', () => {
    const c = makeConfig({ ...base, sources: [...base.sources, { name: 'enterface', ref: '/d/e' }], folds: 2, seeds: 1, shots: [1], frozen: [0] })
    const t = expandGrid(c)
    expect(t.filter((x) => x.method === 'finetune')).toHaveLength(2 * 2 * 2)
    expect(t).toHaveLength(2 * (1 + 2 + 4))
    expect(configKey(t[0])).toBe('softmax|-|-|-|1')
  })

  it('uses the classes every corpus shares, in canonical order', () => {
    const ravdess = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised']
    const cremad = ['angry', 'disgust', 'fearful', 'happy', 'neutral', 'sad']
    const enterface = ['angry', 'disgust', 'fearful', 'happy', 'sad', 'surprised']
    expect(chooseClasses('common', ravdess, [cremad])).toEqual(['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgust'])
    expect(chooseClasses('common', ravdess, [cremad, enterface])).toEqual(['happy', 'sad', 'angry', 'fearful', 'disgust'])
    expect(chooseClasses('all', ravdess, [cremad])).toEqual(ravdess)
    expect(chooseClasses(['sad', 'happy'], ravdess, [cremad])).toEqual(['happy', 'sad'])
    expect(() => chooseClasses(['sad', 'bored'], ravdess, [cremad])).toThrow(/bored do not occur in the target/)
    expect(() => chooseClasses('common', ['calm', 'happy'], [['happy', 'sad']])).toThrow(/at least two classes/)
  })

  it('parses the CLI lists and rejects bad values with the option named', () => {
    expect(parseCorpusArg('cremad=/data/CREMA-D')).toEqual({ name: 'cremad', ref: '/data/CREMA-D' })
    expect(parseCorpusArg('x=a=b')).toEqual({ name: 'x', ref: 'a=b' })
    expect(() => parseCorpusArg('/data/CREMA-D')).toThrow(/expected NAME=DIR/)
    expect(parseList('1, 5,10,all', parseShots, '--shots')).toEqual([1, 5, 10, 'all'])
    expect(parseList('contrastive,distance', parseLoss, '--loss')).toEqual(['contrastive', 'distance'])
    expect(() => parseList('contrastive,triplet', parseLoss, '--loss')).toThrow(/--loss: unknown loss 'triplet'/)
    expect(() => parseList('0,one', parseInteger, '--frozen')).toThrow(/--frozen: 'one' is not an integer/)
    expect(() => parseList(' , ', parseInteger, '--folds')).toThrow(/--folds: empty list/)
  })

  it('validates a configuration with readable messages', () => {
    expect(() => makeConfig({ ...base, folds: 1 })).toThrow(/invalid experiment configuration: folds/)
    expect(() => makeConfig({ ...base, shots: [0] })).toThrow(/shots/)
    expect(() => makeConfig({ ...base, target: { name: 'cremad', ref: '/x' } })).toThrow(/corpus names must differ/)
    expect(() => makeConfig({ ...base, sources: [] })).toThrow(/sources/)
    expect(makeConfig({ ...base, frozen: [1, 1, 0], shots: [5, 5] })).toMatchObject({ frozen: [1, 0], shots: [5] })
  })
})
