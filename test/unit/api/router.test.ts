import { afterAll, describe, expect, it } from 'vitest'
import { TRPCError } from '@trpc/server'
import { appRouter } from '../../../src-main/api/router'
import { createCallerFactory } from '../../../src-main/api/trpc'
import { JobRegistry } from '../../../src-main/services/jobs/registry'
import { hostAllowed, tokenMatches } from '../../../src-main/shell/security'
import { tempWorkspace } from '../../helpers/workspace'

const ws = tempWorkspace()
afterAll(() => ws.cleanup())
const caller = createCallerFactory(appRouter)({ services: { ws, jobs: new JobRegistry() }, transport: 'direct' })

describe('the router (transport-independent contract)', () => {
  it('validates inputs and names the offending field', async () => {
    const err = await caller.system.echo({ text: 5 as unknown as string }).catch((e) => e)
    expect(err).toBeInstanceOf(TRPCError)
    expect((err as TRPCError).code).toBe('BAD_REQUEST')
    expect(String((err as TRPCError).message)).toMatch(/text/)
    await expect(caller.jobs.cancel({ id: 'rm -rf' })).rejects.toThrow(/job id/)
  })

  it('round-trips settings through SQLite', async () => {
    await caller.system.settings.set({ key: 'annotator', value: 'Grace' })
    expect(await caller.system.settings.get({ key: 'annotator' })).toBe('Grace')
    expect(ws.db.prepare("SELECT value_json FROM settings WHERE key='annotator'").pluck().get()).toBe('"Grace"')
    expect(await caller.system.settings.get({ key: 'missing' })).toBeNull()
  })

  it('doctor reports the backend in use and the workspace', async () => {
    const d = await caller.system.doctor()
    expect(['tensorflow', 'wasm', 'cpu']).toContain(d.backend.name)
    expect(d.backend.available).toContain(d.backend.name)
    expect(d.workspace.dir).toBe(ws.dir)
    expect(d.workspace.migrations).toContain('001-core')
  })
})

describe('shell security helpers', () => {
  it('compares tokens exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true)
    expect(tokenMatches('abc', 'abd')).toBe(false)
    expect(tokenMatches('abc', 'abcd')).toBe(false)
    expect(tokenMatches('abc', null)).toBe(false)
  })
  it('accepts only loopback host names on our port', () => {
    expect(hostAllowed('127.0.0.1:8080', 8080)).toBe(true)
    expect(hostAllowed('localhost:8080', 8080)).toBe(true)
    expect(hostAllowed('evil.com:8080', 8080)).toBe(false)
    expect(hostAllowed('127.0.0.1:8081', 8080)).toBe(false)
    expect(hostAllowed(undefined, 8080)).toBe(false)
  })
})

describe('platform abilities', () => {
  it('reports no folder picker in the browser shell, and uses the one Electron provides', async () => {
    expect(await caller.system.pickFolder({ title: 'x' })).toEqual({ supported: false, path: null })
    const withPicker = createCallerFactory(appRouter)({
      services: { ws, jobs: new JobRegistry(), platform: { pickFolder: async (title) => `/picked/${title}` } },
      transport: 'electron',
    })
    expect(await withPicker.system.pickFolder({ title: 'corpus' })).toEqual({ supported: true, path: '/picked/corpus' })
  })
})
