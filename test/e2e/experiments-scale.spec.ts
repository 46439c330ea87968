/**
 * The Experiments view on the results of a default-size grid (issue 20, item 1): 945
 * evaluations (795 + the recommended arm) with two pre-training losses and an embedding map, recorded through the real
 * plan / task-result / merge code (test/helpers/recorded-grid.ts; only the training is
 * skipped), in a workspace the shell then opens. The view shows every table, the verdicts
 * (coloured as in the report) and every plot; nothing is refused for its size.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test as base } from '@playwright/test'
import { startShellProcess, type ShellProcess } from '../helpers/shell-process'
import { expect, screenshot } from './fixtures'

const test = base.extend<object, { shell: ShellProcess }>({
  shell: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-e2e-scale-'))
      const out = path.join(workspace, 'experiments', 'recorded-default')
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/helpers/recorded-grid.ts', workspace, out], { encoding: 'utf8', timeout: 300_000 })
      if (r.status !== 0) throw new Error(`recording the grid failed:\n${r.stdout}\n${r.stderr}`)
      const shell = await startShellProcess({ workspace })
      await use(shell)
      await shell.stop()
      fs.rmSync(workspace, { recursive: true, force: true })
    },
    { scope: 'worker', timeout: 360_000 },
  ],
})

test('Experiments view: tables, verdicts and plots of a default grid (945 evaluations)', async ({ page, shell }) => {
  test.setTimeout(240_000)
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(shell.url)
  await page.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
  await page.getByTestId('nav-experiments').click()
  const runRow = page.getByTestId('exp-runs').locator('tbody tr')
  await expect(runRow).toHaveCount(1)
  await expect(runRow.first()).toContainText('done')
  await runRow.first().click()

  const detail = page.getByTestId('exp-detail')
  await expect(detail).toBeVisible({ timeout: 120_000 })
  await expect(page.getByTestId('exp-error')).toHaveCount(0)
  await expect(page.getByTestId('exp-detail-error')).toHaveCount(0)
  // 15 configurations x 3 shots values; 2 losses x 3 shots values
  await expect(detail.getByTestId('exp-summary').locator('tbody tr')).toHaveCount(45)
  await expect(detail.getByTestId('exp-losses').locator('tbody tr')).toHaveCount(6)
  await expect(detail.getByTestId('exp-headline')).toContainText('Best overall:')
  await expect(detail.getByTestId('exp-claim')).toHaveCount(4)
  // 5 folds x 10 bases: the pooled claims carry an interval, and so does every configuration of one pre-training
  // loss (5 bases) and the softmax rows (no base)
  await expect(detail.getByTestId('exp-claim').first()).toContainText(/95% interval \[[-+]\d+\.\d, [-+]\d+\.\d\] over 5 folds x 10 pre-trained base/)
  await expect(detail.getByTestId('exp-summary')).not.toContainText('too few bases for an interval')
  await expect(detail.getByTestId('exp-summary').locator('tbody tr').filter({ hasText: 'fine-tuned' }).first()).toContainText(/\[\d+\.\d, \d+\.\d\]/)
  await expect(detail.getByTestId('exp-summary').locator('tbody tr').filter({ hasText: 'softmax' }).first()).toContainText(/\[\d+\.\d, \d+\.\d\]/)
  await expect(detail.getByTestId('exp-claim').nth(1)).toContainText('comparing sources needs a second source corpus')
  // the verdict is written and coloured with its one colour (src-shared/verdicts.ts)
  const colours: Record<string, string> = { supported: 'rgb(10, 125, 50)', contradicted: 'rgb(176, 0, 32)', inconclusive: 'rgb(138, 109, 0)' }
  const verdict = detail.getByTestId('exp-claim').first().locator('.verdict')
  const name = (await verdict.getAttribute('data-verdict')) ?? ''
  expect(Object.keys(colours)).toContain(name)
  await expect(verdict).toContainText(name)
  await expect(verdict).toHaveCSS('color', colours[name])
  // every plot drawn, the embedding map (> 100 000 characters of SVG) included
  const plots = detail.getByTestId('exp-plot')
  expect(await plots.count()).toBeGreaterThanOrEqual(8)
  await expect(detail.getByTestId('exp-plot-note')).toHaveCount(0)
  for (const img of await plots.locator('img').all()) {
    await img.scrollIntoViewIfNeeded()
    await expect(img).toHaveJSProperty('complete', true)
    expect(await img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(100)
  }
  await expect(plots.filter({ hasText: 'Embedding map' })).toHaveCount(1)
  await expect(plots.filter({ hasText: 'dashed line: chance 25.0%' })).toHaveCount(1)
  await screenshot(page, 'experiments-default-grid')
  expect(errors).toEqual([])
})
