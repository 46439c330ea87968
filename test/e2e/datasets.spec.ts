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

  test('a folder that does not exist gets a clear error and nothing changes', async ({ app }) => {
    await app.getByTestId('nav-datasets').click()
    await app.getByTestId('import-dir').fill('/no/such/folder')
    await app.getByTestId('import-start').click()
    await expect(app.getByTestId('datasets-error')).toContainText('folder not found: /no/such/folder')
  })
})
