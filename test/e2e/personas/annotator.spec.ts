/**
 * The annotator (issue 20, item 9): the README's first hour (steps 2-3: import a corpus in Datasets, label in Label
 * with the keyboard), then the main task: label a run of clips keyboard-first on a corpus of realistic size
 * (generated CREMA-D layout, 6 speakers). Checked against the data: the import report and the dataset list give the
 * server's clip count, the desk's progress adds up to it, every label typed is committed (✓) and counted once.
 */
import { expect, screenshot, test } from '../fixtures'
import { crema6, datasetFacts, importInDatasets, selectDataset } from './persona'

const KEYS = '54316754' // angry sad happy neutral fearful disgust angry sad: CREMA-D's six (1-8 follow the emotion list)

test('annotator: imports a 6-speaker corpus, labels clips with the keyboard, and the counts on screen add up', async ({ app }) => {
  test.setTimeout(300_000)
  const corpus = await crema6()
  await importInDatasets(app, corpus.dir, 'ann-crema')
  const facts = await datasetFacts(app, 'ann-crema')
  expect(facts.clips).toBe(corpus.clips.length)
  expect(facts.speakers).toBe(6)
  await expect(app.getByTestId('import-report')).toContainText(`${facts.clips} added`)
  await selectDataset(app, 'ann-crema')
  const listRow = app.getByTestId('dataset-list').locator('[data-dataset="ann-crema"]')
  await expect(listRow).toContainText(String(facts.clips))
  await expect(listRow).toContainText(String(facts.speakers))
  await expect(app.getByTestId('dataset-speech')).toHaveAttribute('data-speech', 'generated')
  await screenshot(app, 'persona-annotator-datasets')

  // README step 3: name, dataset, the first clip; then the keys
  await app.getByTestId('nav-label').click()
  await app.getByTestId('desk-dataset').selectOption(String(facts.id))
  await app.getByTestId('desk-annotator').fill('ann')
  await app.getByTestId('desk-annotator').press('Enter')
  await expect(app.locator('[data-testid="desk-clips"] li').first()).toBeVisible()
  await app.locator('[data-testid="current-clip"]').click()
  const progress = app.getByTestId('desk-progress')
  await expect(progress).toContainText(`0 labelled · ${facts.clips} to do`)
  for (const k of KEYS) await app.keyboard.press(k)
  await expect(app.getByTestId('all-saved')).toBeVisible({ timeout: 60_000 })
  const rows = app.locator('[data-testid="desk-clips"] li')
  const states = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))
  expect(states.filter((s) => s === 'saved')).toHaveLength(KEYS.length)
  await expect(progress).toContainText(`${KEYS.length} labelled · ${facts.clips - KEYS.length} to do`)
  await screenshot(app, 'persona-annotator-desk')

  // after a reload the same: nothing lost, nothing counted twice
  await app.reload()
  await app.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
  await app.getByTestId('nav-label').click()
  await expect(app.getByTestId('desk-progress')).toContainText(`${KEYS.length} labelled · ${facts.clips - KEYS.length} to do`)
})
