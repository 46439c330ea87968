/** The experiment_runs table: which runs the app shows as running, finished or interrupted. */
import { spawn } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { tempWorkspace } from '../../helpers/workspace'
import { getRun, makeConfig, markStaleRuns } from '../../../src-main/services/experiment/index'
import { upsertRun } from '../../../src-main/services/experiment/runs'

const ws = tempWorkspace('ser-exp-runs-')
afterAll(() => ws.cleanup())
const config = makeConfig({ sources: [{ name: 'crema', ref: '/data/crema' }], target: { name: 'rav', ref: '/data/rav' } })

describe('markStaleRuns', () => {
  it('calls a run of this process that is no longer active interrupted, and keeps an active one running', () => {
    const active = upsertRun(ws, '/runs/active', config)
    const ended = upsertRun(ws, '/runs/ended', config)
    markStaleRuns(ws, new Set(['/runs/active']))
    expect(getRun(ws, active)!.status).toBe('running')
    expect(getRun(ws, ended)!.status).toBe('cancelled')
    expect(getRun(ws, ended)!.error).toMatch(/start it again to resume/)
  })

  it('leaves a run of another live process (the CLI) running, and calls it interrupted once that process is gone', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' })
    const id = upsertRun(ws, '/runs/cli', config)
    ws.db.prepare('UPDATE experiment_runs SET pid = ? WHERE id = ?').run(other.pid, id)
    markStaleRuns(ws, new Set())
    expect(getRun(ws, id)!.status).toBe('running')
    const gone = new Promise((r) => other.once('exit', r))
    other.kill('SIGKILL')
    await gone
    markStaleRuns(ws, new Set())
    expect(getRun(ws, id)!.status).toBe('cancelled')
  })
})
