/**
 * Every view in a real browser (and a model's page, where the build has one), on a fresh workspace ("empty") and after a small generated
 * corpus is imported, three clips labelled and a model trained ("filled"): a view-specific
 * element is visible, a screenshot at 1280x800 and 1920x1080 goes to
 * artifacts/screenshots/<view>-<state>-<w>x<h>.png, nothing scrolls sideways at 1280x800,
 * and at 1280x800 axe-core finds no serious or critical violation, Tab reaches every
 * visible enabled control and every field has a label (suites/view-checks.ts).
 * The checks are soft: one run lists every finding, each naming its view, state and element.
 */
import fs from 'node:fs'
import type { Browser, Locator, Page } from '@playwright/test'
import { syntheticCorpus } from '../helpers/corpora'
import { startShellProcess, type ShellProcess } from '../helpers/shell-process'
import { expect, screenshot, test } from './fixtures'
import { horizontalOverflow, seriousAxeViolations, unnamedFields, unreachableByKeyboard } from './suites/view-checks'

test.describe.configure({ mode: 'serial' })

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const
type State = 'empty' | 'filled'

const DATASET = 'views-crema'
const MODEL = 'views-model'
const PERSON = 'Pat'

interface ViewCase {
  name: string
  /** The element that shows the view rendered its content for this state. */
  ready: Record<State, (page: Page) => Locator>
  /** Page-local setup of the filled state (what a user would have typed in this view). */
  fill?: (page: Page) => Promise<void>
}

const VIEWS: ViewCase[] = [
  {
    name: 'datasets',
    ready: { empty: (p) => p.getByTestId('no-datasets'), filled: (p) => p.getByTestId('clip-table').locator('tbody tr').first() },
    fill: async (p) => void (await p.getByTestId('dataset-list').locator(`[data-dataset="${DATASET}"]`).click()),
  },
  {
    name: 'label',
    ready: { empty: (p) => p.getByTestId('annotator-needed'), filled: (p) => p.getByTestId('desk-clips').locator('li').first() },
  },
  {
    name: 'enroll',
    ready: { empty: (p) => p.getByTestId('enroll-form'), filled: (p) => p.getByTestId('example-list').getByTestId('example-use').first() },
    fill: async (p) => {
      await p.getByTestId('enroll-person').fill(PERSON)
      await p.getByTestId('enroll-person').press('Enter')
      await expect(p.getByTestId('enroll-person-summary')).toContainText(`of ${PERSON}`)
      await p.getByTestId('example-list').locator('summary').click()
      await p.getByTestId('example-dataset').selectOption({ label: DATASET })
      await expect(p.getByTestId('example-speaker').locator('option[value="1001"]')).toBeAttached()
      await p.getByTestId('example-speaker').selectOption('1001')
      await p.getByTestId('example-list').getByRole('button', { name: 'Add' }).click()
    },
  },
  {
    name: 'train',
    ready: { empty: (p) => p.getByTestId('train-form'), filled: (p) => p.getByTestId('model-list').locator(`[data-model="${MODEL}"]`) },
  },
  {
    name: 'experiments',
    ready: { empty: (p) => p.getByTestId('exp-start'), filled: (p) => p.locator(`[data-testid="exp-target-dataset"]:has(option:checked[value="${DATASET}"])`) },
    fill: async (p) => void (await p.getByTestId('exp-target-dataset').selectOption(DATASET)),
  },
  {
    name: 'live',
    ready: { empty: (p) => p.getByTestId('live-start'), filled: (p) => p.getByTestId('live-provenance').filter({ hasText: DATASET }) },
    fill: async (p) => {
      const option = p.getByTestId('live-source').locator('option', { hasText: MODEL })
      await p.getByTestId('live-source').selectOption((await option.getAttribute('value')) ?? '')
    },
  },
]

let shell: ShellProcess
// Its own server: the worker's shared one may hold other spec files' datasets, and "empty" must be empty.
test.beforeAll(async () => {
  shell = await startShellProcess()
})
test.afterAll(async () => {
  await shell?.stop()
  if (shell) fs.rmSync(shell.workspace, { recursive: true, force: true })
})

async function openApp(browser: Browser, size: (typeof SIZES)[number]): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext({ viewport: size })).newPage() // AxeBuilder needs a page of an explicit context
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(shell.url)
  await page.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
  return { page, errors }
}

/** The screenshot, then at 1280x800 the overflow and accessibility checks, of what the page shows now. */
async function checkHere(page: Page, name: string, state: State, size: (typeof SIZES)[number]): Promise<void> {
  const at = `${size.width}x${size.height}`
  const where = `${name} view, ${state}, ${at}`
  await screenshot(page, `${name}-${state}-${at}`)
  if (size.width !== 1280) return
  expect.soft(await horizontalOverflow(page), `${where}: horizontal overflow`).toEqual([])
  expect.soft(await seriousAxeViolations(page), `${where}: axe-core serious/critical violations`).toEqual([])
  expect.soft(await unnamedFields(page), `${where}: fields without a label (<label>, aria-label or aria-labelledby)`).toEqual([])
  expect.soft(await unreachableByKeyboard(page), `${where}: controls Tab never reaches`).toEqual([])
}

/**
 * A model's page, opened from its row in Train (the shipped default when empty, the trained one when
 * filled), where the build has one: the row's name is then a link (data-testid=model-link).
 */
