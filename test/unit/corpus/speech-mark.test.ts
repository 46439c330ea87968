/**
 * Provenance from the data, not the name (issue 20, item 4): `ser synth` marks its folder (ser-corpus.json), import
 * stores "generated" from the mark and "recorded" for an unmarked folder whatever either is called, a person's
 * setting survives a re-import, and the Live source and model page read the stored origin.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeImportPool, importCorpus, listDatasets } from '../../../src-main/services/corpus/index'
import { datasetSpeechByName, setDatasetSpeech } from '../../../src-main/services/store/dataset-speech'
import { CORPUS_MARK_FILE } from '../../../src-shared/corpus-mark'
import { syntheticCorpus } from '../../helpers/corpora'
import { tempDir, tempWorkspace } from '../../helpers/workspace'

const ws = tempWorkspace('ser-speech-mark-')
let generated: string
let unmarked: string

beforeAll(async () => {
  generated = (await syntheticCorpus('ravdess', { speakers: 2, preset: 'clean', reps: 1, sentences: 1 })).dir
  // the same audio without the mark, in a folder whose name says "synthetic"
  unmarked = path.join(tempDir('ser-unmarked-'), 'synthetic-looking')
  fs.cpSync(generated, unmarked, { recursive: true })
  fs.rmSync(path.join(unmarked, CORPUS_MARK_FILE))
}, 600_000)

afterAll(async () => {
  await closeImportPool()
  ws.cleanup()
})

describe('speech origin from the corpus mark', () => {
  it('ser synth writes the mark, import stores it; an unmarked folder is recorded, whatever its name', async () => {
    const mark = JSON.parse(fs.readFileSync(path.join(generated, CORPUS_MARK_FILE), 'utf8'))
    expect(mark).toMatchObject({ format: 'ser-corpus/1', speech: 'generated', layout: 'ravdess', speakers: 2 })
    await importCorpus(ws, generated, { name: 'recorded-sounding-name' })
    await importCorpus(ws, unmarked, { name: 'synthetic-sounding-name' })
    expect(datasetSpeechByName(ws, 'recorded-sounding-name')).toMatchObject({ speech: 'generated', speechSource: 'mark', speakers: 2 })
    expect(datasetSpeechByName(ws, 'synthetic-sounding-name')).toMatchObject({ speech: 'recorded', speechSource: 'unmarked', speakers: 2 })
    const rows = listDatasets(ws)
    expect(rows.find((r) => r.name === 'recorded-sounding-name')?.speech).toBe('generated')
  }, 300_000)

  it('a person can set it, and a re-import does not undo that', async () => {
    const id = datasetSpeechByName(ws, 'synthetic-sounding-name')!.id
    expect(setDatasetSpeech(ws, id, 'generated', 'user')).toMatchObject({ speech: 'generated', speechSource: 'user' })
    await importCorpus(ws, unmarked, { name: 'synthetic-sounding-name' })
    expect(datasetSpeechByName(ws, 'synthetic-sounding-name')).toMatchObject({ speech: 'generated', speechSource: 'user' })
  }, 300_000)

  it('a damaged mark stops the import, naming the file', async () => {
    const bad = path.join(tempDir('ser-badmark-'), 'bad')
    fs.cpSync(unmarked, bad, { recursive: true })
    fs.writeFileSync(path.join(bad, CORPUS_MARK_FILE), '{"format":"ser-corpus/1","speech":"maybe"}')
    await expect(importCorpus(ws, bad, { name: 'bad' })).rejects.toThrow(/ser-corpus\.json is not a ser-corpus\/1 mark: speech/)
  })
})
