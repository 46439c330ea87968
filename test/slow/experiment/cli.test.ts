/**
 * End to end through the CLI, as a researcher runs it: `ser experiment` on generated
 * CREMA-D-, eNTERFACE- and RAVDESS-layout corpora (imported by the command itself),
 * interrupted twice (Ctrl-C, then a hard kill) and resumed, then checked: the files,
 * the schema, speaker independence of every fold against the corpus's ground truth,
 * tuning and diagnostics recorded, and a finished folder refused. Then the same grid as
 * `ser experiment plan`, two `task --shard` processes per stage, and `merge`: the
 * merged records equal the single-process run's (after sorting, times aside).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, describe, expect, it } from 'vitest'
import { ResultRecordSchema } from '../../../src-shared/contract/experiments'
import { syntheticCorpus } from '../../helpers/corpora'

const root = path.resolve(import.meta.dirname, '..', '..', '..')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-exp-cli-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function ser(args: string[], interrupt?: { after: number; signal: NodeJS.Signals; out: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src-main/cli/index.ts'), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d) => (stdout += d))
    child.stderr!.on('data', (d) => (stderr += d))
    let timer: NodeJS.Timeout | undefined
    if (interrupt) {
      timer = setInterval(() => {
        const n = taskFiles(interrupt.out).length
        if (n >= interrupt.after) {
          clearInterval(timer)
          child.kill(interrupt.signal)
        }
      }, 100)
    }
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearInterval(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

const taskFiles = (dir: string) =>
  fs.existsSync(path.join(dir, 'tasks')) ? fs.readdirSync(path.join(dir, 'tasks')).filter((f) => f.endsWith('.json') && !f.endsWith('.failed.json')) : []

describe('ser experiment (end to end)', () => {
  it('names a missing corpus before writing anything', async () => {
    const out = path.join(tmp, 'never')
    const r = await ser(['experiment', '--workspace', path.join(tmp, 'ws0'), '--out', out, '--source', 'cremad=/no/such/corpus', '--target', `ravdess=${tmp}`])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/cremad: folder not found: \/no\/such\/corpus/)
    expect(fs.existsSync(out)).toBe(false)
  })

  it('runs a small grid with two sources, resumes after Ctrl-C and a kill; plan + task shards + merge give the same records', async () => {
    const [cremad, enterface, ravdess] = await Promise.all([
      syntheticCorpus('cremad', { speakers: 5, sentences: 2 }),
      syntheticCorpus('enterface', { speakers: 5, sentences: 2 }),
      syntheticCorpus('ravdess', { speakers: 4, reps: 1 }),
    ])
    const out = path.join(tmp, 'run')
    const grid = [
      '--source', `cremad=${cremad.dir}`, '--source', `enterface=${enterface.dir}`, '--target', `ravdess=${ravdess.dir}`,
      '--loss', 'distance', '--pretrain-seeds', '1', '--frozen', '0', '--shots', '2', '--folds', '2', '--seeds', '1',
      '--pretrain-epochs', '2', '--steps', '6', '--finetune-epochs', '3', '--finetune-steps', '3', '--tune-budget', '2', '--tune-epochs', '1',
    ]
    const args = ['experiment', '--workspace', path.join(tmp, 'ws'), '--out', out, ...grid]
    // per fold: softmax + target-only + 2 bases (one per source) x (pre-trained only + fine-tuned + recommended)
    const total = 2 * (1 + 1 + 2 * 3)
    const tasks = 3 + 2 + 2 + 2 * 3

    // Ctrl-C: stops between tasks, keeps what is done, says how to resume.
    const first = await ser(args, { after: 3, signal: 'SIGINT', out })
    expect(first.stderr).toMatch(/interrupted; the finished tasks are kept in .*run the same command again to resume/)
    expect(first.code).toBe(130)
    const afterFirst = taskFiles(out).length
    expect(afterFirst).toBeGreaterThanOrEqual(3)
    expect(afterFirst).toBeLessThan(tasks)

    // A hard kill: nothing can be tidied up; the task files written so far survive.
    const second = await ser(args, { after: afterFirst + 2, signal: 'SIGKILL', out })
    expect(second.signal, second.stderr.slice(-2000)).toBe('SIGKILL')
    expect(second.stderr).toMatch(/resuming /)
    const third = await ser(args)
    expect(third.code, third.stderr).toBe(0)
    expect(third.stderr).toMatch(new RegExp(`resumed and finished: ${total} evaluations`))
    expect(third.stdout).toMatch(
      /^\| method \| source \| pre-train loss \| fine-tune loss \| frozen \| shots \| accuracy % \| UAR % \[95% CI\] \| macro-F1 % \| n \|$/m,
    )
    expect(third.stdout).toMatch(/^Best overall: .* UAR \d+\.\d% \[/m)
    expect(third.stdout).toMatch(
      /^1\. The modified distance loss improves fine-tuning over the contrastive loss\. INCONCLUSIVE \(the grid has no fine-tuning with both/m,
    )
    expect(third.stdout).toMatch(
      /^3\. Fine-tuning on the K support clips improves on the pre-trained base used as it is\. INCONCLUSIVE \(too few folds for an interval: 2 fold/m,
    )
    expect(taskFiles(out)).toHaveLength(tasks)

    // The files and the schema.
    for (const f of ['results.json', 'results.csv', 'report.html', 'manifest.json', 'plan.json', '.ser-experiment'])
      expect(fs.existsSync(path.join(out, f)), f).toBe(true)
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'))
    expect(results.format).toBe('ser-experiment-results/2')
    const records = (results.records as unknown[]).map((r) => ResultRecordSchema.parse(r))
    expect(records).toHaveLength(total)
    expect(new Set(records.map((r) => r.method))).toEqual(new Set(['softmax', 'target_only', 'pretrained_only', 'finetune', 'recommended']))
    expect(new Set(records.filter((r) => r.method === 'finetune').map((r) => r.source))).toEqual(new Set(['cremad', 'enterface']))
    expect(results.meta.losses.map((l: { source: string; loss: string }) => `${l.source}/${l.loss}`).sort()).toEqual(['cremad/distance', 'enterface/distance'])
    expect(results.meta.losses[0].criterion).toMatch(/few-shot UAR/)
    expect(results.pretraining).toHaveLength(2)
    for (const p of results.pretraining) expect(p.diagnostics.length).toBe(p.epochs)
    for (const r of records.filter((x) => x.method === 'finetune')) expect(r.diagnostics).toHaveLength(3)
    const csv = parse(fs.readFileSync(path.join(out, 'results.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    expect(csv).toHaveLength(total)

    // Classes: those all three corpora share. Speaker independence, checked against the corpus's ground truth.
    const classes = ['happy', 'sad', 'angry', 'fearful', 'disgust']
    const truth = ravdess.clips.filter((c) => classes.includes(c.emotion))
    const allSpeakers = [...new Set(truth.map((c) => c.speaker))].sort()
    const testByFold = new Map<number, string[]>()
    for (const r of records) {
      expect(r.classes).toEqual(classes)
      expect(r.speakers.support.length).toBeGreaterThan(0)
      expect(r.speakers.support.filter((s) => r.speakers.test.includes(s)), `fold ${r.fold}: a speaker in both sets`).toEqual([])
      expect(r.n_test).toBe(truth.filter((c) => r.speakers.test.includes(c.speaker)).length)
      const seen = testByFold.get(r.fold)
      if (seen) expect(r.speakers.test).toEqual(seen)
      else testByFold.set(r.fold, r.speakers.test)
    }
    expect([...testByFold.values()].flat().sort()).toEqual(allSpeakers) // every speaker is tested in exactly one fold

    // The report says what holds and how it was evaluated, and cites only what the repository has.
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8')
    expect(html).toContain('Speaker-independent evaluation')
    expect(html).toContain('Every loss side by side')
    expect(html).toContain('How the losses were tuned')
    expect(html).toMatch(/docs\/method\.md/)
    expect(html).not.toMatch(/docs\/METHOD\.md/)
    expect(fs.existsSync(path.join(root, 'docs', 'method.md'))).toBe(true)
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)

    // A finished folder is never overwritten silently.
    const manifestBefore = fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')
    const again = await ser(args)
    expect(again.code).not.toBe(0)
    expect(again.stderr).toMatch(/holds a finished experiment .*refusing to overwrite .*--force/)
    expect(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe(manifestBefore)

    // The same grid as a plan: two shards per stage run side by side, each in its own process and scratch workspace, then merged.
    const planDir = path.join(tmp, 'plan')
    const plan = await ser(['experiment', 'plan', '--json', '--workspace', path.join(tmp, 'ws-none'), '--out', planDir, ...grid])
    expect(plan.code, plan.stderr).toBe(0)
    expect(JSON.parse(plan.stdout)).toMatchObject({ tasks, evaluations: total })
    const steps = [
      [['--stage', 'features', '--shard', '1/2'], ['--stage', 'features', '--shard', '2/2']],
      [['--stage', 'tune', '--shard', '1/1']],
      [['--stage', 'pretrain', '--index', '0'], ['--id', 'pretrain/enterface/distance/s1']],
      [['--stage', 'evaluate', '--shard', '1/2'], ['--stage', 'evaluate', '--shard', '2/2']],
    ]
    for (const step of steps) {
      const runs = await Promise.all(step.map((sel) => ser(['experiment', 'task', planDir, ...sel])))
      for (const r of runs) expect(r.code, r.stderr).toBe(0)
    }
    const status = await ser(['experiment', 'status', planDir, '--json'])
    expect(JSON.parse(status.stdout)).toMatchObject({ total: tasks, done: tasks, failed: 0, pending: 0 })
    const merged = await ser(['experiment', 'merge', planDir])
    expect(merged.code, merged.stderr).toBe(0)
    const strip = (rs: { seconds: number }[]) => rs.map((r) => ({ ...r, seconds: 0 }))
    const fromPlan = JSON.parse(fs.readFileSync(path.join(planDir, 'results.json'), 'utf8'))
    expect(strip(fromPlan.records)).toEqual(strip(results.records))
    expect(fs.existsSync(path.join(planDir, 'report.html'))).toBe(true)
  }, 1_500_000)
})
