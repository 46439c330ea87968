import { syntheticCorpus } from '../helpers/corpora'
import { expect, screenshot, test } from './fixtures'

test.describe('Datasets view', () => {
  test('imports a generated CREMA-D corpus with progress, then shows its counts, clips and playback', async ({ app }) => {
    const corpus = await syntheticCorpus('cremad', { speakers: 3, sentences: 2 })
    const expectedByEmotion: Record<string, number> = {}
    for (const c of corpus.clips) expectedByEmotion[c.emotion] = (expectedByEmotion[c.emotion] ?? 0) + 1

    await app.getByTestId('nav-datasets').click()
    await app.getByTestId('import-dir').fill(corpus.dir)
    await app.getByTestId('import-name').fill('crema-e2e')
    await app.getByTestId('import-start').click()
    const report = app.getByTestId('import-report')
    await expect(report).toContainText(`${corpus.clips.length} added`, { timeout: 90_000 })
    await expect(report).toContainText('0 rejected')
    await expect(app.getByTestId('dataset-list').locator('[data-dataset="crema-e2e"]')).toContainText(String(corpus.clips.length))

    // Counts per emotion shown by the chart equal what was generated.
    const stats = app.getByTestId('dataset-stats')
    for (const [emotion, n] of Object.entries(expectedByEmotion)) {
      await expect(stats.locator(`[data-key="${emotion}"] .bar-value`).first()).toHaveText(String(n))
    }
    await expect(app.getByTestId('clip-total')).toHaveText(`${corpus.clips.length} clips`)

    // Filter by emotion, then play a clip through the token-protected media route.
    await app.getByTestId('filter-emotion').selectOption('angry')
    await expect(app.getByTestId('clip-total')).toHaveText(`${expectedByEmotion.angry} clips`)
    await app.locator('[data-testid="clip-table"] button.play').first().click()
    const player = app.getByTestId('clip-player')
    await expect(player).toBeVisible()
    await expect
      .poll(() => player.evaluate((el: HTMLAudioElement) => (el.error ? `error ${el.error.code}` : el.duration)), { timeout: 15_000 })
      .toBeGreaterThan(0.3)
    await screenshot(app, 'datasets-imported')

    // Importing the same folder again adds nothing (idempotent by content hash).
    await app.getByTestId('import-start').click()
    await expect(report).toContainText(`0 added, ${corpus.clips.length} unchanged`, { timeout: 90_000 })
  })

  test('states which label counts, and choosing another rule changes the counts (and is kept)', async ({ app }) => {
    const corpus = await syntheticCorpus('cremad', { speakers: 3, sentences: 2 })
    const n: Record<string, number> = {}
    for (const c of corpus.clips) n[c.emotion] = (n[c.emotion] ?? 0) + 1
    // Two annotators call every angry clip sad, through the real API.
    await app.evaluate(async (dir) => {
      const api = (window as unknown as { __serApi: any }).__serApi
      const { jobId } = await api.datasets.import.mutate({ dir, name: 'rule-e2e' })
      const { datasetId } = await api.datasets.importReport.query({ jobId })
      const { clips } = await api.datasets.clips.query({ datasetId, emotion: 'angry', limit: 1000 })
      for (const who of ['ann', 'bob']) for (const c of clips) await api.labels.set.mutate({ clipId: c.id, emotion: 'sad', annotator: who })
    }, corpus.dir)

    await app.reload() // the view was loaded before the API import
    await app.getByTestId('nav-datasets').click()
    await app.getByTestId('dataset-list').locator('[data-dataset="rule-e2e"]').click()
    const stats = app.getByTestId('dataset-stats')
    const bar = (key: string) => stats.locator(`[data-key="${key}"] .bar-value`).first()
    const rule = app.getByTestId('label-rule-text')
    // the default, majority: both annotators' sad wins over the corpus's angry
    await expect(rule).toContainText("majority of annotators' labels")
    await expect(bar('sad')).toHaveText(String(n.sad + n.angry))
    await expect(stats.locator('[data-key="angry"]')).toHaveCount(0)

    await app.getByTestId('label-rule-select').selectOption('corpus')
    await expect(rule).toContainText('the corpus label')
    await expect(bar('angry')).toHaveText(String(n.angry))
    await expect(bar('sad')).toHaveText(String(n.sad))

    await app.getByTestId('label-rule-select').selectOption('annotator:bob')
    await expect(rule).toContainText('annotator bob')
    await expect(bar('sad')).toHaveText(String(n.angry))
    await expect(bar('unlabelled')).toHaveText(String(corpus.clips.length - n.angry))
    await screenshot(app, 'datasets-label-rule')

    // the rule is the dataset's setting: it is there after a reload
    await app.reload()
    await app.getByTestId('nav-datasets').click()
    await app.getByTestId('dataset-list').locator('[data-dataset="rule-e2e"]').click()
    await expect(app.getByTestId('label-rule-select')).toHaveValue('annotator:bob')
    await expect(bar('sad')).toHaveText(String(n.angry))
  })

  test('a folder that does not exist gets a clear error and nothing changes', async ({ app }) => {
    await app.getByTestId('nav-datasets').click()
    await app.getByTestId('import-dir').fill('/no/such/folder')
    await app.getByTestId('import-start').click()
    await expect(app.getByTestId('datasets-error')).toContainText('folder not found: /no/such/folder')
  })
})
