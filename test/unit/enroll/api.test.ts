/**
 * Enrollment through the router, as the Enroll view starts it: a job in the
 * 'enroll' worker thread with progress (fold, epoch) and cancel.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appRouter } from '../../../src-main/api/router'
import { createCallerFactory } from '../../../src-main/api/trpc'
import { closeEnrollPool } from '../../../src-main/services/enroll/index'
import { JobRegistry } from '../../../src-main/services/jobs/registry'
import type { JobInfo } from '../../../src-shared/contract/jobs'
import type { EnrollProgress } from '../../../src-shared/contract/enroll'
import { tempWorkspace } from '../../helpers/workspace'
import { recordExamples } from './helpers'

const ws = tempWorkspace('ser-enroll-api-')
const jobs = new JobRegistry()
const caller = createCallerFactory(appRouter)({ services: { ws, jobs }, transport: 'direct' })
let clipIds: number[] = []

beforeAll(async () => {
  clipIds = await recordExamples(ws, 'Bo', ['angry', 'sad'], 3, '02')
}, 300_000)
afterAll(async () => {
  await closeEnrollPool()
  ws.cleanup()
})

describe('enroll router', () => {
  it('checks the request before starting a job', async () => {
    await expect(caller.enroll.start({ name: 'x', person: 'Bo', clipIds: clipIds.slice(0, 4) })).rejects.toThrow(/sad has 1/)
    await expect(caller.enroll.start({ name: 'x', person: 'Bo', clipIds, baseModel: '999' })).rejects.toThrow(/no model with id 999/)
    await expect(caller.enroll.start({ name: '', person: 'Bo', clipIds })).rejects.toThrow(/needs a name/)
    await expect(caller.enroll.start({ name: 'x', person: 'Bo', clipIds: [1, 2] })).rejects.toThrow(/at least 4 examples/)
    await expect(caller.enroll.profile({ id: 'default' })).rejects.toThrow(/no enrollment result/)
    expect(jobs.list()).toHaveLength(0)
  })

  it('enrolls in a worker thread with progress per fold and epoch, then lists the profile', async () => {
    const updates: JobInfo[] = []
    const off = jobs.onUpdate((j) => updates.push(j))
    const { jobId } = await caller.enroll.start({ name: 'Bo two moods', person: 'Bo', clipIds, epochs: 5 })
    const result = await caller.enroll.result({ jobId })
    off()
    expect(result.heldOut.folds).toBe(3)
    expect(result.heldOut.predictions).toHaveLength(6)
    expect(jobs.get(jobId)?.state).toBe('done')
    const details = updates.map((u) => u.detail as EnrollProgress | null).filter((d): d is EnrollProgress => !!d)
    expect(details.some((d) => d.phase === 'folds' && d.epoch !== null)).toBe(true)
    expect(details.some((d) => d.phase === 'final')).toBe(true)
    expect(updates.at(-1)?.message).toMatch(/saved profile Bo two moods: held-out accuracy \d+%/)
    const listed = await caller.enroll.profiles()
    expect(listed[0]).toMatchObject({ name: 'Bo two moods', person: 'Bo', classes: ['angry', 'sad'] })
    const again = await caller.enroll.profile({ id: listed[0].id })
    expect(again.map.points).toHaveLength(6)
    await expect(caller.enroll.start({ name: 'Bo two moods', person: 'Bo', clipIds })).rejects.toThrow(/already exists/)
  }, 300_000)

  it('cancels: the worker stops, nothing is saved and the half-written folder is gone', async () => {
    const { jobId, out } = await caller.enroll.start({ name: 'Bo cancelled', person: 'Bo', clipIds, epochs: 200 })
    await new Promise<void>((resolve) => {
      const off = jobs.onUpdate((j) => {
        if (j.id === jobId && (j.detail as EnrollProgress | null)?.phase === 'folds') {
          off()
          resolve()
        }
      })
    })
    expect(await caller.jobs.cancel({ id: jobId })).toBeTruthy()
    await expect(caller.enroll.result({ jobId })).rejects.toThrow(/cancel/)
    expect(jobs.get(jobId)?.state).toBe('cancelled')
    expect(fs.existsSync(out)).toBe(false)
    expect((await caller.enroll.profiles()).map((p) => p.name)).not.toContain('Bo cancelled')
    expect(path.dirname(out)).toBe(path.join(ws.dir, 'profiles'))
  }, 300_000)
})
