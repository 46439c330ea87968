/** What the Label view specs share: a generated dataset imported through the API, the desk opened on it, its clip rows. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { syntheticCorpus } from '../helpers/corpora'
import { expect } from './fixtures'

/** Imports the generated CREMA-D corpus (the same one datasets.spec uses, so it is cached) through the real API. */
export async function ensureDataset(page: Page, name = 'desk', dir?: string): Promise<number> {
  const corpus = dir ? { dir } : await syntheticCorpus('cremad', { speakers: 3, sentences: 2 })
  return page.evaluate(
    async ([dir, name]) => {
      const api = (window as unknown as { __serApi: any }).__serApi
      const have = (await api.datasets.list.query()).find((d: { name: string }) => d.name === name)
      if (have) return have.id as number
      const { jobId } = await api.datasets.import.mutate({ dir, name })
      return (await api.datasets.importReport.query({ jobId })).datasetId as number
    },
    [corpus.dir, name] as const,
  )
}

/** A small second corpus: `n` clips of the generated one copied into a folder-per-emotion layout (no new synthesis). */
export async function smallCorpus(n: number): Promise<string> {
  const corpus = await syntheticCorpus('cremad', { speakers: 3, sentences: 2 })
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-e2e-small-'))
  fs.mkdirSync(path.join(root, 'spk9', 'neutral'), { recursive: true })
  corpus.clips.slice(0, n).forEach((c, i) => fs.copyFileSync(path.join(corpus.dir, c.relPath), path.join(root, 'spk9', 'neutral', `take${i}.wav`)))
  return root
}

/** The Label view on dataset `datasetId` (default: 'desk'; other spec files may have left datasets in this worker's workspace). */
export async function openDesk(page: Page, annotator: string, datasetId?: number): Promise<void> {
  const id = datasetId ?? (await ensureDataset(page))
  await page.getByTestId('nav-label').click()
  await page.getByTestId('desk-dataset').selectOption(String(id))
  await page.getByTestId('desk-annotator').fill(annotator)
  await page.getByTestId('desk-annotator').press('Enter')
  await expect(page.locator('[data-testid="desk-clips"] li').first()).toBeVisible()
  await page.locator('[data-testid="current-clip"]').click() // focus the page, not the input
}

export const rows = (page: Page) => page.locator('[data-testid="desk-clips"] li')

/** Every clip row: id, shown label and its save state. */
export async function readRows(page: Page): Promise<{ id: string; label: string; state: string }[]> {
  return rows(page).evaluateAll((els) =>
    els.map((e) => ({ id: e.getAttribute('data-clip-id')!, label: e.getAttribute('data-label')!, state: e.getAttribute('data-state')! })),
  )
}

/** The annotator's live labels on a clip, from the server. */
export async function serverLabels(page: Page, clipId: number, annotator: string): Promise<string[]> {
  return page.evaluate(
    async ([clipId, annotator]) => {
      const api = (window as unknown as { __serApi: any }).__serApi
      return ((await api.labels.forClip.query({ clipId })) as { annotator: string; emotion: string; source: string }[])
        .filter((l) => l.annotator === annotator && l.source !== 'corpus')
        .map((l) => l.emotion)
    },
    [clipId, annotator] as const,
  )
}
