/**
 * Training defaults are declared once, in src-shared/contract/train-spec.ts (issue 23): `ser train`'s
 * options, the Train form, the server's request, the engine's configuration and the grid's lengths
 * all equal the schema's. defaults-drift.test.ts shifts every default and checks that they follow.
 */
import { describe, expect, it } from 'vitest'
import { finetuneOverrides } from '../../../src-main/services/model/run'
import { defaultMismatches } from './defaults-once'

describe('training defaults declared once', () => {
  it('every surface has the schema defaults', () => {
    expect(defaultMismatches()).toEqual([])
  })

  it('fine-tuning runs for --epochs unless --finetune-epochs is given', () => {
    expect(finetuneOverrides({ epochs: 5 }).epochs).toBe(5)
    expect(finetuneOverrides({ epochs: 5, finetuneEpochs: 9 }).epochs).toBe(9)
  })
})
