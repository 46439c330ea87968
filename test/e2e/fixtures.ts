import fs from 'node:fs'
import path from 'node:path'
import { test as base, type Page } from '@playwright/test'
import { startShellProcess, type ShellProcess } from '../helpers/shell-process'

export const SCREENSHOT_DIR = path.resolve('artifacts/screenshots')

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true })
}

/** `shell`: a fresh server + workspace per test file; `app`: a page opened on it, connected. */
export const test = base.extend<{ app: Page }, { shell: ShellProcess }>({
  shell: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const shell = await startShellProcess()
      await use(shell)
      await shell.stop()
      fs.rmSync(shell.workspace, { recursive: true, force: true })
    },
    { scope: 'worker' },
  ],
  app: async ({ page, shell }, use) => {
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(shell.url)
    await page.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
    await use(page)
    if (errors.length) throw new Error(`uncaught errors in the page:\n${errors.join('\n')}`)
  },
})
export { expect } from '@playwright/test'
