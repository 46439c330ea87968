/**
 * The experiments router over the real services: a run started as a job in the
 * experiment worker (corpora given as a picked folder and as an imported dataset),
 * cancelled and resumed, listed, read back (summary, verdicts, per-loss table, SVG plots)
 * and its report served through the media route with a strict policy; bad requests,
 * folders outside the workspace and the picked folders, and oversized grids are refused up front.
 */
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { TRPCError } from '@trpc/server'
import { appRouter } from '../../../src-main/api/router'
import { handleMediaRequest } from '../../../src-main/api/media'
import { createCallerFactory } from '../../../src-main/api/trpc'
import { importCorpus, closeImportPool } from '../../../src-main/services/corpus/index'
import { closeExperimentPool } from '../../../src-main/services/experiment/jobs'
import { rememberChosenFolder } from '../../../src-main/services/experiment/index'
import { JobRegistry } from '../../../src-main/services/jobs/registry'
import { syntheticCorpus } from '../../helpers/corpora'
import { tempDir, tempWorkspace } from '../../helpers/workspace'

const ws = tempWorkspace('ser-exp-api-')
const jobs = new JobRegistry()
const services = { ws, jobs }
const caller = createCallerFactory(appRouter)({ services, transport: 'direct' })
afterAll(async () => {
  await closeExperimentPool()
  await closeImportPool()
  ws.cleanup()
})

const small = {
  losses: ['contrastive', 'distance'] as ('contrastive' | 'distance')[],
  pretrainSeeds: 1,
  frozen: [0],
  shots: [2, 'all' as const],
  folds: 2,
  seeds: 1,
  pretrainEpochs: 2,
  stepsPerEpoch: 8,
  finetuneEpochs: 3,
  finetuneSteps: 4,
  tuneBudget: 1,
  tuneEpochs: 1,
}

