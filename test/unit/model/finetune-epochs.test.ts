/**
 * `ser train --help` says fine-tuning runs for --epochs unless --finetune-epochs is given:
 * `ser train --epochs 3 --target X` must fine-tune for 3 epochs, not the fine-tune default (30).
 */
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { listRuns } from '../../../src-main/services/model/registry'
import { runCli, tinyWithTarget, trainArgs, type tinyWorkspace } from './trained-workspace'

describe('ser train --epochs N --target X', () => {
  let ws: Awaited<ReturnType<typeof tinyWorkspace>> | undefined
  afterAll(() => ws?.cleanup())

  it('fine-tunes for --epochs when --finetune-epochs is not given', async () => {
    ws = await tinyWithTarget('rav-ft-epochs')
    const out = path.join(ws.dir, 'models', 'ft-epochs')
    const r = await runCli(trainArgs(ws, 'rav-ft-epochs', '--epochs', '3', '--steps', '2', '--out', out))
    expect(r.code, r.stderr).toBe(0)
    const totals = [...r.stderr.matchAll(/fine-tuning epoch \d+\/(\d+)/g)].map((m) => Number(m[1]))
    expect(totals.length).toBeGreaterThan(0)
    expect(new Set(totals)).toEqual(new Set([3]))
    const run = listRuns(ws).find((x) => x.out === out)!
    const ft = run.history.filter((p) => p.phase === 'finetune')
    expect(ft.length).toBeGreaterThan(0)
    expect(Math.max(...ft.map((p) => p.epoch))).toBeLessThanOrEqual(3)
  }, 600_000)
})
