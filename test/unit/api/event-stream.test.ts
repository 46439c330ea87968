/** The queue behind subscriptions (jobs.updates, live.frames). */
import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { EventStream } from '../../../src-main/api/event-stream'

describe('EventStream', () => {
  it('yields what was pushed before and while draining, in order, and stops at end()', async () => {
    const s = new EventStream<number>()
    s.push(1)
    const got: number[] = []
    const done = (async () => {
      for await (const x of s.drain(undefined, (x) => x * 10)) got.push(x)
    })()
    for (let i = 2; i <= 5; i++) {
      await new Promise((r) => setTimeout(r, 1))
      s.push(i)
    }
    s.end()
    await done
    expect(got).toEqual([10, 20, 30, 40, 50])
  })

  it('keeps one abort listener however many times it waits, and stops when the client unsubscribes', async () => {
    const ctl = new AbortController()
    const s = new EventStream<number>()
    let seen = 0
    const done = (async () => {
      for await (const _ of s.drain(ctl.signal, (x) => x)) seen++
    })()
    for (let i = 0; i < 500; i++) {
      s.push(i)
      await new Promise((r) => setImmediate(r))
    }
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(1)
    ctl.abort()
    await done
    expect(seen).toBe(500)
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(0)
  })

  it('drops the oldest items beyond its bound (a slow client holds no more than maxQueued)', () => {
    const s = new EventStream<number>(3)
    for (let i = 0; i < 10; i++) s.push(i)
    expect(s.queued).toBe(3)
  })
})