describe('experiments router', () => {
  it('refuses bad corpora and folders before starting anything', async () => {
    const code = async (p: Promise<unknown>) => ((await p.catch((e) => e)) as TRPCError).code
    expect(await code(caller.experiments.start({ config: { sources: [{ name: 'cremad', ref: '/no/such/dir' }], target: { name: 'r', ref: '/tmp' } } }))).toBe(
      'NOT_FOUND',
    )
    expect(await code(caller.experiments.start({ config: { sources: [{ name: 'cremad', ref: 'nope' }], target: { name: 'r', ref: '/tmp' } } }))).toBe(
      'NOT_FOUND',
    )
    expect(await code(caller.experiments.start({ config: { sources: [{ name: 'a', ref: 'rel/dir' }], target: { name: 'r', ref: '/tmp' } } }))).toBe('NOT_FOUND')
    // Folders outside the workspace and the folders the user picked are refused (here: /usr and /tmp).
    const outside = (await caller.experiments
      .start({ config: { sources: [{ name: 'a', ref: '/usr' }], target: { name: 'r', ref: '/tmp' } } })
      .catch((e) => e)) as TRPCError
    expect(outside.code).toBe('BAD_REQUEST')
    expect(outside.message).toMatch(/a: the corpus folder \/usr lies outside the workspace and every folder you chose/)
    // A grid above the cap is refused with its size, before anything is expanded.
    const huge = (await caller.experiments
      .start({
        config: {
          sources: [{ name: 'a', ref: ws.dir }],
          target: { name: 'r', ref: ws.dir },
          shots: Array.from({ length: 20 }, (_, i) => i + 1),
          folds: 20,
          seeds: 20,
        },
      })
      .catch((e) => e)) as TRPCError
    expect(huge.code).toBe('BAD_REQUEST')
    expect(huge.message).toMatch(/the grid is too large: \d+ evaluations/)
    expect(await code(caller.experiments.start({ config: { sources: [{ name: 'a b', ref: '/tmp' }], target: { name: 'r', ref: '/tmp' } } }))).toBe(
      'BAD_REQUEST',
    )
    expect(await code(caller.experiments.detail({ id: 999 }))).toBe('NOT_FOUND')
    expect(jobs.list()).toHaveLength(0)
  })

  it('runs as a job with progress, cancels, resumes, lists, and serves the report', async () => {
    const [cremad, ravdess] = await Promise.all([
      syntheticCorpus('cremad', { speakers: 5, sentences: 2 }),
      syntheticCorpus('ravdess', { speakers: 4, reps: 1 }),
    ])
    await importCorpus(ws, ravdess.dir, { name: 'ravdess-small' })
    const outRoot = tempDir('ser-exp-api-out-')
    const out = path.join(outRoot, 'run')
    // The corpus folder and the output folder as the user picks them in the UI.
    const reqFirst = { config: { ...small, sources: [{ name: 'cremad', ref: cremad.dir }], target: { name: 'ravdess', ref: 'ravdess-small' } }, out }
    await expect(caller.experiments.start(reqFirst)).rejects.toThrow(/cremad: the corpus folder .* lies outside/)
    rememberChosenFolder(cremad.dir)
    await expect(caller.experiments.start(reqFirst)).rejects.toThrow(/the output folder .* lies outside/)
    rememberChosenFolder(outRoot)
    const req = { config: { ...small, sources: [{ name: 'cremad', ref: cremad.dir }], target: { name: 'ravdess', ref: 'ravdess-small' } }, out }

    const first = await caller.experiments.start(req)
    const total = 2 * 2 * (1 + 2 + 2 * 4) // folds x shots x (softmax + target-only x 2 + 2 bases x (pre-trained only + fine-tuned x 2 + recommended))
    const tasks = 2 + 2 + 2 + 2 * 2 * 3
    expect(first).toMatchObject({ out, total, resume: false })
    const messages: string[] = []
    const off = jobs.onUpdate((j) => {
      if (j.id !== first.jobId) return
      messages.push(j.message)
      if (new RegExp(`^\\d+/${tasks} `).test(j.message) && Number(j.message.split('/')[0]) >= 6) jobs.cancel(j.id)
    })
    await expect(jobs.wait(first.jobId)).rejects.toThrow()
    off()
    expect(jobs.get(first.jobId)!.state).toBe('cancelled')
    expect(messages.some((m) => /importing cremad/.test(m))).toBe(true)
    let [run] = await caller.experiments.list()
    expect(run.status).toBe('cancelled')
    expect(run.done).toBeGreaterThanOrEqual(5)
    expect(run.done).toBeLessThan(tasks)

    const second = await caller.experiments.start(req)
    expect(second.resume).toBe(true)
    await jobs.wait(second.jobId)
    ;[run] = await caller.experiments.list()
    expect(run).toMatchObject({ status: 'done', done: tasks, total: tasks, outDir: out })

    // A finished folder is refused unless forced; the same folder cannot run twice at once.
    await expect(caller.experiments.start(req)).rejects.toThrow(/holds a finished experiment/)

    const detail = await caller.experiments.detail({ id: run.id })
    expect(detail.hasReport).toBe(true)
    // shots x (softmax + target-only x 2 + 2 bases' losses x (pre-trained only + fine-tuned x 2 + recommended))
    expect(detail.summary).toHaveLength(2 * (1 + 2 + 2 * 4))
    expect(detail.claims.map((c) => c.id)).toEqual(['distance-loss', 'source-vs-frozen', 'finetune-vs-pretrained', 'siamese-vs-softmax'])
    expect(detail.claims[1]).toMatchObject({
      verdict: 'inconclusive',
      reason: expect.stringMatching(/only source .*; comparing sources needs a second source corpus/),
    })
    // 2 folds: every interval is inconclusive for too few units
    expect(detail.claims[0].reason).toMatch(/too few folds for an interval: 2 fold/)
    expect(detail.losses.map((l) => `${l.shots}/${l.loss}`)).toEqual(['2/contrastive', '2/distance', 'all/contrastive', 'all/distance'])
    expect(detail.headline.text).toMatch(/^Best overall: /)
    expect(detail.plots.length).toBeGreaterThanOrEqual(4)
    for (const p of detail.plots) expect(p.svg).toMatch(/^<svg[\s\S]*<\/svg>$/)
    expect(detail.markdown.split('\n')).toHaveLength(detail.summary.length + 2)

    const report = await caller.experiments.report({ id: run.id })
    expect(report.path).toBe(path.join(out, 'report.html'))
    expect(report.html).toContain('<h2>Summary</h2>')
    expect(report.html).toContain('docs/method.md')
    const media = await handleMediaRequest(services, `experiment/${run.id}/report.html`)
    expect(media.status).toBe(200)
    expect(media.headers['Content-Type']).toMatch(/text\/html/)
    expect(media.headers['Content-Security-Policy']).toMatch(/default-src 'none'/)
    expect(media.body).toBe(report.html)
    expect((await handleMediaRequest(services, 'experiment/999/report.html')).status).toBe(404)
  }, 600_000)
})
