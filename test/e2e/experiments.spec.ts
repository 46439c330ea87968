import { syntheticCorpus } from '../helpers/corpora'
import { fillGridForm } from './experiment-form'
import { expect, screenshot, test } from './fixtures'

test('Experiments view: runs a small grid with progress, cancel and resume, shows tables and plots, and opens the report', async ({ app, context, shell }) => {
  const source = await syntheticCorpus('cremad', { speakers: 5, sentences: 2 })
  const target = await syntheticCorpus('ravdess', { speakers: 4, reps: 1 })
  // Both corpora are imported; the target is chosen as a dataset, the source by its folder
  // (the app accepts folders inside the workspace, picked ones, and imported datasets' roots).
  await app.evaluate(async ([src, tgt]) => {
    const api = (window as unknown as { __serApi: any }).__serApi
    for (const [dir, name] of [[tgt, 'ravdess-e2e'], [src, 'cremad-e2e']]) {
      const { jobId } = await api.datasets.import.mutate({ dir, name })
      await api.datasets.importReport.query({ jobId })
    }
  }, [source.dir, target.dir])

  await app.getByTestId('nav-experiments').click()
  await app.getByTestId('exp-source-0-kind').selectOption('folder')
  await app.getByTestId('exp-source-0-folder').fill(source.dir)
  await app.getByTestId('exp-source-0-name').fill('cremad')
  await app.getByTestId('exp-target-dataset').selectOption('ravdess-e2e')
  await expect(app.getByTestId('exp-target-name')).toHaveValue('ravdess')
  await fillGridForm(app, {
    frozen: '0,1', shots: '2,all', folds: '2', seeds: '1', pretrainSeeds: '1',
    tuneBudget: '1', pretrainEpochs: '2', steps: '8', finetuneEpochs: '3', finetuneSteps: '4',
  })
  // per fold and shots: softmax + target-only x 2 losses + 2 bases x (pre-trained only + fine-tuned x 2 losses x 2 frozen + recommended) = 15
  await expect(app.getByTestId('exp-start')).toHaveText('Run 60 evaluations')
  await expect(app.getByTestId('exp-folds-note')).toContainText('With 2 folds no effect gets an interval')
  // tasks: 2 features + 2 tunings + 2 bases + 2 folds x 2 shots x (1 + 2) evaluate = 18

  // Start, watch it progress, cancel it mid-grid.
  await app.getByTestId('exp-start').click()
  const progress = app.getByTestId('exp-progress')
  await expect(progress.locator('p')).toHaveText(/^\d+\/18 /, { timeout: 120_000 })
  await screenshot(app, 'experiments-running')
  await app.getByTestId('exp-cancel').click()
  await expect(progress.locator('h3')).toContainText('cancelled', { timeout: 60_000 })
  const runRow = app.getByTestId('exp-runs').locator('tbody tr')
  await expect(runRow).toHaveCount(1)
  await expect(runRow.first()).toContainText('cancelled')

  // The same settings resume the same folder and finish.
  await app.getByTestId('exp-start').click()
  await expect(progress.locator('h3')).toContainText('running')
  await expect(progress.locator('h3')).toContainText('done', { timeout: 180_000 })
  await expect(runRow).toHaveCount(1)
  await expect(runRow.first()).toContainText('done')
  await expect(runRow.first()).toContainText('18/18')

  // The run's tables and plots.
  const detail = app.getByTestId('exp-detail')
  await expect(detail).toBeVisible()
  await expect(detail.getByTestId('exp-summary').locator('tbody tr')).toHaveCount(2 * 15)
  await expect(detail.getByTestId('exp-headline')).toContainText('Best overall:')
  await expect(detail.getByTestId('exp-losses').locator('tbody tr')).toHaveCount(2 * 2)
  await expect(detail.getByTestId('exp-claim')).toHaveCount(4)
  // 2 folds are too few units for an interval: every verdict inconclusive, saying why
  await expect(detail.getByTestId('exp-claim').first()).toContainText('inconclusive (too few folds for an interval: 2 fold')
  await expect(detail.getByTestId('exp-claim').nth(1)).toContainText('comparing sources needs a second source corpus')
  expect(await detail.getByTestId('exp-plot').count()).toBeGreaterThanOrEqual(4)
  await expect(detail.getByTestId('exp-plot').first().locator('img')).toHaveJSProperty('complete', true)
  expect(await detail.getByTestId('exp-plot').first().locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100)
  await detail.getByTestId('exp-summary').scrollIntoViewIfNeeded()
  await screenshot(app, 'experiments-done')

  // The report, inline ...
  await detail.getByTestId('exp-open-report').click()
  const report = app.frameLocator('[data-testid="exp-report-frame"]')
  await expect(report.locator('h1')).toContainText('experiment report')
  await expect(report.locator('h2', { hasText: 'Verdicts' })).toBeVisible()
  await expect(report.locator('h2', { hasText: 'Every loss side by side' })).toBeVisible()
  await expect(report.locator('.claim')).toHaveCount(4)
  await expect(report.locator('p', { hasText: 'Speaker-independent evaluation' })).toBeVisible()
  await expect(report.locator('h2', { hasText: 'Summary' })).toBeVisible()
  // the summary table (the effect tables of the verdicts come first)
  await expect(report.locator('table thead', { hasText: 'macro-F1 %' }).first()).toContainText('UAR % [95% CI]')
  await expect(report.locator('table thead', { hasText: 'fine-tuned UAR %' })).toHaveCount(1)
  expect(await report.locator('figure svg').count()).toBeGreaterThanOrEqual(4)
  await app.getByTestId('exp-report-frame').scrollIntoViewIfNeeded()
  await screenshot(app, 'experiments-report')

  // ... and as its own page, token-checked.
  const [page] = await Promise.all([context.waitForEvent('page'), detail.getByTestId('exp-report-link').click()])
  await page.waitForLoadState()
  await expect(page.locator('h2', { hasText: 'Summary' })).toBeVisible()
  await expect(page.locator('.claim').first()).toContainText('The modified distance loss improves fine-tuning')
  await screenshot(page, 'experiments-report-page')
  const runId = await detail.getAttribute('data-run')
  const noToken = await page.request.get(`${new URL(shell.url).origin}/media/experiment/${runId}/report.html`)
  expect(noToken.status()).toBe(401)
})
