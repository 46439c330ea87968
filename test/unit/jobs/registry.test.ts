import { describe, expect, it } from 'vitest'
import { JobRegistry, throwIfCancelled } from '../../../src-main/services/jobs/registry'
import type { JobInfo } from '../../../src-shared/contract/jobs'

describe('JobRegistry', () => {
  it('streams progress and finishes with the result', async () => {
    const jobs = new JobRegistry()
    const seen: JobInfo[] = []
    jobs.onUpdate((j) => seen.push(j))
    const { id, promise } = jobs.start('import', 'count', async (ctx) => {
      for (let i = 1; i <= 3; i++) {
        await new Promise((r) => setTimeout(r, 60))
        ctx.progress(i / 3, `step ${i}`)
      }
      return 42
    })
    expect(await promise).toBe(42)
    expect(jobs.get(id)).toMatchObject({ state: 'done', fraction: 1, message: 'step 3', error: null })
    expect(seen.map((s) => s.message)).toEqual(expect.arrayContaining(['step 1', 'step 2', 'step 3']))
    expect(seen.at(-1)?.state).toBe('done')
  })

  it('cancels through the AbortSignal and reports cancelled, not failed', async () => {
    const jobs = new JobRegistry()
    let iterations = 0
    const { id, promise } = jobs.start('train', 'long', async (ctx) => {
      for (;;) {
        throwIfCancelled(ctx.signal)
        iterations++
        await new Promise((r) => setTimeout(r, 5))
      }
    })
    await new Promise((r) => setTimeout(r, 40))
    expect(jobs.cancel(id)).toBe(true)
    await expect(promise).rejects.toThrow(/cancelled/)
    const stoppedAt = iterations
    await new Promise((r) => setTimeout(r, 30))
    expect(iterations).toBe(stoppedAt)
    expect(jobs.get(id)?.state).toBe('cancelled')
    expect(jobs.cancel(id)).toBe(false)
  })

  it('records a failure with its message', async () => {
    const jobs = new JobRegistry()
    const { id, promise } = jobs.start('features', 'bad', async () => {
      throw new Error('cannot decode x.wav: data chunk truncated')
    })
    await expect(promise).rejects.toThrow(/truncated/)
    expect(jobs.get(id)).toMatchObject({ state: 'failed', error: 'cannot decode x.wav: data chunk truncated' })
  })
})
