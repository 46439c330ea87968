import { describe, expect, it } from 'vitest'
import { fallWarning, fallingValidation, freeName } from '../src/components/train/curve-checks'

const curve = (phase: 'pretrain' | 'finetune', values: (number | null)[]) => values.map((v, i) => ({ phase, epoch: i + 1, valAccuracy: v }))

describe('Train view checks', () => {
  it('warns when a fine-tuning validation curve falls from 0.52 to 0.35', () => {
    const pts = [...curve('pretrain', [0.3, 0.4, 0.45]), ...curve('finetune', [0.44, 0.52, 0.47, 0.41, 0.35])]
    const f = fallingValidation(pts, 'finetune')!
    expect(f).toEqual({ phase: 'finetune', best: { epoch: 2, value: 0.52 }, last: { epoch: 5, value: 0.35 } })
    expect(fallWarning(f)).toMatch(/^Fine-tuning validation accuracy fell from 0\.52 \(epoch 2\) to 0\.35 \(epoch 5\)/)
    expect(fallingValidation(pts, 'pretrain')).toBeNull()
  })

  it('does not warn on a rising, flat or slightly noisy curve, nor on one point', () => {
    expect(fallingValidation(curve('finetune', [0.3, 0.4, 0.5]), 'finetune')).toBeNull()
    expect(fallingValidation(curve('finetune', [0.5, 0.47, 0.46]), 'finetune')).toBeNull()
    expect(fallingValidation(curve('finetune', [0.5]), 'finetune')).toBeNull()
    expect(fallingValidation(curve('finetune', [null, null]), 'finetune')).toBeNull()
    expect(fallingValidation(curve('finetune', [0.6, 0.55, 0.5]), 'finetune')!.last.value).toBe(0.5)
  })

  it('names the next run after the one just trained', () => {
    expect(freeName('res1', ['res1'])).toBe('res1-2')
    expect(freeName('res1-2', ['res1', 'RES1-2', 'res1-3'])).toBe('res1-4')
  })
})
