/**
 * Enroll with the recommended recipe: the request accepts recipe 'recommended' (and nothing
 * but 'fixed' or 'recommended'), the shared chooser (services/model/recipe.ts) picks keep-or-
 * fine-tune, frozen layers and loss on the person's examples by clip folds, each held-out fold
 * chooses on its own training examples only (nested), and the result and the card carry the choice.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { runEnrollment } from '../../../src-main/services/enroll/index'
import { readCard } from '../../../src-main/services/model/storage'
import { EnrollRequestSchema, type EnrollResult } from '../../../src-shared/contract/enroll'
import { tempWorkspace } from '../../helpers/workspace'
import { recordExamples } from './helpers'

const ws = tempWorkspace('ser-enroll-recipe-')
afterAll(() => ws.cleanup())

describe('Enroll with the recommended recipe', () => {
  let result: EnrollResult
  const messages: string[] = []
  const out = path.join(ws.dir, 'profiles', 'bea-recommended')

  beforeAll(async () => {
    await initBackend()
    const clipIds = await recordExamples(ws, 'Bea', ['angry', 'sad', 'happy'], 4, '02')
    result = await runEnrollment(
      { workspace: ws.dir, out, name: 'Bea recommended', person: 'Bea', clipIds, baseModel: 'default', recipe: 'recommended', epochs: 2, folds: 3, seed: 5 },
      (p) => messages.push(p.message),
    )
  }, 600_000)

  it('accepts recommended or fixed, nothing else', () => {
    const base = { name: 'x', person: 'Bea', clipIds: [1, 2, 3, 4] }
    expect(EnrollRequestSchema.parse(base).recipe).toBe('fixed')
    expect(EnrollRequestSchema.parse({ ...base, recipe: 'recommended' }).recipe).toBe('recommended')
    expect(EnrollRequestSchema.safeParse({ ...base, recipe: 'best' }).success).toBe(false)
  })

  it('chooses by clip folds of the examples, once per held-out fold and once on every example, and says so', () => {
    const r = result.recipe!
    expect(r).not.toBeNull()
    expect(r.choice.unit).toBe('clip fold')
    expect(r.choice.speakers).toEqual(['Bea'])
    expect(r.choice.candidates[0].label).toBe('unchanged base (prototypes only)')
    expect(r.choice.candidates.length).toBeGreaterThanOrEqual(3)
    expect(r.choice.rotations).toBe(3) // 4 examples per emotion: 3 clip folds
    expect(r.folds).toHaveLength(result.heldOut.folds)
    expect(result.heldOut.method).toMatch(/recipe chosen by an inner cross-validation on the other folds' examples only/)
    expect(result.finetuned).toBe(r.choice.finetune)
    expect(messages.some((m) => /choosing the recipe/.test(m))).toBe(true)
    expect(readCard(out).recipe?.label).toBe(r.choice.label)
  })
})
