/**
 * kill -9 of `ser train` mid-run (issue 10, 7(c), training part): the row is not left
 * 'running' (it reads 'interrupted'), `ser train --resume RUN` continues from the
 * checkpoint instead of epoch 1, the workspace ends with one run and one model, and the
 * run's per-epoch curve (kept in its row as it trains) covers the epochs before the kill.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeImportPool, importCorpus } from '../../../src-main/services/corpus/index'
import { listRuns } from '../../../src-main/services/model/registry'
import { syntheticCorpus } from '../../helpers/corpora'
import { tinyWorkspace } from './trained-workspace'

const root = path.resolve(import.meta.dirname, '..', '..', '..')

/** Runs the CLI; with `killOn`, SIGKILLs it at the first stderr line matching it. */
function cli(args: string[], killOn?: RegExp): Promise<{ code: number | null; signal: string | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src-main/cli/index.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    let stdout = ''
    p.stdout.on('data', (d) => (stdout += d))
    p.stderr.on('data', (d) => {
      stderr += d
      if (killOn && killOn.test(stderr)) p.kill('SIGKILL')
    })
    p.on('error', reject)
    p.on('close', (code, signal) => resolve({ code, signal, stderr, stdout }))
  })
}

describe('a killed training run', () => {
  let ws: Awaited<ReturnType<typeof tinyWorkspace>>
  beforeAll(async () => {
    ws = await tinyWorkspace()
  }, 240_000)
  afterAll(() => ws?.cleanup())

  it('is marked interrupted, resumes from its checkpoint, and leaves one run and one model', async () => {
    const out = path.join(ws.dir, 'models', 'killed')
    const args = ['--workspace', ws.dir, 'train', '--source', ws.dataset, '--out', out, '--name', 'killed', '--epochs', '8', '--steps', '15', '--shots', '3']
    // The epoch line is printed after that epoch's checkpoint is on disk.
    const first = await cli(args, /pre-training epoch 3\/8/)
    expect(first.signal).toBe('SIGKILL')
    expect(fs.existsSync(path.join(out, '.checkpoints', 'pretrain', 'checkpoint.bin'))).toBe(true)
    expect(ws.db.prepare('SELECT state FROM training_runs').pluck().all()).toEqual(['running'])
    const [run] = listRuns(ws)
    expect(run).toMatchObject({ state: 'interrupted', resumable: true, name: 'killed' })
    // the curve so far outlives the process: each epoch is in the run's row once it is checkpointed
    expect(run.history.slice(0, 3).map((p) => `${p.phase} ${p.epoch}`)).toEqual(['pretrain 1', 'pretrain 2', 'pretrain 3'])

    const second = await cli(['--workspace', ws.dir, 'train', '--resume', String(run.id)])
    expect(second.code, second.stderr).toBe(0)
    expect(second.stderr).toMatch(/pre-training epoch [4-8]\/8 .*\(resumed from checkpoint\)/)
    expect(second.stderr).not.toMatch(/pre-training epoch 1\/8/)
    expect(second.stdout).toMatch(
      new RegExp(
        String.raw`held-out: accuracy .* \(Wilson, over clips: ignores speaker variation\), ` +
          String.raw`UAR .* \((bootstrap over \d+ speakers|too few speakers for an interval \(\d, at least 5\); per speaker: .*)\), n = \d+ clips`,
      ),
    )
    expect(ws.db.prepare('SELECT id, state FROM training_runs').all()).toEqual([{ id: run.id, state: 'done' }])
    expect(ws.db.prepare('SELECT name FROM models').pluck().all()).toEqual(['killed'])
    // one curve over the whole run, the epochs before the kill included, none twice
    const epochs = listRuns(ws)[0].history.map((p) => p.epoch)
    expect(epochs).toEqual(epochs.map((_, i) => i + 1))
    expect(epochs.length).toBeGreaterThanOrEqual(4)
    expect(fs.existsSync(path.join(out, '.checkpoints'))).toBe(false)
  }, 400_000)

  it('refuses what the Train view refuses, before training: source = target, more shots than the target has, fine-tune epochs out of range', async () => {
    const target = await syntheticCorpus('ravdess', { speakers: 4, sentences: 1, seed: 'cli-checks' })
    await importCorpus(ws, target.dir, { name: 'tiny-rav' })
    await closeImportPool()
    const base = ['--workspace', ws.dir, 'train', '--source', ws.dataset, '--out', path.join(ws.dir, 'models', 'refused'), '--epochs', '1', '--steps', '2']
    const runsBefore = listRuns(ws).length
    const same = await cli([...base, '--target', ws.dataset])
    expect(same.code).not.toBe(0)
    expect(same.stderr).toMatch(/target dataset must differ from the source/)
    const tooMany = await cli([...base, '--target', 'tiny-rav', '--shots', '99'])
    expect(tooMany.code).not.toBe(0)
    expect(tooMany.stderr).toMatch(
      /99 shots per class asked, but the \d+ fine-tune speakers of 'tiny-rav' have fewer clips of: .*Choose at most \d+ shots per class/,
    )
    const epochs = await cli([...base, '--target', 'tiny-rav', '--shots', '1', '--finetune-epochs', '0'])
    expect(epochs.code).not.toBe(0)
    expect(epochs.stderr).toMatch(/--finetune-epochs takes a whole number from 1 to 500, got '0'/)
    expect(listRuns(ws).length).toBe(runsBefore) // nothing started
  }, 240_000)
})
