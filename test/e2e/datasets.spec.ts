import fs from 'node:fs'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { syntheticCorpus } from '../helpers/corpora'
import { tempDir } from '../helpers/workspace'
import { encodeWav16 } from '../../src-main/services/audio/index'
import { expect, screenshot, test } from './fixtures'

const tone = (k: number) => encodeWav16(Float32Array.from({ length: 8000 }, (_, i) => 0.3 * Math.sin(i / k)), 16000)

/** A tiny corpus written here: relative path -> contents. */
function corpusOf(files: Record<string, Uint8Array | string>): string {
  const root = tempDir('ser-e2e-ds-')
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), body)
  }
  return root
}

/** Fails the test if the page ever opens a browser dialog (window.prompt/confirm/alert). */
function refuseBrowserDialogs(page: Page): string[] {
  const opened: string[] = []
  page.on('dialog', (d) => {
    opened.push(`${d.type()}: ${d.message()}`)
    void d.dismiss()
  })
  return opened
}

async function importFolder(page: Page, dir: string, name: string): Promise<void> {
  await page.getByTestId('nav-datasets').click()
  await page.getByTestId('import-dir').fill(dir)
  await page.getByTestId('import-name').fill(name)
  await page.getByTestId('import-start').click()
}

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
    await expect(app.getByTestId('import-error')).toContainText('folder not found: /no/such/folder')
  })

  test('import errors appear in the import panel and name the file: a manifest parse error with its line, no audio, an unreadable file', async ({ app }) => {
    const bad = corpusOf({ 'audio/a.wav': tone(3), 'labels.csv': 'path,label,speaker\naudio/a.wav,angry,s1\naudio/"b.wav,sad,s2\n' })
    await importFolder(app, bad, 'bad-manifest')
    const err = app.getByTestId('import-panel').getByTestId('import-error')
    await expect(err).toHaveAttribute('role', 'alert')
    await expect(err).toContainText('the manifest labels.csv cannot be parsed at line 3', { timeout: 30_000 })

    await importFolder(app, corpusOf({ 'notes.txt': 'x' }), 'no-audio')
    await expect(err).toContainText('no audio files (.wav, .flac, .mp3, .ogg, .avi) in this folder or below it; it holds 1 other file(s): notes.txt', {
      timeout: 30_000,
    })

    await importFolder(app, corpusOf({ 'sad/ok.wav': tone(3), 'sad/take2/broken.wav': tone(4).slice(0, 40) }), 'one-broken')
    const report = app.getByTestId('import-report')
    await expect(report).toContainText('1 rejected', { timeout: 30_000 })
    await expect(err).toHaveCount(0)
    // the rejected file is listed without a click, under its path inside the chosen folder
    await expect(app.getByTestId('import-rejected')).toContainText('sad/take2/broken.wav: cannot decode sad/take2/broken.wav')
  })

  test(
    'the annotator name and the relink folder are asked in an in-app dialog: labelled, focus kept inside and given back, Escape cancels, Enter submits',
    async ({ app }) => {
      const opened = refuseBrowserDialogs(app)
      const button = app.getByTestId('annotator')
      await button.focus()
      await button.press('Enter')
      const dialog = app.getByRole('dialog', { name: 'Annotator name' })
      await expect(dialog).toHaveAttribute('aria-modal', 'true')
      const input = dialog.getByLabel('Your name (stored with every label you make)')
      await expect(input).toBeFocused()
      // Tab cycles inside the dialog: input -> Cancel -> Save -> input
      await app.keyboard.press('Tab')
      await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
      await app.keyboard.press('Tab')
      await expect(dialog.getByRole('button', { name: 'Save' })).toBeFocused()
      await app.keyboard.press('Tab')
      await expect(input).toBeFocused()
      await app.keyboard.press('Shift+Tab')
      await expect(dialog.getByRole('button', { name: 'Save' })).toBeFocused()
      // Escape cancels: nothing saved, focus back on the button that opened it
      await input.fill('Not Saved')
      await app.keyboard.press('Escape')
      await expect(dialog).toHaveCount(0)
      await expect(button).toBeFocused()
      await expect(button).toContainText('set your name')
      // Enter submits
      await button.press('Enter')
      await dialog.getByLabel(/Your name/).fill('Dora Dialog')
      await dialog.getByLabel(/Your name/).press('Enter')
      await expect(button).toContainText('annotator: Dora Dialog')
      await expect(button).toBeFocused()

      // Relink asks in the same dialog
      const root = corpusOf({ 'angry/a.wav': tone(3), 'sad/b.wav': tone(5) })
      await importFolder(app, root, 'dialog-relink')
      await expect(app.getByTestId('import-report')).toContainText('2 added', { timeout: 30_000 })
      await app.getByTestId('dataset-list').locator('[data-dataset="dialog-relink"]').click()
      await app.getByTestId('dataset-stats').getByTestId('relink').click()
      const relink = app.getByRole('dialog', { name: 'Relink dataset "dialog-relink"' })
      await expect(relink.getByLabel('The folder this dataset is in now (absolute path)')).toHaveValue(root)
      await relink.getByRole('button', { name: 'Cancel' }).click()
      await expect(relink).toHaveCount(0)
      await expect(app.getByTestId('relink-outcome')).toHaveCount(0)
      expect(opened).toEqual([])
    },
  )

  test(
    'missing audio: the Datasets view flags the dataset and its clips with the server message, the desk waveform too, ' + 'and Relink in the dialog mends both',
    async ({ app }) => {
      const opened = refuseBrowserDialogs(app)
      const root = corpusOf({ 'angry/a.wav': tone(3), 'angry/b.wav': tone(4), 'sad/c.wav': tone(5) })
      await importFolder(app, root, 'moving')
      await expect(app.getByTestId('import-report')).toContainText('3 added', { timeout: 30_000 })
      const row = app.getByTestId('dataset-list').locator('[data-dataset="moving"]')
      await expect(row.getByTestId('dataset-missing')).toHaveText('all present')

      const moved = tempDir('ser-e2e-moved-')
      fs.cpSync(root, moved, { recursive: true })
      fs.rmSync(root, { recursive: true })
      await app.reload()
      await app.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
      await app.getByTestId('nav-datasets').click()
      await row.click()
      await expect(row.getByTestId('dataset-missing')).toHaveText('3 missing')
      const banner = app.getByTestId('missing-audio')
      await expect(banner).toHaveAttribute('role', 'alert')
      await expect(banner).toContainText(`3 of 3 audio files of dataset "moving" are missing from ${root} (angry/a.wav, angry/b.wav, sad/c.wav)`)
      await expect(app.locator('[data-testid="clip-table"] tr[data-missing="yes"]')).toHaveCount(3)
      await expect(app.getByTestId('clip-missing').first()).toHaveText('(file missing)')
      await screenshot(app, 'datasets-missing-audio')

      // The label desk's waveform: the server's message and a Relink, never the media URL with its token
      const id = await app.evaluate(
        async () =>
          ((await (window as unknown as { __serApi: any }).__serApi.datasets.list.query()) as { id: number; name: string }[]).find((d) => d.name === 'moving')!
            .id,
      )
      await app.getByTestId('nav-label').click()
      await app.getByTestId('desk-dataset').selectOption(String(id))
      const wave = app.getByTestId('waveform-error')
      await expect(wave).toContainText('of dataset "moving" is missing from', { timeout: 15_000 })
      await expect(wave).toContainText('Relink the dataset to the folder it is in now.')
      await expect(wave).not.toContainText('token')
      await expect(wave).not.toContainText('http')
      await wave.getByTestId('relink').click()
      const dialog = app.getByRole('dialog', { name: 'Relink dataset "moving"' })
      await dialog.getByLabel(/The folder this dataset is in now/).fill(moved)
      await dialog.getByLabel(/The folder this dataset is in now/).press('Enter')
      await expect(app.getByTestId('waveform-canvas')).toHaveAttribute('data-ready', 'yes', { timeout: 15_000 })
      await expect(app.getByTestId('waveform-error')).toHaveCount(0)

      // Back in the Datasets view: nothing missing any more
      await app.getByTestId('nav-datasets').click()
      await row.click()
      await expect(row.getByTestId('dataset-missing')).toHaveText('all present')
      await expect(app.getByTestId('missing-audio')).toHaveCount(0)
      await expect(app.locator('[data-testid="clip-table"] tr[data-missing="yes"]')).toHaveCount(0)
      expect(opened).toEqual([])
    },
  )
})
