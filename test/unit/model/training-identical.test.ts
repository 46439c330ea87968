/**
 * The speed work (fused dense-stack op, fused contrastive head, fused Adam on wasm: docs/engine.md)
 * must not change what training computes: the same seeded trainings as before it give the same
 * losses, accuracies, diagnostics and weights to within float32 rounding. The reference figures were
 * captured from the code before the change (fixtures/training-reference.json, capture-training-reference.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { PLANS, referenceRun, type EpochFigures, type ReferenceRun } from './training-reference'

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'training-reference.json'), 'utf8')) as { runs: ReferenceRun[] }

/** |a - b| within rel * max(|a|, |b|) + abs. */
function close(a: number | null, b: number | null, rel: number, abs: number): boolean {
  if (a === null || b === null) return a === b
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + abs
}

beforeAll(async () => {
  expect((await initBackend()).name).toBe('wasm')
})

describe('training results are unchanged by the speed work', () => {
  for (const plan of PLANS) {
    it(`${plan.name}: every epoch's losses, accuracies and diagnostics, and the final weights`, async () => {
      const ref = fixture.runs.find((r) => r.name === plan.name)!
      const now = await referenceRun(plan)
      expect(now.epochs).toHaveLength(ref.epochs.length)
      now.epochs.forEach((e, i) => {
        const r = ref.epochs[i]
        for (const k of ['trainLoss', 'valLoss', 'grad_norm', 'active_fraction', 'weight_change', 'embedding_norm'] as (keyof EpochFigures)[]) {
          expect(close(e[k], r[k], 2e-3, 1e-5), `epoch ${i + 1} ${k}: ${e[k]} vs ${r[k]}`).toBe(true)
        }
        // one validation item is 1/72 of the accuracy: float rounding must flip none
        expect(e.valAccuracy, `epoch ${i + 1} valAccuracy`).toBeCloseTo(r.valAccuracy!, 9)
      })
      expect(close(now.weightSum, ref.weightSum, 1e-4, 0), `weights ${now.weightSum} vs ${ref.weightSum}`).toBe(true)
    }, 120_000)
  }
})
