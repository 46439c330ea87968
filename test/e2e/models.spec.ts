import type { Page } from '@playwright/test'
import { syntheticCorpus } from '../helpers/corpora'
import { importDatasets } from './datasets-api'
import { expect, screenshot, test } from './fixtures'

/** The message a rejected API call gives (the same client the views use), or 'accepted'. */
async function refusal(app: Page, req: Record<string, unknown>): Promise<string> {
  return app.evaluate(async (r) => {
    const api = (window as unknown as { __serApi: any }).__serApi
    try {
      await api.models.train.mutate(r)
      return 'accepted'
    } catch (err) {
      return (err as Error).message
    }
  }, req)
}

const ticks = async (app: Page, phase: string, axis: 'x' | 'y') =>
  (await app.getByTestId(`curves-${phase}`).locator('figure').first().getByTestId(`${axis}-tick`).allTextContents()).map((t) => t.trim())

/** Each phase's curve on its own epochs 1..N, with a drawn line and distinct loss ticks. */
async function expectCurves(app: Page, phases: Record<string, number>): Promise<void> {
  for (const [phase, n] of Object.entries(phases)) {
    const box = app.getByTestId(`curves-${phase}`)
    await expect(box).toBeVisible()
    await expect(box).toHaveAttribute('data-epochs', String(n))
    await expect(box.locator('svg path').first()).toHaveAttribute('d', new RegExp(n > 1 ? 'M.+L' : 'M'))
    const x = await ticks(app, phase, 'x')
    expect(x[0]).toBe('1')
    expect(x.at(-1)).toBe(String(n))
    const y = await ticks(app, phase, 'y')
    expect(y.length).toBeGreaterThanOrEqual(3)
    expect(new Set(y).size).toBe(y.length)
  }
}

test.describe.configure({ mode: 'serial' })

test('Train form and server refuse source = target, more shots than the target has, and a taken name; curves outlive the view and a reload', async ({
  app,
}) => {
  test.setTimeout(480_000)
  const source = await syntheticCorpus('cremad', { speakers: 8, sentences: 1 })
  const target = await syntheticCorpus('ravdess', { speakers: 8, reps: 1 })
  await importDatasets(app, [
    [source.dir, 'synth-src'],
    [target.dir, 'synth-tgt'],
  ])
  await app.getByTestId('nav-train').click()
  await app.getByTestId('train-name').fill('m-model')
  await app.getByTestId('train-source').selectOption('synth-src')
  await app.getByTestId('train-target').selectOption('synth-src')
  await expect(app.getByTestId('train-form-problem')).toContainText('must differ from the source')
  await expect(app.getByTestId('train-start')).toBeDisabled()
  expect(await refusal(app, { name: 'm-x', source: 'synth-src', target: 'synth-src' })).toMatch(/target dataset must differ from the source/)

  await app.getByTestId('train-target').selectOption('synth-tgt')
  const budget = app.getByTestId('train-shots-budget')
  await expect(budget).toContainText('fine-tune speakers of synth-tgt')
  const max = Number(await budget.getAttribute('data-max'))
  expect(max).toBeGreaterThan(1)
  await app.getByTestId('train-shots').fill(String(max + 1))
  await expect(app.getByTestId('train-form-problem')).toContainText(`at most ${max} clips of every class`)
  await expect(app.getByTestId('train-start')).toBeDisabled()
  // the server refuses what the form refuses (a client that skips the form gets the same answer)
  expect(await refusal(app, { name: 'm-x', source: 'synth-src', target: 'synth-tgt', shots: max + 1 })).toMatch(
    new RegExp(`${max + 1} shots per class asked.*Choose at most ${max} shots`),
  )

  await app.getByTestId('train-shots').fill('2')
  await app.getByTestId('train-epochs').fill('3')
  await app.getByTestId('train-finetune-epochs').fill('2')
  await expect(app.getByTestId('train-form-problem')).toHaveCount(0)
  await app.getByTestId('train-start').click()
  const progress = app.getByTestId('train-progress')
  await expect(progress.locator('h3').first()).toContainText('done', { timeout: 300_000 })
  // a 3-epoch pre-training is drawn on epochs 1..3 and the 2 fine-tuning epochs on 1..2 (not one axis 0..N)
  await expectCurves(app, { pretrain: 3, finetune: 2 })
  // no stale red "already exists" beside the run that just succeeded: the form moves on to a fresh name
  await expect(app.getByTestId('train-form-problem')).toHaveCount(0)
  await expect(app.getByTestId('train-name')).toHaveValue('m-model-2')
  await expect(app.getByTestId('train-name-next')).toContainText("'m-model' is trained")

  // a taken name is refused by the form and by the server, also in another case
  await app.getByTestId('train-name').fill('m-model')
  await expect(app.getByTestId('train-form-problem')).toContainText("A model named 'm-model' already exists")
  await expect(app.getByTestId('train-start')).toBeDisabled()
  expect(await refusal(app, { name: 'M-Model', source: 'synth-src', target: 'synth-tgt', shots: 2 })).toMatch(/a model named 'M-Model' already exists/)

  // the curves outlive the view and a reload (kept with the run on the server)
  await app.getByTestId('nav-datasets').click()
  await app.reload()
  await app.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
  await app.getByTestId('nav-train').click()
  await expect(progress.locator('h3')).toContainText('Latest run: m-model — done')
  await expectCurves(app, { pretrain: 3, finetune: 2 })
  await screenshot(app, 'train-curves-after-reload')
})

