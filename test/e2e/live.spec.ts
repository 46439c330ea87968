/**
 * Live view end to end: Chromium's fake microphone plays generated speech
 * (synth service: espeak-ng + sox, one angry and one sad rendering of the same
 * sentences by the same voice) or digital silence; the page captures it with
 * the AudioWorklet, streams it to the server, and shows the shipped default
 * model's frames. Each input needs its own browser (the fake-capture file is a
 * launch flag), all against the one server of this test file.
 */
import { chromium, type Browser, type Page } from '@playwright/test'
import { CHROMIUM_ARGS } from '../../playwright.config'
import { findChromium } from '../../src-main/services/system/environment'
import { silenceFile, speechStream } from '../unit/live/live-speech'
import { promptStream } from '../helpers/real-speech'
import type { ShellProcess } from '../helpers/shell-process'
import { expect, screenshot, test } from './fixtures'

test.describe.configure({ mode: 'serial' })

async function openLive(shell: ShellProcess, wav: string): Promise<{ browser: Browser; page: Page; errors: string[] }> {
  const browser = await chromium.launch({
    headless: true,
    executablePath: findChromium() ?? undefined,
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${wav}`],
  })
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(shell.url)
  await page.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
  await page.getByTestId('nav-live').click()
  await expect(page.getByTestId('live-source')).toContainText('Default model')
  await page.getByTestId('live-start').click()
  await expect(page.getByTestId('live-state')).toHaveText('running', { timeout: 60_000 })
  return { browser, page, errors }
}

/** Samples the shown top emotion and VAD state every 200 ms for `seconds`. */
async function watch(page: Page, seconds: number): Promise<{ tops: Record<string, number>; vad: Record<string, number> }> {
  const tops: Record<string, number> = {}
  const vad: Record<string, number> = {}
  const end = Date.now() + seconds * 1000
  while (Date.now() < end) {
    const top = (await page.getByTestId('live-top').getAttribute('data-top')) || 'none'
    const v = await page.getByTestId('live-vad').innerText()
    tops[top] = (tops[top] ?? 0) + 1
    vad[v] = (vad[v] ?? 0) + 1
    await page.waitForTimeout(200)
  }
  return { tops, vad }
}

const majority = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([k]) => k !== 'none')
    .sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none'

test('the top emotion follows an angry vs a sad voice on the fake microphone, with latency on screen', async ({ shell }) => {
  test.setTimeout(240_000)
  const seen: Record<string, string> = {}
  const sadFrames: Record<string, number> = {}
  for (const emotion of ['angry', 'sad'] as const) {
    const { browser, page, errors } = await openLive(shell, await speechStream({ emotion }))
    try {
      // the first window fills in 2 s; then watch a few sentences go by
      await expect(page.getByTestId('live-vad')).toHaveText('speech', { timeout: 20_000 })
      const { tops, vad } = await watch(page, 8)
      seen[emotion] = majority(tops)
      expect(vad.speech, `${emotion}: VAD ${JSON.stringify(vad)}`).toBeGreaterThan(10)
      // a clear plurality among the frames that showed an emotion: at least twice the chance level of the
      // demonstration model's 6 classes (it is an honest, weak model: held-out accuracy about 0.43; docs/live.md)
      const shown = Object.entries(tops).filter(([k]) => k !== 'none').reduce((s, [, n]) => s + n, 0)
      expect(tops[seen[emotion]] / shown, `${emotion}: ${JSON.stringify(tops)}`).toBeGreaterThan(2 / 6)
      sadFrames[emotion] = tops.sad ?? 0
      const latency = Number(await page.getByTestId('live-latency').getAttribute('data-ms'))
      expect(latency).toBeGreaterThan(0)
      expect(latency).toBeLessThan(1000)
      await expect(page.getByTestId(`live-bar-${seen[emotion]}`)).toBeVisible()
      await expect(page.getByTestId('live-capture-info')).toContainText('16 kHz')
      await expect(page.getByTestId('live-timeline').locator('rect').nth(5)).toBeAttached()
      await screenshot(page, `live-${emotion}`)
      await page.getByTestId('live-stop').click()
      await expect(page.getByTestId('live-state')).toHaveText('idle')
      expect(errors).toEqual([])
    } finally {
      await browser.close()
    }
  }
  expect(seen.angry).toBe('angry')
  expect(seen.angry).not.toBe(seen.sad)
  // it often answers disgust for this sad voice, but it moves towards sad: more sad frames than for angry
  expect(sadFrames.sad).toBeGreaterThan(sadFrames.angry)
})

test('a real human voice over a telephone line is unfamiliar: no emotion is shown as a measurement, the reason and the score are', async ({ shell }) => {
  test.setTimeout(120_000)
  // Debian's asterisk prompts (one real speaker, 8 kHz files): speech no generator here made (test/helpers/real-speech.ts)
  const { browser, page, errors } = await openLive(shell, promptStream('telephone', 12))
  try {
    await expect(page.getByTestId('live-vad')).toHaveText('speech', { timeout: 20_000 })
    await expect(page.getByTestId('live-unfamiliar')).toBeVisible({ timeout: 10_000 })
    await expect(page.getByTestId('live-unfamiliar')).toContainText('Unfamiliar voice or recording: no estimate')
    await expect(page.getByTestId('live-unfamiliar-reason').first()).toContainText(/4 kHz|training voices/)
    await screenshot(page, 'live-unfamiliar')
    const measured: string[] = []
    const end = Date.now() + 8000
    while (Date.now() < end) {
      // every bar's number, and the top: no percentage and no emotion while the voice is unfamiliar (neutral/calm would be allowed)
      const state = await page.evaluate(() => ({
        top: document.querySelector('[data-testid="live-top"]')?.textContent?.trim() ?? '',
        values: [...document.querySelectorAll('[data-testid^="live-bar-"] .value')].map((e) => e.textContent?.trim() ?? ''),
      }))
      if (!['—', 'Unfamiliar', 'Uncertain', 'neutral', 'calm'].includes(state.top)) measured.push(`top ${state.top}`)
      if (state.top !== 'neutral' && state.top !== 'calm') measured.push(...state.values.filter((v) => v.endsWith('%')).map((v) => `bar ${v}`))
      await page.waitForTimeout(200)
    }
    expect(measured).toEqual([])
    // the timeline draws no emotion for these frames either
    await expect(page.getByTestId('live-timeline').locator('rect[data-emotion]')).toHaveCount(0)
    await page.getByTestId('live-stop').click()
    expect(errors).toEqual([])
  } finally {
    await browser.close()
  }
})

test('silence on the microphone shows no emotion', async ({ shell }) => {
  const { browser, page, errors } = await openLive(shell, silenceFile(4))
  try {
    await expect(page.getByTestId('live-vad')).toHaveText('silence', { timeout: 20_000 })
    const { tops, vad } = await watch(page, 5)
    expect(tops).toEqual({ none: expect.any(Number) })
    expect(Object.keys(vad)).toEqual(['silence'])
    await expect(page.getByTestId('live-top')).toHaveText('—')
    await expect(page.getByTestId('live-bar-angry')).toContainText('—')
    await screenshot(page, 'live-silence')
    await page.getByTestId('live-stop').click()
    await expect(page.getByTestId('live-state')).toHaveText('idle')
    expect(errors).toEqual([])
  } finally {
    await browser.close()
  }
})

/** Every bar's drawn width against the number beside it, read in one go so a frame cannot land in between. */
async function barMismatches(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = []
    for (const row of document.querySelectorAll<HTMLElement>('[data-testid^="live-bar-"]')) {
      const text = row.querySelector('.value')?.textContent?.trim() ?? ''
      if (!text.endsWith('%')) continue
      const track = row.querySelector('.track')!.getBoundingClientRect().width
      const fill = row.querySelector('.fill')!.getBoundingClientRect().width
      const drawn = (fill / track) * 100
      if (Math.abs(drawn - Number(text.slice(0, -1))) > 1) out.push(`${row.dataset.testid}: drawn ${drawn.toFixed(1)}%, says ${text}`)
    }
    return out
  })
}

test('each bar is as wide as its number says, within 1%, whenever it is looked at', async ({ shell }) => {
  test.setTimeout(120_000)
  const { browser, page } = await openLive(shell, await speechStream({ emotion: 'angry' }))
  try {
    await expect(page.getByTestId('live-vad')).toHaveText('speech', { timeout: 20_000 })
    const bad: string[] = []
    let checked = 0
    for (let i = 0; i < 40; i++) {
      if ((await page.getByTestId('live-bars').getAttribute('class'))?.includes('gated')) {
        await page.waitForTimeout(97)
        continue
      }
      bad.push(...(await barMismatches(page)))
      checked++
      // not a multiple of the 250 ms hop, so the samples fall at every phase of an update
      await page.waitForTimeout(97)
    }
    expect(checked).toBeGreaterThan(10)
    expect(bad).toEqual([])
  } finally {
    await browser.close()
  }
})

test('the Live view states what the model was trained on, explains its timeline, and remembers smoothing and the microphone', async ({ shell }) => {
  test.setTimeout(120_000)
  const { browser, page, errors } = await openLive(shell, await speechStream({ emotion: 'sad' }))
  try {
    // provenance of the shipped default, in words
    const prov = page.getByTestId('live-provenance')
    await expect(prov).toContainText('Demonstration model')
    await expect(prov).toContainText('generated (synthesised) speech')
    await expect(prov).toContainText(/of \d+ speakers/)
    await expect(prov).toContainText('synthetic-cremad')
    await expect(prov).toContainText('train on it in Train')
    await expect(page.getByTestId('live-provenance-heldout')).toContainText(/On \d+ clips of \d+ speakers it never trained on: accuracy \d+% \(95% interval \d+–\d+%\), chance \d+%/)
    // the legend names every class the model answers and the grey ticks
    const legend = page.getByTestId('live-legend')
    for (const c of ['angry', 'disgust', 'fearful', 'happy', 'neutral', 'sad']) await expect(legend.locator(`[data-class="${c}"]`)).toBeVisible()
    await expect(legend).toContainText('silence: no estimate')
    // the top emotion never reads as a question mark next to a percentage
    await expect(page.getByTestId('live-vad')).toHaveText('speech', { timeout: 20_000 })
    await expect(page.getByTestId('live-top')).not.toContainText('?')

    // smoothing: chosen, shown, averaged
    await page.getByTestId('live-smoothing').selectOption('3')
    await expect(page.getByTestId('live-smoothing-shown')).toContainText('3 s (mean of the speech frames of the last 3 s')
    await expect(page.getByText(/mean of \d+ frames/)).toBeVisible()

    // the inputs have names once the microphone is in use; choose the last one
    await page.getByTestId('live-stop').click()
    await expect(page.getByTestId('live-state')).toHaveText('idle')
    const options = page.getByTestId('live-device').locator('option')
    await expect.poll(() => options.count()).toBeGreaterThan(1)
    const last = options.last()
    const [id, label] = [await last.getAttribute('value'), (await last.innerText()).trim()]
    expect(id).toBeTruthy()
    await page.getByTestId('live-device').selectOption(id!)
    await page.getByTestId('live-start').click()
    await expect(page.getByTestId('live-state')).toHaveText('running')
    await expect(page.getByTestId('live-capture-info')).toContainText(label)
    await page.getByTestId('live-stop').click()
    await expect(page.getByTestId('live-state')).toHaveText('idle')

    // both are remembered after a reload
    await page.reload()
    await page.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
    await page.getByTestId('nav-live').click()
    await expect(page.getByTestId('live-smoothing')).toHaveValue('3')
    await expect(page.getByTestId('live-device')).toHaveValue(id!)
    await screenshot(page, 'live-provenance')
    expect(errors).toEqual([])
  } finally {
    await browser.close()
  }
})
