/** The grid: expansion into arms, crossed losses, the size cap, classes shared by source and target, parsing and validation of the CLI's lists. */
import { describe, expect, it } from 'vitest'
import {
  chooseClasses,
  configKey,
  expandGrid,
  gridSize,
  makeConfig,
  MAX_EVALUATIONS,
  parseCorpusArg,
  parseList,
  parseLoss,
  parseShots,
  parseInteger,
} from '../../../src-main/services/experiment/index'

const base = { sources: [{ name: 'cremad', ref: '/d/c' }], target: { name: 'ravdess', ref: '/d/r' } }

describe('experiment grid', () => {
  it('has defaults that keep the default grid within the hour, and expands to one evaluation per arm', () => {
    const c = makeConfig(base)
    expect(c).toMatchObject({
      losses: ['contrastive', 'distance'],
      pretrainSeeds: 5,
      frozen: [0, 1],
      shots: [1, 5, 'all'],
      folds: 5,
      seeds: 1,
      model: 'mlp',
      classes: 'common',
    })
    const all = expandGrid(c)
    // per (fold, seed, shots): softmax + target-only x 2 + 10 bases x (pretrained-only + finetune x 2 losses x 2 frozen + recommended)
    expect(all).toHaveLength(5 * 1 * 3 * (1 + 2 + 10 * (1 + 4 + 1)))
    expect(expandGrid(makeConfig({ ...base, recommended: false }))).toHaveLength(795)
    expect(all.filter((t) => t.method === 'recommended').every((t) => t.finetune_loss === null && t.frozen === null && t.pretrain_seed !== null)).toBe(true)
    expect(gridSize(c).evaluations).toBe(all.length)
    expect(new Set(all.map((t) => t.key)).size).toBe(all.length)
    expect(
      all
        .filter((t) => t.method === 'softmax')
        .every((t) => t.source === null && t.pretrain_loss === null && t.finetune_loss === null && t.pretrain_seed === null),
    ).toBe(true)
    expect(all.filter((t) => t.method === 'target_only').every((t) => t.source === null && t.finetune_loss !== null && t.pretrain_seed === null)).toBe(true)
    expect(all.filter((t) => t.method === 'pretrained_only').every((t) => t.finetune_loss === null && t.frozen === null && t.pretrain_seed !== null)).toBe(true)
    // The pre-training and fine-tuning losses are crossed.
    const ft = all.filter((t) => t.method === 'finetune')
    expect(new Set(ft.map((t) => `${t.pretrain_loss}>${t.finetune_loss}`))).toEqual(
      new Set(['contrastive>contrastive', 'contrastive>distance', 'distance>contrastive', 'distance>distance']),
    )
    expect(new Set(ft.map((t) => t.pretrain_seed))).toEqual(new Set([1, 2, 3, 4, 5]))
  })

  it('--pretrain-loss and --finetune-loss default to --loss and take all five losses', () => {
    const c = makeConfig({
      ...base,
      losses: ['triplet'],
      finetuneLosses: ['protonet', 'supcon'],
      folds: 2,
      seeds: 1,
      shots: [1],
      frozen: [0],
      pretrainSeeds: 1,
    })
    const ft = expandGrid(c).filter((t) => t.method === 'finetune')
    expect(ft.map((t) => `${t.pretrain_loss}>${t.finetune_loss}`)).toEqual(['triplet>protonet', 'triplet>supcon', 'triplet>protonet', 'triplet>supcon'])
    expect(configKey(expandGrid(c)[0])).toBe('softmax|-|-|-|-|1')
  })

  it('refuses a grid above the cap before expanding it, with the counts', () => {
    const huge = { ...base, shots: Array.from({ length: 20 }, (_, i) => i + 1), folds: 20, seeds: 20, pretrainSeeds: 20 }
    expect(() => makeConfig(huge)).toThrow(
      new RegExp(
        'the grid is too large: \\d+ evaluations \\(8000 support draws = 20 folds x 20 seeds x 20 shots values, 40 pre-trained bases\\); ' +
          `the limit is ${MAX_EVALUATIONS}`,
      ),
    )
    expect(gridSize(makeConfig({ ...base, folds: 2, seeds: 1 })).evaluations).toBeLessThanOrEqual(MAX_EVALUATIONS)
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
    expect(parseList('contrastive,distance,triplet,protonet,supcon', parseLoss, '--loss')).toEqual(['contrastive', 'distance', 'triplet', 'protonet', 'supcon'])
    expect(() => parseList('contrastive,arcface', parseLoss, '--loss')).toThrow(
      /--loss: unknown loss 'arcface' \(contrastive, distance, triplet, protonet, supcon\)/,
    )
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
