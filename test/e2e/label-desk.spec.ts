/**
 * The Label view as an annotator uses it, keyboard first (issue 20): Enter in the name box hands the
 * keys to the desk; undo and redo stay in the dataset on screen and their notice stays with its clip;
 * auto-play of the next clip, remembered; segments on the spectrogram; "label next" shows progress
 * and scores again from its cache.
 */
import { ensureDataset, openDesk, rows, serverLabels, smallCorpus } from './desk-helpers'
import { expect, screenshot, test } from './fixtures'

const currentId = (page: import('@playwright/test').Page) => page.locator('[data-testid="desk-clips"] li.current').getAttribute('data-clip-id')

test.describe('Label view, keyboard first', () => {
  test('Enter in the annotator box moves focus to the desk: the next digit labels the clip, it does not type into the box', async ({ app }) => {
    const id = await ensureDataset(app)
    await app.getByTestId('nav-label').click()
    await app.getByTestId('desk-dataset').selectOption(String(id))
    const name = app.getByTestId('desk-annotator')
    await name.fill('lena')
    await name.press('Enter')
    await expect(rows(app).first()).toBeVisible()
    await expect(app.getByTestId('desk')).toBeFocused()
    const clip = Number(await currentId(app))
    await app.keyboard.press('5') // no click anywhere: straight from the name box
    await expect(name).toHaveValue('lena')
    await expect(app.locator(`[data-testid="desk-clips"] li[data-clip-id="${clip}"]`)).toHaveAttribute('data-state', 'saved')
    expect(await serverLabels(app, clip, 'lena')).toEqual(['angry'])
  })

  test('Ctrl+Z while viewing one dataset never removes a label in another; the undo notice stays with its clip', async ({ app }) => {
    const rav = await ensureDataset(app)
    const odd = await ensureDataset(app, 'odd', await smallCorpus(4))
    await openDesk(app, 'mira', rav)
    await app.getByTestId('advance').uncheck()
    await rows(app).nth(30).click()
    const ravClip = Number(await currentId(app))
    await app.locator('[data-testid="current-clip"]').click()
    await app.keyboard.press('5')
    await expect(rows(app).nth(30)).toHaveAttribute('data-state', 'saved')

    // now looking at "odd", where mira has done nothing yet
    await app.getByTestId('desk-dataset').selectOption(String(odd))
    await expect(rows(app)).toHaveCount(4)
    await expect(app.getByTestId('undo')).toBeDisabled()
    await app.locator('[data-testid="current-clip"]').click()
    await app.keyboard.press('Control+z')
    await expect(app.getByTestId('desk-notice')).toContainText('nothing to undo in odd')
    await expect(app.getByTestId('all-saved')).toBeVisible()
    expect(await serverLabels(app, ravClip, 'mira')).toEqual(['angry'])

    // a label in odd is what Ctrl+Z takes back there; its notice goes when the annotator moves on
    await app.keyboard.press('3')
    await expect(rows(app).first()).toHaveAttribute('data-state', 'saved')
    await app.keyboard.press('Control+z')
    await expect(app.getByTestId('desk-notice')).toContainText('undo label happy')
    await expect(rows(app).first()).toHaveAttribute('data-state', 'none')
    expect(await serverLabels(app, ravClip, 'mira')).toEqual(['angry'])
    await app.keyboard.press('ArrowDown')
    await expect(app.getByTestId('desk-notice')).toHaveCount(0)

    // back in rav, the label made there is the one to undo
    await app.getByTestId('desk-dataset').selectOption(String(rav))
    await expect(app.getByTestId('undo')).toHaveAttribute('title', /label angry/)
    await app.locator('[data-testid="current-clip"]').click()
    await app.keyboard.press('Control+z')
    await expect.poll(() => serverLabels(app, ravClip, 'mira')).toEqual([])
    await expect.poll(() => currentId(app)).toBe(String(ravClip))
  })

  test('auto-play plays each next clip by itself, and is remembered', async ({ app }) => {
    await ensureDataset(app)
    await openDesk(app, 'nina')
    await app.getByTestId('speed').selectOption('0.5') // a longer play to see
    await app.getByTestId('autoplay').check()
    await app.locator('[data-testid="current-clip"]').click()
    const before = await currentId(app)
    await app.keyboard.press('2') // label, advance to the next clip: it starts playing with no key pressed
    await expect.poll(() => currentId(app)).not.toBe(before)
    await expect(app.getByTestId('play')).toContainText('pause', { timeout: 20_000 })
    await app.keyboard.press(' ')
    await app.reload()
    await app.getByTestId('nav-label').click()
    await expect(app.getByTestId('autoplay')).toBeChecked()
    await app.getByTestId('autoplay').uncheck()
  })

  test('a segment is drawn on the spectrogram too, at the same times as on the waveform', async ({ app }) => {
    await ensureDataset(app)
    await openDesk(app, 'olga')
    await app.getByTestId('advance').uncheck()
    await rows(app).nth(34).click()
    await app.locator('[data-testid="current-clip"]').click()
    const wave = app.getByTestId('waveform-canvas')
    await expect(wave).toHaveAttribute('data-ready', 'yes', { timeout: 20_000 })
    const box = (await wave.boundingBox())!
    await app.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2)
    await app.mouse.down()
    await app.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 8 })
    await app.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 8 })
    await app.mouse.up()
    await app.keyboard.press('5')
    await expect(app.locator('[data-testid="clip-labels"] tr.own', { hasText: 'angry' })).toContainText('–')
    await app.getByTestId('spectrogram-toggle').check()
    await expect(wave).toHaveAttribute('data-ready', 'yes', { timeout: 20_000 })
    const onSpec = app.locator('[data-testid="spec-region"][data-emotion="angry"]')
    await expect(onSpec).toHaveCount(1)
    await expect(onSpec).toContainText('angry')
    const region = wave.locator('.region-tag', { hasText: 'angry' })
    await expect(region).toHaveCount(1)
    // the same span across the panel as the waveform's region (its tag sits at the region's left edge)
    const s = (await onSpec.boundingBox())!
    const w = await region.evaluate((el) => {
      const r = el.parentElement!.getBoundingClientRect() // the region the tag is drawn in (inside wavesurfer's shadow root)
      return { x: r.x, width: r.width }
    })
    expect(Math.abs(s.x - w.x)).toBeLessThan(6)
    expect(Math.abs(s.width - w.width)).toBeLessThan(6)
    await screenshot(app, 'label-spectrogram-segment')
  })

  test('"label next" shows its progress while scoring, and scores again from its cache', async ({ app }) => {
    await ensureDataset(app)
    await openDesk(app, 'pia')
    // every text the button shows, caught as it changes (no sampling in time)
    await app.getByTestId('label-next').evaluate((el) => {
      const seen: string[] = []
      ;(window as unknown as { __seen: string[] }).__seen = seen
      new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true })
    })
    await app.keyboard.press('n')
    await expect(app.getByTestId('suggestions').locator('button').first()).toBeVisible({ timeout: 90_000 })
    const seen = await app.evaluate(() => (window as unknown as { __seen: string[] }).__seen)
    expect(seen.some((t) => /scoring \d+%/.test(t)), `the button showed: ${seen.join(' | ')}`).toBe(true)
    await expect(app.getByTestId('label-next')).toHaveText('label next (N)')
    // Shift+N: the same clips again, from the score cache
    await app.keyboard.press('Shift+N')
    await expect(app.getByTestId('desk-notice')).toContainText(/\d+ unlabelled clip\(s\) scored \(\d+ from the score cache\)/, { timeout: 60_000 })
  })
})
