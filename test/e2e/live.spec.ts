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
  // a session starts a worker and loads the model and the VAD: generous on a busy machine
  await expect(page.getByTestId('live-state')).toHaveText('running', { timeout: 120_000 })
  return { browser, page, errors }
}

interface Tally {
  frames: number
  audioSec: number
  vad: Record<'silence' | 'noise' | 'speech', number>
  tops: Record<string, number>
}

async function readTally(page: Page): Promise<Tally> {
  const el = page.getByTestId('live-tally')
  const [frames, audio, vad, tops] = await Promise.all(['data-frames', 'data-audio-s', 'data-vad', 'data-tops'].map((a) => el.getAttribute(a)))
  return { frames: Number(frames), audioSec: Number(audio), vad: JSON.parse(vad ?? '{}'), tops: JSON.parse(tops ?? '{}') }
}

/**
 * The counts of every frame the session produced, once the server has received `seconds` of the fed audio.
 * Frames are counted per second of audio, not of wall clock: a busy machine only makes this wait longer.
 */
async function framesOf(page: Page, seconds: number): Promise<Tally> {
  await expect.poll(async () => (await readTally(page)).audioSec, { timeout: 180_000, intervals: [250] }).toBeGreaterThanOrEqual(seconds)
  return readTally(page)
}

const majority = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([k]) => k !== 'none')
    .sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none'

test('the top emotion follows an angry vs a sad voice on the fake microphone, with latency on screen', async ({ shell }) => {
  test.setTimeout(480_000)
  const seen: Record<string, string> = {}
  const sadFrames: Record<string, number> = {}
  for (const emotion of ['angry', 'sad'] as const) {
    const { browser, page, errors } = await openLive(shell, await speechStream({ emotion }))
    try {
      // the first window fills in 2 s; then every frame of 10 s of the fed audio (40 hops of 250 ms)
      await expect(page.getByTestId('live-vad')).toHaveText('speech', { timeout: 60_000 })
      const { tops, vad, frames } = await framesOf(page, 10)
      seen[emotion] = majority(tops)
      // the stream is sentences with 250 ms pauses: most of its frames are speech
      expect(vad.speech, `${emotion}: VAD ${JSON.stringify(vad)} of ${frames} frames`).toBeGreaterThan(frames / 2)
      // a clear plurality among the frames that showed an emotion: at least twice the chance level of the
      // demonstration model's 6 classes (it is an honest, weak model: held-out accuracy about 0.43; docs/live.md)
      const shown = Object.values(tops).reduce((s, n) => s + n, 0)
      expect(tops[seen[emotion]] / shown, `${emotion}: ${JSON.stringify(tops)}`).toBeGreaterThan(2 / 6)
      sadFrames[emotion] = tops.sad ?? 0
      const latency = Number(await page.getByTestId('live-latency').getAttribute('data-ms'))
      // measured and shown; how long it is depends on the machine, so no bound here (npm run bench -- live measures it)
      expect(Number.isFinite(latency) && latency > 0).toBe(true)
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
  test.setTimeout(300_000)
  // Debian's asterisk prompts (one real speaker, 8 kHz files): speech no generator here made (test/helpers/real-speech.ts)
  const { browser, page, errors } = await openLive(shell, promptStream('telephone', 12))
  try {
    await expect(page.getByTestId('live-vad')).toHaveText('speech', { timeout: 60_000 })
    await expect(page.getByTestId('live-unfamiliar')).toBeVisible({ timeout: 60_000 })
    await expect(page.getByTestId('live-unfamiliar')).toContainText('Unfamiliar voice or recording: no estimate')
    await expect(page.getByTestId('live-unfamiliar-reason').first()).toContainText(/4 kHz|training voices/)
    await screenshot(page, 'live-unfamiliar')
    const measured: string[] = []
    // looked at while 8 s of the fed audio go by (counted in audio, not wall clock: a busy machine only takes longer)
    const until = (await readTally(page)).audioSec + 8
    while ((await readTally(page)).audioSec < until) {
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
  test.setTimeout(300_000)
  const { browser, page, errors } = await openLive(shell, silenceFile(4))
  try {
    await expect(page.getByTestId('live-vad')).toHaveText('silence', { timeout: 60_000 })
    // every frame of 5 s of fed silence: none speech, none noise, no emotion
    const { tops, vad, frames } = await framesOf(page, 5)
    expect(frames).toBeGreaterThan(0)
    expect(tops).toEqual({})
    expect(vad).toEqual({ silence: frames, noise: 0, speech: 0 })
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
  test.setTimeout(300_000)
  const { browser, page } = await openLive(shell, await speechStream({ emotion: 'angry' }))
  try {
    await expect(page.getByTestId('live-vad')).toHaveText('speech', { timeout: 60_000 })
    const bad: string[] = []
    // 20 looks at the bars while they show an estimate, however long a busy machine takes to make them
    for (let checked = 0; checked < 20; ) {
      if (!(await page.getByTestId('live-bars').getAttribute('class'))?.includes('gated')) {
        bad.push(...(await barMismatches(page)))
        checked++
      }
      // not a multiple of the 250 ms hop, so the samples fall at every phase of an update
      await page.waitForTimeout(97)
    }
    expect(bad).toEqual([])
  } finally {
    await browser.close()
  }
})

test('the Live view states what the model was trained on, explains its timeline, and remembers smoothing and the microphone', async ({ shell }) => {
  test.setTimeout(300_000)
  const { browser, page, errors } = await openLive(shell, await speechStream({ emotion: 'sad' }))
  try {
    // provenance of the shipped default, in words
    const prov = page.getByTestId('live-provenance')
    await expect(prov).toContainText('Demonstration model')
    await expect(prov).toContainText('generated (synthesised) speech')
    await expect(prov).toContainText(/of \d+ speakers/)
    await expect(prov).toContainText('synthetic-cremad')
    await expect(prov).toContainText('train on it in Train')
    await expect(page.getByTestId('live-provenance-heldout')).toContainText(
      /On \d+ clips of \d+ speakers it never trained on: accuracy \d+% \(95% interval \d+–\d+%\), chance \d+%/,
    )
    // the legend names every class the model answers and the grey ticks
    const legend = page.getByTestId('live-legend')
    for (const c of ['angry', 'disgust', 'fearful', 'happy', 'neutral', 'sad']) await expect(legend.locator(`[data-class="${c}"]`)).toBeVisible()
    await expect(legend).toContainText('silence: no estimate')
    // the top emotion never reads as a question mark next to a percentage
    await expect(page.getByTestId('live-vad')).toHaveText('speech', { timeout: 60_000 })
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
    await expect(page.getByTestId('live-state')).toHaveText('running', { timeout: 120_000 })
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
