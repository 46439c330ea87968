/**
 * The shipped default model (resources/models/default, built by
 * scripts/build-default-model.ts) loads with the current feature extractor, and
 * `ser predict` gives per-class probabilities for generated CREMA-D-layout clips
 * (other speakers than the ones it was built from), mostly right.
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/services/engine/backend'
import { EXTRACTOR_VERSION } from '../../../src-main/services/features/index'
import { defaultModelDir, filesToItems, loadModel, loadProfile, predict } from '../../../src-main/services/model/index'
import { syntheticCorpus } from '../../helpers/corpora'

const root = path.resolve(import.meta.dirname, '..', '..', '..')

describe('default model', () => {
  it('loads, matches the extractor version and classifies generated clips above chance', async () => {
    await initBackend()
    const dir = defaultModelDir()
    const { model, card } = await loadModel(dir, { extractorVersion: EXTRACTOR_VERSION })
    expect(card.sourceCorpus).toBe('synthetic-cremad')
    const profile = loadProfile(path.join(dir, 'profile.json'), card)
    const corpus = await syntheticCorpus('cremad', { speakers: 4, sentences: 2 })
    const clips = corpus.clips.filter((_, i) => i % 4 === 0)
    const items = await filesToItems(clips.map((c) => path.join(corpus.dir, c.relPath)), card)
    const preds = predict(model, profile, items)
    const right = preds.filter((p, i) => p.top === clips[i].emotion).length / preds.length
    expect(right).toBeGreaterThan(2 / 6)
  })

  it('`ser predict FILE --model M` prints per-class probabilities as JSON', async () => {
    const corpus = await syntheticCorpus('cremad', { speakers: 4, sentences: 2 })
    const files = corpus.clips.slice(0, 2).map((c) => path.join(corpus.dir, c.relPath))
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'src-main/cli/index.ts'), 'predict', ...files, '--model', defaultModelDir()],
      { cwd: root, encoding: 'utf8' },
    )
    const json = JSON.parse(out)
    expect(json.backend).toBe('wasm')
    expect(json.predictions).toHaveLength(2)
    for (const p of json.predictions) {
      expect(typeof p.unfamiliar).toBe('boolean')
      if (p.unfamiliar) {
        expect(p.probabilities).toBeNull()
        continue
      }
      const sum = Object.values(p.probabilities as Record<string, number>).reduce((a, b) => a + b, 0)
      expect(sum).toBeCloseTo(1, 5)
      expect(Object.keys(p.probabilities)).toEqual(['angry', 'disgust', 'fearful', 'happy', 'neutral', 'sad'])
    }
    await expect(loadModel(path.join(root, 'resources', 'models', 'default'), { extractorVersion: 'other' })).rejects.toThrow(/version/)
  })
})
