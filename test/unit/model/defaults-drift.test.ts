/**
 * A default typed anywhere but the train-spec schema fails here: the schema's every default
 * (settings and phase defaults) is shifted to another valid value, and every surface must
 * follow (`ser train`, the Train form, the server's request, the engine, the grid's lengths).
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import * as actual from '../../../src-shared/contract/train-spec'
import { defaultMismatches } from './defaults-once'

vi.mock('../../../src-shared/contract/train-spec', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../../src-shared/contract/train-spec')>()
  const d = m.trainDefaults()
  const shifted = (key: keyof typeof d, f: z.ZodType): z.ZodType => {
    if (!(f instanceof z.ZodDefault) || d[key] === null) return f
    const inner = f.unwrap() as z.ZodType
    let core: z.ZodType = inner
    while (core instanceof z.ZodNullable || core instanceof z.ZodOptional) core = core.unwrap() as z.ZodType
    const v = d[key]
    const next = core instanceof z.ZodEnum ? core.options.find((o) => o !== v) : typeof v === 'number' ? v + 3 : `${String(v)}-shifted`
    return inner.default(next as never).describe(`${f.description ?? key} (shifted)`)
  }
  const shape = Object.fromEntries(Object.entries(m.TrainSettingsSchema.shape).map(([k, f]) => [k, shifted(k as keyof typeof d, f)]))
  const S = m.TrainSettingsSchema.extend(shape) as unknown as typeof m.TrainSettingsSchema
  const phase = (p: Record<string, number>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Number.isInteger(v) ? v + 2 : v / 2]))
  return {
    ...m,
    TrainSettingsSchema: S,
    TrainRequestSchema: S,
    trainDefaults: () => S.parse({ source: 'source' }),
    PHASE_DEFAULTS: { pretrain: phase(m.PHASE_DEFAULTS.pretrain), finetune: phase(m.PHASE_DEFAULTS.finetune) },
  }
})

describe('training defaults declared once: shifted in the schema, shifted everywhere', () => {
  it('the shift took effect, and every surface follows it', async () => {
    const real = await vi.importActual<typeof actual>('../../../src-shared/contract/train-spec')
    const [now, before] = [actual.trainDefaults(), real.trainDefaults()]
    for (const k of ['name', 'arch', 'loss', 'epochs', 'stepsPerEpoch', 'shots', 'frozenLayers', 'recipe', 'seed'] as const)
      expect(now[k], k).not.toEqual(before[k])
    expect(actual.PHASE_DEFAULTS.finetune.epochs).not.toBe(real.PHASE_DEFAULTS.finetune.epochs)
    expect(defaultMismatches()).toEqual([])
  })
})
