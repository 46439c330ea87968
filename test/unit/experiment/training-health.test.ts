/**
 * "Did training train?" (experiment/training-health.ts): per arm, how many fine-tunes and bases
 * stopped training (an epoch with active_fraction <= 0.01), the arms above 10%, the bases whose best
 * epoch was the first; results.json and the report carry it.
 */
import { describe, expect, it } from 'vitest'
import { trainingHealth, trainingHealthHtml } from '../../../src-main/services/experiment/training-health'
import type { PretrainRecord } from '../../../src-shared/contract/experiments'
import { recordsFor } from './records'

const diag = (active: number[]) => active.map((a, i) => ({ epoch: i + 1, loss: 1, active_fraction: a, grad_norm: 1, embedding_norm: 1, weight_change: 0.1 }))

describe('training health', () => {
  const records = recordsFor(
    { sources: [{ name: 'cremad', ref: '/c' }], target: { name: 'ravdess', ref: '/r' }, pretrainSeeds: 1, frozen: [0], shots: [1, 5], folds: 2, seeds: 2 },
    () => 8,
  ).map((r) => ({
    ...r,
    // distance fine-tunes at 1 shot stop training; everything else keeps a gradient
    diagnostics:
      r.method === 'pretrained_only' ? [] : diag(r.method === 'finetune' && r.finetune_loss === 'distance' && r.shots === 1 ? [0.6, 0.005, 0] : [0.9, 0.7]),
  }))
  const base = (loss: 'distance' | 'contrastive', best: number, active: number[]): PretrainRecord => ({
    source: 'cremad',
    pretrain_loss: loss,
    pretrain_seed: 1,
    speakers: { pretrain: ['a'], validation: ['b'], tuning: ['c'] },
    epochs: 8,
    best_epoch: best,
    val_accuracy: 0.5,
    hyper: { margin: 0.5, temperature: 0.25, learningRate: 1e-3 },
    diagnostics: diag(active),
    seconds: 1,
  })

  it('counts per arm and shots value, flags arms above 10%, names bases with best epoch 1', () => {
    const h = trainingHealth(records, [base('distance', 1, [0.8, 0.6]), base('contrastive', 4, [0.5, 0.01])])
    const ft = h.rows.find((r) => r.arm === 'fine-tuned from cremad, contrastive -> distance, frozen 0')!
    expect(ft).toMatchObject({ stopped: 4, n: 8, byShots: { '1': [4, 4], '5': [0, 4] } })
    expect(h.rows.find((r) => r.arm === 'fine-tuned from cremad, distance -> contrastive, frozen 0')).toMatchObject({ stopped: 0, n: 8 })
    expect(h.rows.find((r) => r.arm === 'softmax classifier')).toMatchObject({ stopped: 0, n: 8 })
    expect(h.rows.some((r) => r.arm.startsWith('pre-trained only'))).toBe(false) // nothing trained
    expect(h.rows.find((r) => r.arm === 'base cremad, contrastive')).toMatchObject({ kind: 'base', stopped: 1, n: 1 })
    expect(h.flagged.sort()).toEqual([
      'base cremad, contrastive',
      'fine-tuned from cremad, contrastive -> distance, frozen 0',
      'fine-tuned from cremad, distance -> distance, frozen 0',
    ])
    expect(h.bestEpochOne).toEqual(['cremad, distance, seed 1'])
    const html = trainingHealthHtml(h)
    expect(html).toContain('stopped training: 4 of 8')
    expect(html).toContain('1 shots: 4 of 4')
    expect(html).toMatch(/best validation epoch was the first.*cremad, distance, seed 1/)
  })

  it('says so when nothing stopped', () => {
    const h = trainingHealth(records.filter((r) => r.shots === 5), [base('distance', 3, [0.8])])
    expect(h.flagged).toEqual([])
    expect(trainingHealthHtml(h)).toContain('No arm or base stopped training in more than 10% of its records.')
  })
})
