/** A job's detail is typed per kind and names its phase (the UI no longer parses the message). */
import { describe, expect, it } from 'vitest'
import { JobRegistry } from '../../../src-main/services/jobs/registry'
import { JobDetailSchema, JobInfoSchema, TRAIN_JOB_PHASES } from '../../../src-shared/contract/jobs'

const epoch = {
  epoch: 3, epochs: 10, trainLoss: 0.41, valLoss: 0.5, valAccuracy: 0.62, pairsPerSecond: 900, resumed: false,
  diagnostics: { epoch: 3, loss: 0.41, active_fraction: 0.7, grad_norm: 0.2, embedding_norm: 1, weight_change: 0.01 },
}

describe('job detail', () => {
  it('a training job reports its phase and epoch in the detail, whatever its message says', async () => {
    const jobs = new JobRegistry()
    const { id, promise } = jobs.start('train', 'train x', async (ctx) => {
      ctx.progress(0.5, 'fine-tuning, nearly there', { kind: 'train', phase: 'finetune', epoch })
      return 1
    })
    await promise
    const info = JobInfoSchema.parse(jobs.get(id))
    expect(info.detail).toMatchObject({ kind: 'train', phase: 'finetune', epoch: { epoch: 3, trainLoss: 0.41 } })
  })

  it('refuses an untyped payload, a detail without a phase, and an unknown phase', () => {
    expect(JobDetailSchema.safeParse({ epoch: 3, trainLoss: 0.41 }).success).toBe(false) // the old shape
    expect(JobDetailSchema.safeParse({ kind: 'train', epoch }).success).toBe(false)
    expect(JobDetailSchema.safeParse({ kind: 'train', phase: 'training', epoch: null }).success).toBe(false)
    expect(JobDetailSchema.safeParse({ kind: 'experiment', phase: 'report' }).success).toBe(true)
    expect(JobDetailSchema.safeParse({ kind: 'enroll', phase: 'folds', step: 1, steps: 4, epoch: null, epochs: null, trainLoss: null }).success).toBe(true)
  })

  it('every training phase is a valid detail', () => {
    for (const phase of TRAIN_JOB_PHASES) expect(JobDetailSchema.safeParse({ kind: 'train', phase, epoch: null }).success).toBe(true)
  })
})
