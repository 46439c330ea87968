/**
 * The researcher (issue 20, item 9): the README's first hour (import, train a model, open it in Live), then the main
 * task: the paper's grid on two corpora of realistic size (6 speakers each, 30 evaluations). Checked against the
 * data: the speech origin comes from the corpus's mark (the dataset's name says nothing), a person's correction is
 * kept, the speakers the banner names add up to the dataset's, the grid size on the button is the grid that ran.
 */
import { fillGridForm } from '../experiment-form'
import { expect, screenshot, test } from '../fixtures'
import { crema6, datasetFacts, importInDatasets, ravdess6, selectDataset } from './persona'

test('researcher: imports two corpora, trains, reads provenance from the data, and runs a grid of at least 12 evaluations', async ({ app }) => {
  test.setTimeout(600_000)
  const [crema, rav] = await Promise.all([crema6(), ravdess6()])
  // names that say nothing about where the audio came from
  await importInDatasets(app, crema.dir, 'study-a')
  await importInDatasets(app, rav.dir, 'study-b')
  const c = await datasetFacts(app, 'study-a')
  expect(c).toMatchObject({ speakers: 6, speech: 'generated' })
  await selectDataset(app, 'study-a')
  await expect(app.getByTestId('dataset-speech')).toHaveAttribute('data-speech', 'generated')
  await expect(app.getByTestId('dataset-speech')).toContainText('ser-corpus.json mark')
  // the researcher knows better for 'study-b' (say, re-recorded by people): set here, and kept
  await selectDataset(app, 'study-b')
  await app.getByTestId('dataset-speech-select').selectOption('recorded')
  await expect(app.getByTestId('dataset-speech')).toHaveAttribute('data-speech', 'recorded')
  await expect(app.getByTestId('dataset-speech')).toContainText('set here')
  expect((await datasetFacts(app, 'study-b')).speech).toBe('recorded')
  await screenshot(app, 'persona-researcher-datasets')

  // README step 4: a trained model
  await app.getByTestId('nav-train').click()
  await app.getByTestId('train-name').fill('first')
  await app.getByTestId('train-source').selectOption('study-a')
  await app.getByTestId('train-epochs').fill('3')
  await app.getByTestId('train-start').click()
  await expect(app.getByTestId('train-progress').locator('h3')).toContainText('done', { timeout: 300_000 })
  const row = app.getByTestId('model-list').locator('[data-model="first"]')
  await expect(row).toBeVisible()
  await row.getByTestId('model-link').click()
  await expect(app.getByTestId('model-speech')).toContainText('generated (synthesised) speech')

  // README step 5: Live states the same, with the dataset's speaker count
  await app.getByTestId('nav-live').click()
  const option = app.getByTestId('live-source').locator('option', { hasText: 'Model first' })
  await expect(option).toBeAttached()
  await app.getByTestId('live-source').selectOption((await option.getAttribute('value'))!)
  await expect(app.getByTestId('live-speech')).toHaveText('generated (synthesised) speech')
  const [, built] = /^(\d+) of the (?:6) speakers$/.exec((await app.getByTestId('live-speakers').innerText()).trim()) ?? []
  expect(Number(built)).toBeGreaterThan(0)
  const [, heldOut] = /clips of (\d+) speakers? it never trained on/.exec(await app.getByTestId('live-provenance-heldout').innerText()) ?? []
  // the speakers it was built from and those held out are the dataset's 6, none counted twice
  expect(Number(built) + Number(heldOut)).toBe(c.speakers)
  await screenshot(app, 'persona-researcher-live')

  // The main task: the grid on 2 folds x 1 shots value, 2 pre-training x 2 fine-tuning losses, frozen 0 and 1
  await app.getByTestId('nav-experiments').click()
  await app.getByTestId('exp-source-0-kind').selectOption('dataset')
  await app.getByTestId('exp-source-0-dataset').selectOption('study-a')
  await app.getByTestId('exp-target-dataset').selectOption('study-b')
  await fillGridForm(app, {
    frozen: '0,1', shots: '2', folds: '2', seeds: '1', pretrainSeeds: '1',
    tuneBudget: '1', pretrainEpochs: '2', steps: '8', finetuneEpochs: '2', finetuneSteps: '4',
  })
  const [, count] = /^Run (\d+) evaluations$/.exec((await app.getByTestId('exp-start').innerText()).trim()) ?? []
  const evaluations = Number(count)
  expect(evaluations).toBeGreaterThanOrEqual(12)
  await app.getByTestId('exp-start').click()
  const progress = app.getByTestId('exp-progress')
  await expect(progress.locator('h3')).toContainText('done', { timeout: 420_000 })
  // the grid that ran is the grid the button announced (it once left out the recommended arm: 26 announced, 30 run)
  await expect(progress).toContainText(`${evaluations} evaluations;`)
  const detail = app.getByTestId('exp-detail')
  await expect(detail).toBeVisible()
  // one summary row per configuration of the one shots value, each evaluated on the 2 folds
  await expect(detail.getByTestId('exp-summary').locator('tbody tr')).toHaveCount(evaluations / 2)
  await expect(detail.getByTestId('exp-headline')).toBeVisible()
  await expect(detail.getByTestId('exp-claim').first()).toContainText('inconclusive')
  await detail.getByTestId('exp-summary').scrollIntoViewIfNeeded()
  await screenshot(app, 'persona-researcher-experiments')
})