async function checkModelPage(page: Page, state: State, size: (typeof SIZES)[number]): Promise<void> {
  const name = state === 'empty' ? 'default' : MODEL
  await page.getByTestId('nav-train').click()
  const row = page.getByTestId('model-list').locator(`[data-model="${name}"]`)
  await expect(row, `train view, ${state}: no row for model ${name}`).toBeVisible()
  const link = row.getByTestId('model-link')
  if (!(await link.count())) {
    test.info().annotations.push({ type: 'model page', description: 'this build has no model page (no model-link in the Train list): not checked' })
    return
  }
  await link.click()
  await expect(page.getByTestId('view-model'), `model page, ${state}: it did not render`).toBeVisible()
  await expect(page.getByTestId('model-name'), `model page, ${state}: it does not name model ${name}`).toContainText(name)
  await checkHere(page, 'model', state, size)
}

async function checkEveryView(browser: Browser, state: State): Promise<void> {
  for (const size of SIZES) {
    const { page, errors } = await openApp(browser, size)
    for (const view of VIEWS) {
      const where = `${view.name} view, ${state}, ${size.width}x${size.height}`
      await page.getByTestId(`nav-${view.name}`).click()
      await expect(page.getByTestId(`view-${view.name}`), `${where}: the view did not render`).toBeVisible()
      if (state === 'filled' && view.fill) await view.fill(page)
      await expect(view.ready[state](page), `${where}: its content did not render`).toBeVisible()
      await checkHere(page, view.name, state, size)
    }
    await checkModelPage(page, state, size)
    expect(errors, `uncaught errors in the page at ${size.width}x${size.height}`).toEqual([])
    await page.context().close()
  }
}

test('every view on a fresh workspace renders, fits 1280x800 and passes the accessibility checks', async ({ browser }) => {
  test.setTimeout(240_000)
  await checkEveryView(browser, 'empty')
})

test('every view with a dataset, labels and a trained model renders, fits 1280x800 and passes the accessibility checks', async ({ browser }) => {
  test.setTimeout(600_000)
  const corpus = await syntheticCorpus('cremad', { speakers: 3, sentences: 2 }) // the one datasets.spec and label.spec use (cached)
  const { page } = await openApp(browser, SIZES[0])
  // Import through the API the Datasets view uses (datasets.spec covers the UI), then label and train through the views.
  await page.evaluate(
    async ([dir, name]) => {
      const api = (window as unknown as { __serApi: any }).__serApi
      const { jobId } = await api.datasets.import.mutate({ dir, name })
      await api.datasets.importReport.query({ jobId })
    },
    [corpus.dir, DATASET],
  )
  await page.getByTestId('nav-label').click()
  await page.getByTestId('desk-annotator').fill('Vic')
  await page.getByTestId('desk-annotator').press('Enter')
  await expect(page.getByTestId('desk-clips').locator('li').first()).toBeVisible()
  await page.getByTestId('current-clip').click() // focus the page, not the input
  for (const key of ['5', '4', '3']) await page.keyboard.press(key)
  await expect(page.getByTestId('desk-progress')).toContainText('3 labelled')
  await expect(page.getByTestId('all-saved')).toBeVisible()

  await page.getByTestId('nav-train').click()
  await page.getByTestId('train-name').fill(MODEL)
  await page.getByTestId('train-source').selectOption(DATASET)
  await page.getByTestId('train-epochs').fill('2')
  await page.getByLabel('Shots per class').fill('2') // 3 speakers: the form refuses more shots than the shot speakers have
  await expect(page.getByTestId('train-start'), `Start training stays disabled: ${await page.getByTestId('train-form').innerText()}`).toBeEnabled()
  await page.getByTestId('train-start').click()
  await expect(page.getByTestId('train-progress').locator('h3')).toContainText('done', { timeout: 300_000 })
  await page.context().close()

  await checkEveryView(browser, 'filled')
})

test('the checks find what they look for: overflow, an axe violation, a control Tab skips, a field with only a placeholder', async ({ browser }) => {
  const context = await browser.newContext({ viewport: SIZES[0] })
  const page = await context.newPage()
  await page.setContent(`
    <main class="content" style="width: 400px; overflow: auto">
      <div data-testid="wide" style="width: 900px">a row too wide for its view</div>
      <input data-testid="placeholder-only" placeholder="only a placeholder">
      <select data-testid="nameless"><option>one</option></select>
      <button data-testid="skipped" tabindex="-1">skipped by Tab</button>
      <button data-testid="reached">reached by Tab</button>
    </main>
    <div data-testid="page-wide" style="width: 3000px">wider than the window</div>`)
  const overflow = (await horizontalOverflow(page)).join('\n')
  expect(overflow).toMatch(/document\.scrollingElement scrolls horizontally.*data-testid=page-wide/)
  expect(overflow).toMatch(/main\.content scrolls horizontally.*data-testid=wide/)
  expect((await seriousAxeViolations(page)).join('\n')).toMatch(/critical select-name .*\n.*nameless/)
  expect(await unnamedFields(page)).toEqual(['input[data-testid=placeholder-only]', 'select[data-testid=nameless] "one"'])
  expect(await unreachableByKeyboard(page)).toEqual(['button[data-testid=skipped] "skipped by Tab" (tabindex=-1)'])
  await context.close()
})
