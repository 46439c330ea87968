/**
 * The experiments router over the real services: a run started as a job in the
 * experiment worker (corpora given as a folder and as an imported dataset), cancelled
 * and resumed, listed, read back (summary, verdicts, SVG plots) and its report served
 * through the media route with a strict policy; bad requests are refused up front.
 */
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { TRPCError } from '@trpc/server'
import { appRouter } from '../../../src-main/api/router'
import { handleMediaRequest } from '../../../src-main/api/media'
import { createCallerFactory } from '../../../src-main/api/trpc'
import { importCorpus, closeImportPool } from '../../../src-main/services/corpus/index'
import { closeExperimentPool } from '../../../src-main/services/experiment/jobs'
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

const small = { losses: ['contrastive', 'distance'] as ('contrastive' | 'distance')[], frozen: [0], shots: [2, 'all' as const], folds: 2, seeds: 1, pretrainEpochs: 2, stepsPerEpoch: 8, finetuneEpochs: 3, finetuneSteps: 4 }

describe('experiments router', () => {
  it('refuses bad corpora and folders before starting anything', async () => {
    const code = async (p: Promise<unknown>) => ((await p.catch((e) => e)) as TRPCError).code
    expect(await code(caller.experiments.start({ config: { sources: [{ name: 'cremad', ref: '/no/such/dir' }], target: { name: 'r', ref: '/tmp' } } }))).toBe('NOT_FOUND')
    expect(await code(caller.experiments.start({ config: { sources: [{ name: 'cremad', ref: 'nope' }], target: { name: 'r', ref: '/tmp' } } }))).toBe('NOT_FOUND')
    expect(await code(caller.experiments.start({ config: { sources: [{ name: 'a', ref: 'rel/dir' }], target: { name: 'r', ref: '/tmp' } } }))).toBe('BAD_REQUEST')
    expect(await code(caller.experiments.start({ config: { sources: [{ name: 'a b', ref: '/tmp' }], target: { name: 'r', ref: '/tmp' } } }))).toBe('BAD_REQUEST')
    expect(await code(caller.experiments.detail({ id: 999 }))).toBe('NOT_FOUND')
    expect(jobs.list()).toHaveLength(0)
  })

  it('runs as a job with progress, cancels, resumes, lists, and serves the report', async () => {
    const [cremad, ravdess] = await Promise.all([syntheticCorpus('cremad', { speakers: 4, sentences: 2 }), syntheticCorpus('ravdess', { speakers: 4, reps: 1 })])
    await importCorpus(ws, ravdess.dir, { name: 'ravdess-small' })
    const out = path.join(tempDir('ser-exp-api-out-'), 'run')
    const req = { config: { ...small, sources: [{ name: 'cremad', ref: cremad.dir }], target: { name: 'ravdess', ref: 'ravdess-small' } }, out }

    const first = await caller.experiments.start(req)
    expect(first).toMatchObject({ out, total: 2 * 2 * (1 + 2 + 2), resume: false })
    const messages: string[] = []
    const off = jobs.onUpdate((j) => {
      if (j.id !== first.jobId) return
      messages.push(j.message)
      if (/^\d+\/20: /.test(j.message) && Number(j.message.split('/')[0]) >= 4) jobs.cancel(j.id)
    })
    await expect(jobs.wait(first.jobId)).rejects.toThrow()
    off()
    expect(jobs.get(first.jobId)!.state).toBe('cancelled')
    expect(messages.some((m) => /importing cremad/.test(m))).toBe(true)
    let [run] = await caller.experiments.list()
    expect(run.status).toBe('cancelled')
    expect(run.done).toBeGreaterThanOrEqual(3)
    expect(run.done).toBeLessThan(20)

    const second = await caller.experiments.start(req)
    expect(second.resume).toBe(true)
    await jobs.wait(second.jobId)
    ;[run] = await caller.experiments.list()
    expect(run).toMatchObject({ status: 'done', done: 20, total: 20, outDir: out })

    // A finished folder is refused unless forced; the same folder cannot run twice at once.
    await expect(caller.experiments.start(req)).rejects.toThrow(/holds a finished experiment/)

    const detail = await caller.experiments.detail({ id: run.id })
    expect(detail.hasReport).toBe(true)
    expect(detail.summary).toHaveLength(2 * (1 + 2 + 2)) // shots x (softmax + target-only x 2 losses + fine-tuned x 2 losses x 1 frozen)
    expect(detail.claims.map((c) => c.id)).toEqual(['distance-loss', 'source-vs-frozen'])
    expect(detail.claims[1].verdict).toBe('not testable')
    expect(detail.plots.length).toBeGreaterThanOrEqual(4)
    for (const p of detail.plots) expect(p.svg).toMatch(/^<svg[\s\S]*<\/svg>$/)
    expect(detail.markdown.split('\n')).toHaveLength(detail.summary.length + 2)

    const report = await caller.experiments.report({ id: run.id })
    expect(report.path).toBe(path.join(out, 'report.html'))
    expect(report.html).toContain('<h2>Summary</h2>')
    const media = await handleMediaRequest(services, `experiment/${run.id}/report.html`)
    expect(media.status).toBe(200)
    expect(media.headers['Content-Type']).toMatch(/text\/html/)
    expect(media.headers['Content-Security-Policy']).toMatch(/default-src 'none'/)
    expect(media.body).toBe(report.html)
    expect((await handleMediaRequest(services, 'experiment/999/report.html')).status).toBe(404)
  }, 240_000)
})
