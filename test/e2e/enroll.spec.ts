/**
 * Enroll view end to end: a fake microphone fed from generated speech (one
 * Chromium per emotion, each with its own --use-file-for-fake-audio-capture file),
 * K recordings per emotion through the view, enrollment from them with progress,
 * held-out accuracy and the embedding map, and the profile listed after a reload.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Page } from '@playwright/test'
import { CHROMIUM_ARGS } from '../../playwright.config'
import { encodeWav16, loadForAnalysis } from '../../src-main/services/audio/index'
import { findChromium } from '../../src-main/services/system/environment'
import { wilson } from '../../src-shared/wilson'
import { syntheticCorpus } from '../helpers/corpora'
import { expect, screenshot, test } from './fixtures'

const PERSON = 'Ada'
const K = 3
const EMOTIONS = ['angry', 'sad'] as const

/**
 * The WAV the fake microphone plays: one generated utterance of actor 01. Chromium
 * reads the file from its start whenever the microphone opens, so each take gets
 * its own browser and its own utterance (K different sentences, as a person would say them).
 */
async function speechFile(emotion: string, take: number, dir: string): Promise<string> {
  const corpus = await syntheticCorpus('ravdess', { speakers: 4, reps: 1 })
  const clip = corpus.clips.filter((c) => c.speaker === '01' && c.emotion === emotion)[take]
  const file = path.join(dir, `${emotion}-${take}.wav`)
  fs.writeFileSync(file, encodeWav16(await loadForAnalysis(path.join(corpus.dir, clip.relPath)), 16000))
  return file
}

async function openEnroll(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
  await page.getByTestId('nav-enroll').click()
  await page.getByTestId('enroll-person').fill(PERSON)
  await page.getByTestId('enroll-person').press('Enter')
  await expect(page.getByTestId('enroll-person-summary')).toContainText(`of ${PERSON}`)
}

