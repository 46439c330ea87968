/** Holding out a whole recording session: folds by session, refused when a session cannot be left out. */
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { runEnrollment, sessionFolds } from '../../../src-main/services/enroll/index'
import { tempWorkspace } from '../../helpers/workspace'
import { recordExamples } from './helpers'

const ws = tempWorkspace('ser-enroll-sessions-')
afterAll(() => ws.cleanup())

describe('leave-one-session-out', () => {
  it('puts every example of a session in the same fold, one fold per session', () => {
    const labels = ['a', 'b', 'a', 'b', 'a', 'b']
    const sessions = ['mon', 'mon', 'tue', 'tue', 'wed', 'wed']
    const { fold, keys } = sessionFolds(labels, sessions)
    expect(keys).toEqual(['mon', 'tue', 'wed'])
    expect(fold).toEqual([0, 0, 1, 1, 2, 2])
  })

  it('refuses one session, and a session whose emotion is found nowhere else', () => {
    expect(() => sessionFolds(['a', 'b'], ['x', 'x'])).toThrow(/at least two recording sessions/)
    expect(() => sessionFolds(['a', 'b', 'a', 'a'], ['x', 'x', 'y', 'y'])).toThrow(/holding out session x would leave no b example/)
  })

  it('an enrollment holding out whole sessions says so and scores every example once', async () => {
    await initBackend()
    const ids = await recordExamples(ws, 'Bo', ['angry', 'sad'], 4)
    // two sittings, each with two takes of each emotion
    const sessions = Object.fromEntries(ids.map((id, i) => [String(id), i % 4 < 2 ? 'morning' : 'evening']))
    const r = await runEnrollment({
      workspace: ws.dir,
      out: path.join(ws.dir, 'profiles', 'bo'),
      name: 'Bo sessions',
      person: 'Bo',
      clipIds: ids,
      finetune: false,
      sessions,
    })
    expect(r.heldOut.method).toMatch(/^leave-one-session-out on the 8 examples from 2 recording sessions/)
    expect(r.heldOut.folds).toBe(2)
    expect(r.heldOut.predictions.map((p) => p.clipId).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b))
    // the fold of each prediction is its session
    for (const p of r.heldOut.predictions) expect(p.fold).toBe(sessions[String(p.clipId)] === 'evening' ? 0 : 1)
  })
})
