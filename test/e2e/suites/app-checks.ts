/// <reference lib="dom" />
/**
 * Checks that both transports must pass: the browser shell (foundation.spec.ts)
 * and a real Electron (electron.spec.ts). Each takes a connected page.
 */
import { expect, type Page } from '@playwright/test'
import { screenshot } from '../fixtures'

export const VIEW_NAMES = ['datasets', 'label', 'enroll', 'train', 'experiments', 'live'] as const

export async function visitEveryView(page: Page, screenshotPrefix: string): Promise<void> {
  for (const name of VIEW_NAMES) {
    await page.getByTestId(`nav-${name}`).click()
    await expect(page.getByTestId(`view-${name}`)).toBeVisible()
    await expect(page).toHaveURL(new RegExp(`#/${name}$`))
    await screenshot(page, `${screenshotPrefix}-${name}`)
  }
  await expect(page.getByTestId('backend')).toContainText(/tensorflow|wasm|cpu/)
}

/** Sets the annotator through the UI, reloads, and finds it again: renderer -> IPC -> SQLite -> back. */
export async function annotatorSurvivesReload(page: Page, name: string): Promise<void> {
  await page.getByTestId('annotator').click()
  // the in-app dialog (components/AppDialog.vue): Electron has no window.prompt
  const input = page.getByRole('dialog', { name: 'Annotator name' }).getByLabel(/Your name/)
  await input.fill(name)
  await input.press('Enter')
  await expect(page.getByTestId('annotator')).toContainText(name)
  await page.reload()
  await expect(page.getByTestId('annotator')).toContainText(name)
}

export async function echoRoundTrip(page: Page, text: string): Promise<{ text: string; stored: number }> {
  return page.evaluate(async (t) => {
    const api = (window as unknown as { __serApi: unknown }).__serApi as { system: { echo: { mutate(i: unknown): Promise<{ text: string; stored: number }> } } }
    return api.system.echo.mutate({ text: t })
  }, text)
}

/** A payload of the wrong shape is refused with a message naming the field, and the app keeps working. */
export async function malformedPayloadIsRejected(page: Page): Promise<void> {
  const result = await page.evaluate(async () => {
    const api = (window as unknown as { __serApi: unknown }).__serApi as {
      system: { echo: { mutate(i: unknown): Promise<unknown> } }
      jobs: { cancel: { mutate(i: unknown): Promise<unknown> } }
    }
    const out: string[] = []
    for (const call of [
      () => api.system.echo.mutate({ text: 42 }),
      () => api.system.echo.mutate(null),
      () => api.jobs.cancel.mutate({ id: '../../etc/passwd' }),
    ]) {
      try {
        await call()
        out.push('accepted')
      } catch (err) {
        const e = err as { message: string; data?: { code?: string; validation?: string[] } }
        out.push(`${e.data?.code}: ${(e.data?.validation ?? []).join('; ')}`)
      }
    }
    return out
  })
  expect(result[0]).toMatch(/BAD_REQUEST: text: /)
  expect(result[1]).toMatch(/BAD_REQUEST/)
  expect(result[2]).toMatch(/BAD_REQUEST: id: a job id looks like job-12/)
  const ok = await echoRoundTrip(page, 'still alive')
  expect(ok.text).toBe('still alive')
  await page.getByTestId('nav-live').click()
  await expect(page.getByTestId('view-live')).toBeVisible()
}
