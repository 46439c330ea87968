/**
 * The recommended arm on generated feature sets: one record per base and support draw,
 * carrying its choice; its chooser saw only the arm's K-shot support draw (grouped by
 * speaker) and never a test speaker; its record is the chosen arm's; results.json, results.csv and the
 * report state its choices and its margin over the best fixed arm per shots value.
 * Also the summary on hand-made records: the margin is the paired difference to the best
 * fixed arm, and a recommended arm that is clearly worse is reported as such.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  collectResults,
  gridSize,
  runPlan,
  writeOutputs,
} from '../../../src-main/services/experiment/index'
import { recommendedSummary } from '../../../src-main/services/experiment/recommended'
import { tempDir } from '../../helpers/workspace'
import { generatedConfig, openGenerated } from './generated'
import { CLASSES, recordsFor } from './records'

const config = generatedConfig({
  losses: ['distance'],
  finetuneLosses: ['distance', 'contrastive'],
  pretrainSeeds: 1,
  shots: [1, 'all'],
  tuneBudget: 1,
  tuneEpochs: 1,
  recommendFolds: 2,
})
const root = tempDir('ser-exp-recommended-')
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('the recommended arm', () => {
  it('chooses on the support speakers only, carries its choice, and is reported with its margin over the best fixed arm', async () => {
    const { plan, outDir } = openGenerated(path.join(root, 'run'), config, 10)
    await runPlan(outDir, plan)
    const { records } = collectResults(outDir)
    expect(records).toHaveLength(gridSize(config).evaluations)
    const rec = records.filter((r) => r.method === 'recommended')
    expect(rec).toHaveLength(3 * 2)
    const allTarget = [...new Set(records.flatMap((r) => [...r.speakers.support, ...r.speakers.test]))].sort()
    for (const r of rec) {
      const choice = r.recipe!
      expect(choice, `fold ${r.fold}`).toBeDefined()
      // The chooser saw exactly the arm's K-shot support draw (the clips every fixed arm trains on): never a test speaker,
      // and at 1 shot not every speaker of the other folds (with 'all' it is all of them).
      expect(choice.speakers.filter((s) => r.speakers.test.includes(s)), `fold ${r.fold}, ${r.shots} shots`).toEqual([])
      expect(choice.speakers).toEqual(r.speakers.support)
      const otherFolds = allTarget.filter((s) => !r.speakers.test.includes(s))
      if (r.shots === 'all') expect(choice.speakers).toEqual(otherFolds)
      else expect(choice.speakers.length).toBeLessThanOrEqual(CLASSES.length)
      expect(r.speakers.support.filter((s) => r.speakers.test.includes(s))).toEqual([])
      if (r.shots === 'all') expect(choice.rotations).toBe(2)
      else if (choice.rotations === 0) expect(choice.reason).toMatch(/cross-validation impossible/)
      expect(choice.candidates.map((c) => c.label)).toEqual([
        'unchanged base (prototypes only)',
        'fine-tune with distance, 1 frozen layer',
        'fine-tune with contrastive, 1 frozen layer',
      ])
      expect(r.finetune_loss).toBeNull()
      // Its final model is the chosen arm's: the same predictions on the same fold and draw.
      const same = records.find((x) => x.fold === r.fold && x.seed === r.seed && x.shots === r.shots && x.pretrain_seed === r.pretrain_seed &&
        (choice.finetune ? x.method === 'finetune' && x.finetune_loss === choice.loss && x.frozen === choice.frozen : x.method === 'pretrained_only'))!
      expect(r.confusion).toEqual(same.confusion)
    }

    await writeOutputs(outDir)
    const json = JSON.parse(fs.readFileSync(path.join(outDir, 'results.json'), 'utf8'))
    const v = json.recommended.variants[0]
    expect(v.label).toBe('recommended recipe on src (distance)')
    expect(v.choices.map((c: { n: number }) => c.n)).toEqual([3, 3])
    expect(v.choices.map((c: { counts: { n: number }[] }) => c.counts.reduce((a, b) => a + b.n, 0))).toEqual([3, 3])
    expect(v.vsBestCandidate).toHaveLength(2)
    for (const m of v.vsBestCandidate) expect(m.effect.units.pairs).toBe(3)
    const csv = fs.readFileSync(path.join(outDir, 'results.csv'), 'utf8')
    expect(csv.split('\n')[0]).toMatch(/,recipe$/)
    const html = fs.readFileSync(path.join(outDir, 'report.html'), 'utf8')
    expect(html).toContain('<h2>The recommended recipe</h2>')
    expect(html).toContain('what it chose (times)')
  }, 300_000)

  it('measures the margin against the best fixed arm, paired, and says when the recommendation is significantly worse', () => {
    const grid = { sources: [{ name: 'c', ref: '/c' }], target: { name: 'r', ref: '/r' }, folds: 5, seeds: 2, pretrainSeeds: 5, shots: [5], frozen: [0, 1] }
    // finetune frozen 0 is the best fixed arm (10/12); the recommended arm scores 6/12 or 7/12 (5 folds and 5 bases: enough units for an interval).
    const records = recordsFor(grid, (e) => (e.method === 'recommended' ? 6 + (e.seed % 2) : e.method === 'finetune' && e.frozen === 0 ? 10 : 8))
    const s = recommendedSummary(records, [5])
    expect(s.variants).toHaveLength(2)
    for (const v of s.variants) {
      expect(v.vsBestCandidate[0].best).toMatch(/frozen 0/)
      expect(v.vsBestCandidate[0].effect.effect).toBeCloseTo((6.5 - 10) / 12, 10)
      expect(v.vsBestCandidate[0].effect.verdict).toBe('contradicted')
      expect(v.neverWorse).toBe(false)
    }
    expect(s.text).toMatch(/SIGNIFICANTLY WORSE/)
    const fine = recommendedSummary(recordsFor(grid, (e) => (e.method === 'recommended' || (e.method === 'finetune' && e.frozen === 0) ? 10 : 8)), [5])
    expect(fine.variants.every((v) => v.neverWorse)).toBe(true)
  })
})
