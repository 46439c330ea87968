import { afterAll, describe, expect, it } from 'vitest'
import { appRouter } from '../../../src-main/api/router'
import { createCallerFactory } from '../../../src-main/api/trpc'
import { JobRegistry } from '../../../src-main/services/jobs/registry'
import { tempWorkspace } from '../../helpers/workspace'

const ws = tempWorkspace()
afterAll(() => ws.cleanup())
const caller = createCallerFactory(appRouter)({ services: { ws, jobs: new JobRegistry() }, transport: 'direct' })

describe('system.workspace and internal settings', () => {
  it('gives a stable workspace id (what the Label view keys its unsent queue by)', async () => {
    const a = await caller.system.workspace()
    expect(a.id).toMatch(/^[0-9a-f]{32}$/)
    expect(a.dir).toBe(ws.dir)
    expect((await caller.system.workspace()).id).toBe(a.id)
  })
  it("the renderer cannot overwrite the app's own settings (id, port)", async () => {
    const id = (await caller.system.workspace()).id
    await expect(caller.system.settings.set({ key: 'internal.workspace_id', value: 'x' })).rejects.toThrow(/belong to the app/)
    expect((await caller.system.workspace()).id).toBe(id)
    await caller.system.settings.set({ key: 'annotator', value: 'Grace' })
    await expect(caller.system.settings.set({ key: 'big', value: 'x'.repeat(200_000) })).rejects.toThrow(/at most 100000 characters of JSON/)
  })
})
