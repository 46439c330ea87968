/**
 * End to end through the CLI, as a researcher runs it: `ser experiment` on generated
 * CREMA-D-, eNTERFACE- and RAVDESS-layout corpora (imported by the command itself),
 * interrupted twice (Ctrl-C, then a hard kill) and resumed, then checked: the files,
 * the schema, speaker independence of every fold against the corpus's ground truth,
 * accuracy far above chance, no duplicated record, and a finished folder refused.
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
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src-main/cli/index.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d) => (stdout += d))
    child.stderr!.on('data', (d) => (stderr += d))
    let timer: NodeJS.Timeout | undefined
    if (interrupt) {
      const file = path.join(interrupt.out, 'records.jsonl')
      timer = setInterval(() => {
        const n = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0
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

const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)

describe('ser experiment (end to end)', () => {
  it('names a missing corpus before writing anything', async () => {
    const out = path.join(tmp, 'never')
    const r = await ser(['experiment', '--workspace', path.join(tmp, 'ws0'), '--out', out, '--source', 'cremad=/no/such/corpus', '--target', `ravdess=${tmp}`])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/cremad: folder not found: \/no\/such\/corpus/)
    expect(fs.existsSync(out)).toBe(false)
  })

  it('runs a small grid with two sources, resumes after Ctrl-C and a kill, and writes speaker-independent results', async () => {
    const [cremad, enterface, ravdess] = await Promise.all([
      syntheticCorpus('cremad', { speakers: 4, sentences: 2 }),
      syntheticCorpus('enterface', { speakers: 4, sentences: 1 }),
      syntheticCorpus('ravdess', { speakers: 4, reps: 1 }),
    ])
    const out = path.join(tmp, 'run')
    const args = [
      'experiment', '--workspace', path.join(tmp, 'ws'), '--out', out,
      '--source', `cremad=${cremad.dir}`, '--source', `enterface=${enterface.dir}`, '--target', `ravdess=${ravdess.dir}`,
      '--loss', 'contrastive,distance', '--frozen', '0,1', '--shots', '2,all', '--folds', '2', '--seeds', '1',
      '--pretrain-epochs', '3', '--steps', '10', '--finetune-epochs', '5', '--finetune-steps', '5',
    ]
    const total = 2 * 2 * (1 + 2 + 2 * 2 * 2) // folds x shots x (softmax + target-only x losses + sources x losses x frozen)

    // Ctrl-C: stops between evaluations, keeps what is done, says how to resume.
    const first = await ser(args, { after: 4, signal: 'SIGINT', out })
    expect(first.stderr).toMatch(/interrupted; the finished evaluations are kept in .*run the same command again to resume/)
    expect(first.code).toBe(130)
    const afterFirst = lines(path.join(out, 'records.jsonl')).length
    expect(afterFirst).toBeGreaterThanOrEqual(4)
    expect(afterFirst).toBeLessThan(total)

    // A hard kill: nothing can be tidied up; the records appended so far survive.
    const second = await ser(args, { after: afterFirst + 6, signal: 'SIGKILL', out })
    expect(second.signal).toBe('SIGKILL')
    expect(second.stderr).toMatch(new RegExp(`resuming .*: ${afterFirst}/${total} evaluations done`))
    const afterSecond = lines(path.join(out, 'records.jsonl')).length
    expect(afterSecond).toBeGreaterThanOrEqual(afterFirst + 6)

    const third = await ser(args)
    expect(third.code, third.stderr).toBe(0)
    expect(third.stderr).toMatch(/resumed and finished: 44 evaluations/)
    expect(third.stdout).toMatch(/^\| method \| source \| loss \| frozen \| shots \| accuracy % \| UAR % \| macro-F1 % \| n \|$/m)
    expect(third.stdout).toMatch(/^Claim 1 \(The modified distance loss improves fine-tuning over the contrastive loss\.\): (SUPPORTED|NOT SUPPORTED|INCONCLUSIVE)\./m)
    expect(third.stdout).toMatch(/^Claim 2 \(The choice of source corpus matters more than the number of frozen layers\.\): (SUPPORTED|NOT SUPPORTED|INCONCLUSIVE)\./m)

    // Nothing was evaluated twice.
    const keys = lines(path.join(out, 'records.jsonl')).map((l) => JSON.parse(l).key as string)
    expect(keys).toHaveLength(total)
    expect(new Set(keys).size).toBe(total)

    // The files and the schema.
    for (const f of ['results.json', 'results.csv', 'report.html', 'manifest.json']) expect(fs.existsSync(path.join(out, f)), f).toBe(true)
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'))
    expect(results.format).toBe('ser-experiment-results/1')
    const records = (results.records as unknown[]).map((r) => ResultRecordSchema.parse(r))
    expect(records).toHaveLength(total)
    for (const r of records) for (const k of ['source', 'loss', 'frozen', 'shots', 'fold', 'seed', 'classes', 'n_test', 'accuracy', 'uar', 'macro_f1']) expect(r).toHaveProperty(k)
    expect(new Set(records.map((r) => r.method))).toEqual(new Set(['softmax', 'target_only', 'finetune']))
    expect(new Set(records.filter((r) => r.method === 'finetune').map((r) => r.source))).toEqual(new Set(['cremad', 'enterface']))
    const csv = parse(fs.readFileSync(path.join(out, 'results.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    expect(csv).toHaveLength(total)
    expect(csv.map((r) => Number(r.uar)).sort()).toEqual(records.map((r) => r.uar).sort())

    // Classes: those all three corpora share. Speaker independence, checked against the corpus's ground truth.
    const classes = ['happy', 'sad', 'angry', 'fearful', 'disgust']
    const truth = ravdess.clips.filter((c) => classes.includes(c.emotion))
    const allSpeakers = [...new Set(truth.map((c) => c.speaker))].sort()
    const testByFold = new Map<number, string[]>()
    for (const r of records) {
      expect(r.classes).toEqual(classes)
      expect(r.train_speakers.length).toBeGreaterThan(0)
      expect(r.train_speakers.filter((s) => r.test_speakers.includes(s)), `fold ${r.fold}: a speaker in both sets`).toEqual([])
      expect(r.n_test).toBe(truth.filter((c) => r.test_speakers.includes(c.speaker)).length)
      const seen = testByFold.get(r.fold)
      if (seen) expect(r.test_speakers).toEqual(seen)
      else testByFold.set(r.fold, r.test_speakers)
    }
    const folded = [...testByFold.values()].flat().sort()
    expect(folded).toEqual(allSpeakers) // every speaker is tested in exactly one fold

    // Far above chance (5 classes: 20% UAR).
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
    expect(mean(records.filter((r) => r.shots === 'all').map((r) => r.uar))).toBeGreaterThan(0.45)
    expect(Math.max(...results.summary.map((s: { uar: { mean: number } }) => s.uar.mean))).toBeGreaterThan(0.6)

    // The report says what holds and how it was evaluated.
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8')
    expect(html).toContain('Speaker-independent evaluation')
    expect(html).toContain('the classes that the target and every source share')
    expect(html).toMatch(/Claim 1: The modified distance loss improves fine-tuning/)
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)

    // A finished folder is never overwritten silently.
    const manifestBefore = fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')
    const again = await ser(args)
    expect(again.code).not.toBe(0)
    expect(again.stderr).toMatch(/holds a finished experiment .*refusing to overwrite .*--force/)
    expect(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe(manifestBefore)
    expect(lines(path.join(out, 'records.jsonl'))).toHaveLength(total)
  }, 300_000)
})
