/**
 * `ser train --help` says fine-tuning runs for --epochs unless --finetune-epochs is given:
 * `ser train --epochs 3 --target X` must fine-tune for 3 epochs, not the fine-tune default (30).
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { closeImportPool, importCorpus } from '../../../src-main/services/corpus/index'
import { listRuns } from '../../../src-main/services/model/registry'
import { syntheticCorpus } from '../../helpers/corpora'
import { tinyWorkspace } from './trained-workspace'

const root = path.resolve(import.meta.dirname, '..', '..', '..')

function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src-main/cli/index.ts'), ...args], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    p.stderr.on('data', (d) => (stderr += d))
    p.on('error', reject)
    p.on('close', (code) => resolve({ code, stderr }))
  })
}

/** The tiny source workspace with a 5-speaker target dataset next to it. */
async function withTarget(name: string) {
  const w = await tinyWorkspace()
  await importCorpus(w, (await syntheticCorpus('ravdess', { speakers: 5, sentences: 1, seed: name })).dir, { name })
  await closeImportPool()
  return w
}

describe('ser train --epochs N --target X', () => {
  let ws: Awaited<ReturnType<typeof tinyWorkspace>> | undefined
  afterAll(() => ws?.cleanup())

  it('fine-tunes for --epochs when --finetune-epochs is not given', async () => {
    ws = await withTarget('rav-ft-epochs')
    const out = path.join(ws.dir, 'models', 'ft-epochs')
    const r = await cli([
      '--workspace',
      ws.dir,
      'train',
      '--source',
      ws.dataset,
      '--target',
      'rav-ft-epochs',
      '--shots',
      '2',
      '--epochs',
      '3',
      '--steps',
      '2',
      '--out',
      out,
    ])
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
