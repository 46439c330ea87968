/**
 * Restart recovery the annotator can see (issue 20): a page whose token no longer opens the
 * server (the shell restarted with a new random token) says so and how many changes wait; opening
 * the new address sends them, the notices clear, and a clip that could not load meanwhile loads
 * again without being reopened.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startShellProcess } from '../helpers/shell-process'
import { ensureDataset, openDesk, readRows } from './desk-helpers'
import { expect, test } from './fixtures'

test.describe('Label view after a restart', () => {
  test('the old address says "the app was restarted", counts the waiting changes, and the new address sends them; the stuck clip loads again', async ({
    page,
  }) => {
    test.setTimeout(240_000)
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-e2e-reach-'))
    let shell = await startShellProcess({ workspace }) // a random token, as `npm start`
    const notice = page.getByTestId('reach-notice')
    try {
      await page.goto(shell.url)
      await page.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
      await ensureDataset(page)
      await openDesk(page, 'quinn')
      await page.keyboard.press('1')
      await expect(page.getByTestId('all-saved')).toBeVisible()

      // The app stops; three labels are typed (each moves on to a clip whose audio cannot load now).
      await shell.stop()
      await page.getByTestId('connection').filter({ hasText: 'closed' }).waitFor()
      for (const k of '234') await page.keyboard.press(k)
      await expect(page.getByTestId('unsaved-count')).toContainText('3 not saved yet')
      await expect(page.getByTestId('waveform-error')).toBeVisible({ timeout: 20_000 })
      const stuck = await page.locator('[data-testid="desk-clips"] li.current').getAttribute('data-clip-id')

      // It starts again with a new token: this page's token no longer opens it, and the page says what to do.
      const oldUrl = shell.url
      shell = await startShellProcess({ workspace })
      expect(shell.token).not.toBe(new URL(oldUrl).hash.slice('#token='.length))
      await expect(notice).toHaveAttribute('data-reason', 'restarted', { timeout: 20_000 })
      await expect(notice).toContainText('The app was restarted: open the new address printed in the terminal')
      await expect(notice).toContainText('3 change(s) are waiting')

      // The new address, in the same tab: the Label view stays, the queue goes out, the stuck clip loads by itself.
      await page.goto(shell.url)
      await page.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
      await expect(notice).toHaveCount(0)
      await expect(page.getByTestId('view-label')).toBeVisible()
      await expect(page.getByTestId('all-saved')).toBeVisible({ timeout: 30_000 })
      await expect(page.locator('[data-testid="desk-clips"] li.current')).toHaveAttribute('data-clip-id', stuck!)
      await expect(page.getByTestId('waveform-canvas')).toHaveAttribute('data-ready', 'yes', { timeout: 30_000 })
      await expect(page.getByTestId('waveform-error')).toHaveCount(0)
      expect((await readRows(page)).slice(0, 4).map((r) => [r.label, r.state])).toEqual([
        ['neutral', 'saved'],
        ['calm', 'saved'],
        ['happy', 'saved'],
        ['sad', 'saved'],
      ])

      // Second time, the page is reloaded at the old address: still told, with the count kept in the browser.
      await shell.stop()
      await page.getByTestId('connection').filter({ hasText: 'closed' }).waitFor()
      for (const k of '56') await page.keyboard.press(k)
      await expect(page.getByTestId('unsaved-count')).toContainText('2 not saved yet')
      shell = await startShellProcess({ workspace })
      await page.reload()
      await expect(notice).toHaveAttribute('data-reason', 'restarted', { timeout: 20_000 })
      await expect(notice).toContainText('2 change(s) are waiting')
      await page.goto(shell.url)
      await page.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
      await expect(notice).toHaveCount(0)
      await expect(page.getByTestId('all-saved')).toBeVisible({ timeout: 30_000 })
      // "N unsaved change(s) ... are being sent" does not outlive the sending
      await expect(page.locator('[data-testid="desk-notice"][data-kind="resume"]')).toHaveCount(0)
      const labels = (await readRows(page)).slice(0, 6).map((r) => r.label)
      expect(labels).toEqual(['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful'])
      expect(errors).toEqual([])
    } finally {
      await shell.stop()
      fs.rmSync(workspace, { recursive: true, force: true })
    }
  })
})
