/**
 * The clinician (issue 20, item 9): the README's first hour (import a corpus, see it counted), then the main task:
 * enrol a person from a dataset speaker's clips, K per emotion, speaker picked from the dataset's own list, and
 * read what the Enroll result and the Live banner say the profile rests on. Checked against the data: the speaker
 * list is the dataset's, the examples are K per emotion, the banner names dataset clips (not "recordings"), one
 * session, cross-validation on those clips, the demonstration base model on generated speech, and "not enough to
 * judge" before any percentage. Corpus: generated CREMA-D layout, 6 speakers.
 */
import { expect, screenshot, test } from '../fixtures'
import { crema6, datasetFacts, importInDatasets, selectDataset } from './persona'

const K = 2

test('clinician: enrols a person from K clips per emotion of a listed dataset speaker, and every banner says what the profile rests on', async ({ app }) => {
  test.setTimeout(420_000)
  const corpus = await crema6()
  await importInDatasets(app, corpus.dir, 'clinic-crema')
  const facts = await datasetFacts(app, 'clinic-crema')
  expect(facts.speakers).toBe(6)
  // the Datasets view says what the data says: generated speech (from the generator's mark), 6 speakers
  await selectDataset(app, 'clinic-crema')
  await expect(app.getByTestId('dataset-speech')).toHaveAttribute('data-speech', 'generated')
  await expect(app.getByTestId('dataset-speech')).toContainText(`${facts.speakers} speakers`)
  await expect(app.getByTestId('dataset-list').locator('[data-dataset="clinic-crema"]')).toContainText(String(facts.clips))

  // Enroll: the speakers are the dataset's own codes, picked from a list
  await app.getByTestId('nav-enroll').click()
  await app.getByTestId('enroll-person').fill('Pat')
  await app.getByTestId('enroll-person').press('Enter')
  await expect(app.getByTestId('enroll-person-summary')).toContainText('of Pat')
  await app.getByTestId('example-list').locator('summary').click()
  await app.getByTestId('example-dataset').selectOption({ label: 'clinic-crema' })
  const speakerSelect = app.getByTestId('example-speaker')
  await expect(speakerSelect.locator('option[value]:not([value=""])')).toHaveCount(facts.speakers)
  const listed = await speakerSelect.locator('option[value]:not([value=""])').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
  expect(listed.sort()).toEqual([...facts.speakerCodes].sort())
  const speaker = listed[0]
  await speakerSelect.selectOption(speaker)
  await app.getByTestId('example-per-emotion').fill(String(K))
  await app.getByTestId('example-add').click()
  // K per emotion, not every clip of the speaker
  const emotions = [...new Set(corpus.clips.filter((c) => c.speaker === speaker).map((c) => c.emotion))]
  await expect(app.getByTestId('example-added')).toContainText(`${K * emotions.length} clips of speaker ${speaker} added (up to ${K} per emotion`)
  await expect(app.getByTestId('example-list').locator('tbody tr')).toHaveCount(K * emotions.length)
  const chosen = (await app.getByTestId('enroll-chosen').innerText()).split(' · ')
  expect(chosen).toHaveLength(emotions.length)
  for (const c of chosen) expect(c).toMatch(new RegExp(`^${K} `))
  await screenshot(app, 'persona-clinician-examples')

  await app.getByTestId('enroll-name').fill('Pat from crema')
  await app.getByTestId('enroll-epochs').fill('5')
  await app.getByTestId('enroll-start').click()
  await expect(app.getByTestId('enroll-progress')).toHaveAttribute('data-state', 'done', { timeout: 300_000 })
  const result = app.getByTestId('enroll-result')
  const n = K * emotions.length
  // what it rests on: dataset clips (not the person's takes), one session, cross-validated on them, the demo base
  const basis = app.getByTestId('enroll-basis')
  await expect(basis).toContainText(`${n} dataset clips (clinic-crema, speaker ${speaker})`)
  await expect(basis).toContainText('from 1 recording session')
  await expect(basis).toContainText(`checked by cross-validation on those same ${n} examples of Pat`)
  await expect(basis).toContainText('demonstration model, generated speech')
  await expect(basis).not.toContainText("Pat's own take")
  // fewer than 20 clips and a single session: "not enough to judge" comes before any percentage
  const verdict = app.getByTestId('enroll-not-enough')
  await expect(verdict).toContainText(`Not enough to judge: ${n} examples from 1 recording session`)
  const [vBox, aBox] = [await verdict.boundingBox(), await app.getByTestId('heldout-accuracy').boundingBox()]
  expect(vBox!.y).toBeLessThan(aBox!.y)
  // the percentage and its interval carry the same weight
  const weight = (testId: string) =>
    app.getByTestId(testId).evaluate((el) => {
      const s = getComputedStyle(el)
      return `${s.fontSize} ${s.fontWeight} ${s.color}`
    })
  expect(await weight('heldout-interval')).toBe(await weight('heldout-accuracy'))
  // the profile list says it too, before its percentage
  await expect(app.getByTestId('profile-list').locator('[data-profile="Pat from crema"]')).toContainText(/not enough to judge: \d+%/)
  await result.scrollIntoViewIfNeeded()
  await screenshot(app, 'persona-clinician-result')

  // Live: the profile's banner says the same, and nothing about "clips of 1 speaker it never trained on"
  await app.getByTestId('nav-live').click()
  const option = app.getByTestId('live-source').locator('option', { hasText: 'Profile Pat from crema' })
  await expect(option).toBeAttached()
  await app.getByTestId('live-source').selectOption((await option.getAttribute('value'))!)
  const prov = app.getByTestId('live-provenance')
  await expect(prov).toContainText('Profile for Pat')
  await expect(prov).toContainText(`${n} dataset clips (clinic-crema, speaker ${speaker}), from 1 recording session`)
  await expect(prov).toContainText('cross-validation')
  await expect(prov).toContainText('demonstration model, generated speech')
  await expect(app.getByTestId('live-not-enough')).toContainText(`Not enough to judge: ${n} examples from 1 session`)
  await expect(prov).not.toContainText('never trained on')
  await expect(prov).not.toContainText('recordings of')
  await screenshot(app, 'persona-clinician-live')
})
