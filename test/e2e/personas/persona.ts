/**
 * Shared steps of the persona specs (issue 20, item 9): the README's first hour done through the UI, on generated
 * corpora of realistic size (6 speakers each), and reads of what the server holds, so each spec can check that
 * what the screen says (counts, provenance, banners) agrees with the data behind it.
 */
import type { Page } from '@playwright/test'
import { syntheticCorpus, type SynthResult } from '../../helpers/corpora'
import { expect } from '../fixtures'

/** The corpora of the personas: CREMA-D and RAVDESS layouts, 6 speakers each, from the generator (cached). */
export const crema6 = (): Promise<SynthResult> => syntheticCorpus('cremad', { speakers: 6, sentences: 2 })
export const ravdess6 = (): Promise<SynthResult> => syntheticCorpus('ravdess', { speakers: 6, reps: 1 })

export interface DatasetFacts {
  id: number
  clips: number
  speakers: number
  speech: string
  speakerCodes: string[]
}

/** What the server holds about a dataset (the truth the screen is checked against). */
export async function datasetFacts(app: Page, name: string): Promise<DatasetFacts> {
  return app.evaluate(async (n) => {
    const api = (window as unknown as { __serApi: any }).__serApi
    const row = ((await api.datasets.list.query()) as { id: number; name: string; clips: number; speakers: number; speech: string }[]).find(
      (d) => d.name === n,
    )!
    const stats = (await api.datasets.stats.query({ datasetId: row.id })) as { speakers: { code: string }[] }
    return { id: row.id, clips: row.clips, speakers: row.speakers, speech: row.speech, speakerCodes: stats.speakers.map((s) => s.code) }
  }, name)
}

/** README step 2: type the folder and a name in Datasets, Import, wait for the report. */
export async function importInDatasets(app: Page, dir: string, name: string): Promise<void> {
  await app.getByTestId('nav-datasets').click()
  await app.getByTestId('import-dir').fill(dir)
  await app.getByTestId('import-name').fill(name)
  await app.getByTestId('import-start').click()
  await expect(app.getByTestId('import-report')).toContainText(`${name}`, { timeout: 300_000 })
  await expect(app.getByTestId('import-report')).toContainText('0 rejected')
}

/** Selects a dataset in the Datasets list. */
export async function selectDataset(app: Page, name: string): Promise<void> {
  await app.getByTestId('nav-datasets').click()
  await app.getByTestId('dataset-list').locator(`[data-dataset="${name}"]`).click()
  await expect(app.getByTestId('dataset-speech')).toBeVisible()
}
