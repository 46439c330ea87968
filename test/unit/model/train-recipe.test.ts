/**
 * `ser train --recipe recommended`: the recipe is chosen by the shared chooser (model/recipe.ts)
 * on the target's fine-tune and validation speakers only, the card records the choice and
 * every candidate's scores, and the held-out and calibration speakers were never shown to it.
 * Without a target the option is refused before anything starts.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listRuns } from '../../../src-main/services/model/registry'
import type { ModelCard } from '../../../src-shared/contract/models'
import { runCli, tinyWithTarget, trainArgs, type tinyWorkspace } from './trained-workspace'

describe('ser train --recipe recommended', () => {
  let ws: Awaited<ReturnType<typeof tinyWorkspace>>
  beforeAll(async () => {
    ws = await tinyWithTarget('rav-recipe', 'recipe')
  }, 300_000)
  afterAll(() => ws?.cleanup())

  it('chooses on the fine-tune and validation speakers only and records the choice on the card', async () => {
    const out = path.join(ws.dir, 'models', 'recommended')
    const r = await runCli(
      trainArgs(ws, 'rav-recipe', '--recipe', 'recommended', '--epochs', '1', '--steps', '3', '--finetune-epochs', '2', '--out', out, '--json'),
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/choosing the recipe/)
    const card = (JSON.parse(r.stdout) as { card: ModelCard }).card
    const choice = card.recipe!
    expect(choice).toBeDefined()
    expect(choice.unit).toBe('speaker')
    expect(choice.rotations).toBeGreaterThanOrEqual(2)
    expect(choice.candidates[0].label).toBe('unchanged base (prototypes only)')
    expect(choice.candidates.length).toBe(5) // the base kept, or distance / contrastive with 0 or 1 frozen layers
    const seen = choice.speakers.map((s) => `rav-recipe:${s}`)
    const roles = card.speakers!
    expect(seen.filter((s) => roles.heldOut.includes(s) || roles.calibration.includes(s))).toEqual([])
    for (const s of roles.finetune) expect(seen).toContain(s)
    expect(card.frozenLayers).toBe(choice.finetune ? choice.frozen : 0)
  }, 400_000)

  it('is refused without a target, before anything starts', async () => {
    const before = listRuns(ws).length
    const out = path.join(ws.dir, 'models', 'no-target')
    const r = await runCli(['--workspace', ws.dir, 'train', '--source', ws.dataset, '--recipe', 'recommended', '--out', out])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/--recipe recommended chooses how to fine-tune on a target: give --target/)
    expect(listRuns(ws).length).toBe(before)
  }, 60_000)
})