test('the model page shows card, roles, held-out figures, data, backend and curves; renames and deletes inline; the default is protected', async ({ app }) => {
  test.setTimeout(120_000)
  await app.getByTestId('nav-train').click()
  await app.getByTestId('model-list').locator('[data-model="m-model"]').getByTestId('model-link').click()
  await expect(app.getByTestId('model-name')).toHaveText('m-model')
  for (const role of ['pretrain', 'validation', 'finetune', 'calibration', 'heldOut']) {
    await expect(app.getByTestId('model-roles').locator(`[data-role="${role}"]`).getByTestId('role-speakers')).toHaveText(/^[1-9]\d*$/)
  }
  await expect(app.getByTestId('model-heldout-accuracy')).toContainText('95% interval')
  await expect(app.getByTestId('model-heldout')).toContainText('chance 13%') // 8 RAVDESS classes: UAR chance 1/8
  await expect(app.getByTestId('model-heldout-n')).toContainText(/n = \d+ clips of 2 speakers/)
  await expect(app.getByTestId('model-data').locator('[data-corpus="synth-src"]')).toContainText('source')
  await expect(app.getByTestId('model-data').locator('[data-corpus="synth-tgt"]')).toContainText(/target\s*\d+\s*8/)
  // from the corpus folder's ser-corpus.json mark, stored at import
  await expect(app.getByTestId('model-speech')).toContainText('generated (synthesised) speech')
  await expect(app.getByTestId('model-backend')).toContainText(/wasm|tensorflow|cpu/)
  await expect(app.getByTestId('model-label-rule')).toContainText(/synth-src: the majority of annotators/) // the card's stated label rule (default: majority)
  await expectCurves(app, { pretrain: 3, finetune: 2 })
  await app.reload()
  await app.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
  await expectCurves(app, { pretrain: 3, finetune: 2 })
  await screenshot(app, 'model-page')

  await app.getByTestId('model-rename').click()
  await app.getByTestId('model-rename-input').fill('m renamed')
  await app.getByTestId('model-rename-save').click()
  await expect(app.getByTestId('model-name')).toHaveText('m renamed')

  await app.getByTestId('model-delete').click()
  await expect(app.getByTestId('model-delete-confirm')).toContainText('and its folder')
  await app.getByTestId('model-delete-no').click()
  await expect(app.getByTestId('model-name')).toHaveText('m renamed')
  await app.getByTestId('model-delete').click()
  await app.getByTestId('model-delete-yes').click()
  await expect(app.getByTestId('model-deleted')).toContainText('m renamed')
  await app.getByTestId('nav-train').click()
  await expect(app.getByTestId('model-list').locator('[data-model="m renamed"]')).toHaveCount(0)

  // the shipped default is reachable from Live and Enroll, and cannot be renamed or deleted
  await app.getByTestId('nav-live').click()
  await app.getByTestId('live-model-page').click()
  await expect(app.getByTestId('model-name')).toContainText('(shipped demonstration model)')
  // its unfamiliarity threshold and the false-alarm rate it was set to, with the n and the held-out share (issue 21)
  await expect(app.getByTestId('model-unfamiliar-threshold')).toHaveText(/^\d+\.\d\d$/)
  await expect(app.getByTestId('model-unfamiliar-rate')).toHaveText('5%')
  await expect(app.getByTestId('model-unfamiliar')).toContainText(/n = \d+ clips of \d+ speakers it never trained on/)
  await expect(app.getByTestId('model-unfamiliar-heldout')).toContainText(/of 170 clips flagged/)
  await expect(app.getByTestId('model-unfamiliar-parts')).toContainText('voice quality (28 descriptors, threshold')
  await expect(app.getByTestId('model-rename')).toHaveCount(0)
  await expect(app.getByTestId('model-delete')).toHaveCount(0)
  await expect(app.getByTestId('curves-none')).toBeVisible()
  const removed = await app.evaluate(async () => {
    const api = (window as unknown as { __serApi: any }).__serApi
    return api.models.remove.mutate({ id: 'default' }).then(
      () => 'removed',
      (e: Error) => e.message,
    )
  })
  expect(removed).toMatch(/shipped default cannot be renamed or deleted/)
  await app.getByTestId('nav-enroll').click()
  await app.getByTestId('enroll-model-page').click()
  await expect(app.getByTestId('view-model')).toBeVisible()
})
