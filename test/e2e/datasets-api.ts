import type { Page } from '@playwright/test'

/** Imports corpus folders as named datasets through the API the Datasets view uses (its own e2e test covers the UI). */
export async function importDatasets(app: Page, folders: [dir: string, name: string][]): Promise<void> {
  await app.evaluate(async (list) => {
    const api = (window as unknown as { __serApi: any }).__serApi
    for (const [dir, name] of list) {
      const { jobId } = await api.datasets.import.mutate({ dir, name })
      await api.datasets.importReport.query({ jobId })
    }
  }, folders)
}