test('Enroll view: records examples from the microphone, enrolls a profile with progress, held-out accuracy and embedding map', async ({ app, shell }) => {
  // Generous: on a fresh machine the generated corpus is rendered first (espeak-ng + sox, cached afterwards).
  test.setTimeout(600_000)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-e2e-mic-'))
  const executablePath = findChromium() ?? undefined
  const levels: number[] = []

  for (const emotion of EMOTIONS) {
    for (let take = 0; take < K; take++) {
      const file = await speechFile(emotion, take, tmp)
      const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${file}`] })
      try {
        const page = await browser.newPage()
        const errors: string[] = []
        page.on('pageerror', (e) => errors.push(e.message))
        // Count microphone openings: the page must not touch the microphone before Record.
        await page.addInitScript(() => {
          const w = window as unknown as { __micOpens: number }
          w.__micOpens = 0
          const orig = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices)
          navigator.mediaDevices.getUserMedia = (c) => {
            w.__micOpens++
            return orig(c)
          }
        })
        await openEnroll(page, shell.url)
        await expect(page.getByTestId('example-list').locator(`tr[data-emotion="${emotion}"]`)).toHaveCount(take)
        await page.waitForTimeout(300)
        expect(await page.evaluate(() => (window as unknown as { __micOpens: number }).__micOpens)).toBe(0)
        await expect(page.getByTestId('level-meter')).toContainText('microphone off')
        await page.getByTestId('record-emotion').selectOption(emotion)
        await page.getByTestId('record-seconds').fill('2')
        await page.getByTestId('record-start').click()
        await expect(page.getByTestId('record-state')).toContainText(`recording ${emotion}`)
        // The meter follows the speech while recording.
        await expect(page.getByTestId('level-meter')).toHaveAttribute('data-rms-db', /\d/)
        levels.push(Number(await page.getByTestId('level-meter').getAttribute('data-rms-db')))
        await expect(page.getByTestId('record-state')).toHaveText('not recording', { timeout: 15_000 })
        await expect(page.getByTestId('level-meter')).toContainText('microphone off')
        expect(await page.getByTestId('record-error').allInnerTexts()).toEqual([])
        await expect(page.getByTestId('example-list').locator(`tr[data-emotion="${emotion}"]`)).toHaveCount(take + 1)
        expect(await page.evaluate(() => (window as unknown as { __micOpens: number }).__micOpens)).toBe(1)
        if (take === K - 1) {
          await expect(page.getByTestId('record-targets').locator(`[data-emotion="${emotion}"]`)).toContainText(`${K}/`)
          await screenshot(page, `enroll-recorded-${emotion}`)
        }
        expect(errors).toEqual([])
      } finally {
        await browser.close()
      }
    }
  }
  console.log(`input levels while recording (dBFS RMS): ${levels.join(', ')}`)
  expect(Math.max(...levels)).toBeGreaterThan(-50)

  // The recordings are real clips of the person in the workspace, each a WAV file under recordings/.
  const recs = await app.evaluate(() => (window as unknown as { __serApi: any }).__serApi.recordings.list.query({ person: 'Ada' }))
  expect(recs).toHaveLength(EMOTIONS.length * K)
  for (const r of recs as { path: string; durationSec: number }[]) {
    expect(r.path.startsWith(path.join(shell.workspace, 'recordings') + path.sep)).toBe(true)
    expect(fs.readFileSync(r.path).subarray(0, 4).toString('latin1')).toBe('RIFF')
    expect(r.durationSec).toBeGreaterThan(1.5)
  }

  // Bad input is refused with a message that names the problem, and no microphone is opened for it.
  await app.getByTestId('nav-enroll').click()
  await app.getByTestId('enroll-person').fill('../etc')
  await app.getByTestId('enroll-person').press('Enter')
  await app.getByTestId('record-start').click()
  await expect(app.getByTestId('record-error')).toContainText("person: a person's name may hold letters")
  await expect(app.getByTestId('level-meter')).toContainText('microphone off')

  // Enroll from the recorded examples.
  await app.getByTestId('enroll-person').fill(PERSON)
  await app.getByTestId('enroll-person').press('Enter')
  await expect(app.getByTestId('example-list').locator('tbody tr')).toHaveCount(EMOTIONS.length * K)
  await expect(app.getByTestId('enroll-chosen')).toHaveText(`${K} angry · ${K} sad`)
  // All six takes were made minutes apart: one session, which flatters a held-out figure; holding out a session needs two.
  await expect(app.getByTestId('enroll-one-session')).toContainText(`All ${EMOTIONS.length * K} examples come from one recording session`)
  await expect(app.getByTestId('enroll-holdout-session')).toBeDisabled()
  await expect(app.getByTestId('example-session')).toHaveCount(EMOTIONS.length * K)
  await app.getByTestId('enroll-name').fill('Ada angry vs sad')
  await app.getByTestId('enroll-epochs').fill('30')
  // Every state the progress panel shows, however fast the job runs.
  await app.evaluate(() => {
    const w = window as unknown as { __progress: { text: string; value: number | null }[] }
    w.__progress = []
    new MutationObserver(() => {
      const el = document.querySelector('[data-testid="enroll-progress"]')
      if (!el) return
      const bar = el.querySelector('progress')
      const text = el.textContent ?? ''
      if (w.__progress.at(-1)?.text !== text) w.__progress.push({ text, value: bar && bar.hasAttribute('value') ? bar.value : null })
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
  })
  await app.getByTestId('enroll-start').click()
  const progress = app.getByTestId('enroll-progress')
  await expect(progress).toBeVisible()
  await expect(progress.locator('progress')).toBeVisible()
  await expect(progress).toHaveAttribute('data-state', 'done', { timeout: 180_000 })
  const result = app.getByTestId('enroll-result')
  await expect(result).toBeVisible()
  const seen = await app.evaluate(() => (window as unknown as { __progress: { text: string; value: number | null }[] }).__progress)
  expect(seen.some((p) => /held-out fold \d\/\d: epoch \d+\/30/.test(p.text))).toBe(true)
  expect(seen.some((p) => /final fine-tuning: epoch/.test(p.text))).toBe(true)
  expect(seen.some((p) => p.value !== null && p.value > 0.1 && p.value < 0.95)).toBe(true)
  const acc = Number(await app.getByTestId('heldout-accuracy').getAttribute('data-value'))
  console.log(`held-out accuracy ${acc}; ${await app.getByTestId('heldout-base').innerText()}; ${seen.length} progress states seen`)
  // Angry and sad generated speech differ plainly in pitch, loudness and rate: chance is 0.5.
  expect(acc).toBeGreaterThan(0.5)
  // never a bare percentage: n, the 95% Wilson interval and chance stand beside it
  const n = EMOTIONS.length * K
  const ci = app.getByTestId('heldout-interval')
  const headline = ci.locator('..')
  await expect(headline).toContainText(`n = ${n}`)
  await expect(headline).toContainText('chance 50%')
  // six takes from one sitting: "not enough to judge" heads the figure, and the basis says what it rests on
  await expect(app.getByTestId('enroll-not-enough')).toContainText(`Not enough to judge: ${n} examples from 1 recording session`)
  await expect(app.getByTestId('enroll-basis')).toContainText(`${n} of ${PERSON}'s own takes, from 1 recording session`)
  await expect(app.getByTestId('enroll-basis')).toContainText('demonstration model, generated speech')
  const w = wilson(Math.round(acc * n), n)
  expect(Number(await ci.getAttribute('data-low'))).toBeCloseTo(w.low, 9)
  expect(Number(await ci.getAttribute('data-high'))).toBeCloseTo(w.high, 9)
  await expect(ci).toContainText(`95% interval ${Math.round(w.low * 100)}–${Math.round(w.high * 100)}%`)
  // plain words instead of "calibrated temperature 0.0118; answers farther than 0.630 ..."
  await expect(result).not.toContainText('temperature')
  await expect(app.getByTestId('heldout-uncertain')).toContainText('“Uncertain” instead of an emotion')
  // "unfamiliar" (issue 21): the person's own check from the takes, and the base model's verdict on them
  const takesCheck = `A voice that does not sound like ${PERSON}'s takes is shown as “unfamiliar: no estimate” in Live`
  await expect(app.getByTestId('enroll-unfamiliar')).toContainText(takesCheck)
  await expect(app.getByTestId('enroll-unfamiliar')).toContainText(`from n = ${n} takes`)
  await expect(app.getByTestId('enroll-unfamiliar-takes')).toHaveText(new RegExp(`^\\d+ of ${n}$`))
  await expect(app.getByTestId('enroll-unfamiliar')).toContainText('false alarms); the profile\'s estimates for this person rest on these takes')
  await expect(app.getByTestId('heldout-method')).toContainText(`leave-some-out on the ${EMOTIONS.length * K} examples`)
  const map = app.getByTestId('embedding-map')
  await expect(map.locator('circle')).toHaveCount(EMOTIONS.length * K)
  await expect(map.locator('circle[data-label="angry"]')).toHaveCount(K)
  await expect(map.locator('g.proto')).toHaveCount(EMOTIONS.length)
  await result.scrollIntoViewIfNeeded()
  await screenshot(app, 'enroll-result')
  // The same examples under the base network, before fine-tuning.
  await app.getByTestId('map-base').click()
  await expect(map.locator('circle')).toHaveCount(EMOTIONS.length * K)
  await screenshot(app, 'enroll-result-base-map')
  await app.getByTestId('map-tuned').click()

  // After a reload the profile is listed, with its accuracy, and opens again.
  await app.reload()
  await app.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
  await app.getByTestId('nav-enroll').click()
  const row = app.getByTestId('profile-list').locator('[data-profile="Ada angry vs sad"]')
  await expect(row).toBeVisible()
  await expect(row).toContainText('angry, sad')
  await expect(row).toContainText(`${Math.round(acc * 100)}%`)
  await row.getByTestId('profile-show').click()
  await expect(app.getByTestId('embedding-map').locator('circle')).toHaveCount(EMOTIONS.length * K)
  await row.scrollIntoViewIfNeeded()
  await screenshot(app, 'enroll-profiles')

  // A long enrollment can be cancelled: the job stops and no profile is saved.
  await app.getByTestId('enroll-person').fill(PERSON)
  await app.getByTestId('enroll-person').press('Enter')
  await app.getByTestId('enroll-name').fill('Ada cancelled')
  await app.getByTestId('enroll-epochs').fill('200')
  await app.getByTestId('enroll-start').click()
  await expect(app.getByTestId('enroll-progress')).toContainText('held-out fold', { timeout: 60_000 })
  await app.getByTestId('enroll-cancel').click()
  await expect(app.getByTestId('enroll-progress')).toHaveAttribute('data-state', 'cancelled')
  await expect(app.getByTestId('profile-list').locator('[data-profile="Ada cancelled"]')).toHaveCount(0)
  const profiles = await app.evaluate(() => (window as unknown as { __serApi: any }).__serApi.enroll.profiles.query())
  expect((profiles as { name: string }[]).map((p) => p.name)).toEqual(['Ada angry vs sad', 'default'])
  fs.rmSync(tmp, { recursive: true, force: true })
})
