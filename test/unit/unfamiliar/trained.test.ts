/**
 * A model trained with `ser train` on a generated corpus gets its own unfamiliarity reference and
 * threshold (calibrated on its calibration + validation speakers at 5% false alarms), and withholds
 * the real asterisk prompts while answering new generated speakers (issue 21).
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeImportPool, importCorpus } from '../../../src-main/services/corpus/index'
import { closeFeaturePool, EXTRACTOR_VERSION } from '../../../src-main/services/features/index'
import { initBackend } from '../../../src-main/services/engine/backend'
import { filesToItems, loadModel, loadProfile, predict } from '../../../src-main/services/model/index'
import { verdictsFor } from '../../../src-main/services/model/unfamiliar'
import { syntheticCorpus } from '../../helpers/corpora'
import { telephonePrompts, widebandPrompts } from '../../helpers/real-speech'
import { tempWorkspace } from '../../helpers/workspace'

const root = path.resolve(import.meta.dirname, '..', '..', '..')
const WIDEBAND_FLOOR = 0.9

describe('a model trained with `ser train` on a generated corpus', () => {
  let ws: ReturnType<typeof tempWorkspace>
  let out: string
  beforeAll(async () => {
    const corpus = await syntheticCorpus('cremad', { speakers: 16, sentences: 2, seed: 'unfamiliar-train' })
    ws = tempWorkspace('ser-unfamiliar-')
    await importCorpus(ws, corpus.dir, { name: 'gen-train' })
    await closeImportPool()
    out = path.join(ws.dir, 'models', 'm')
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(root, 'src-main/cli/index.ts'),
        '--workspace',
        ws.dir,
        'train',
        '--source',
        'gen-train',
        '--out',
        out,
        '--epochs',
        '6',
        '--steps',
        '20',
        '--shots',
        '5',
      ],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    )
  }, 600_000)
  afterAll(async () => {
    ws?.cleanup()
    await closeFeaturePool()
  })

  it('has a calibrated threshold in its card and withholds the real prompts, not its own kind of speech', async () => {
    await initBackend()
    const { model, card } = await loadModel(out, { extractorVersion: EXTRACTOR_VERSION })
    const u = card.unfamiliarity!
    expect(u.falseAlarmRate).toBeGreaterThanOrEqual(0.05)
    expect(u.n).toBeGreaterThan(0)
    expect(u.reference.speakers).toBe(card.speakers!.pretrain.length)
    const profile = loadProfile(path.join(out, 'profile.json'), card)
    const judgeFiles = async (files: string[]) => {
      const items = await filesToItems(files, card)
      const preds = predict(model, profile, items)
      return { preds, v: verdictsFor(card, profile, items, preds, items.recordings) }
    }
    const calm = ({ preds, v }: Awaited<ReturnType<typeof judgeFiles>>) => preds.filter((p, i) => v[i].unfamiliar || p.top === 'neutral').length / preds.length
    // new generated speakers (another seed: voices the model never heard)
    const fresh = await syntheticCorpus('cremad', { speakers: 4, sentences: 2 })
    const gen = await judgeFiles(fresh.clips.map((c) => path.join(fresh.dir, c.relPath)))
    const flagged = gen.v.filter((x) => x.unfamiliar).length / gen.v.length
    const tel = calm(await judgeFiles(telephonePrompts()))
    const wide = calm(await judgeFiles(widebandPrompts()))
    // accuracy of what it answers against all: answering less must not mean answering worse
    const right = gen.preds.map((p, i) => p.top === fresh.clips[i].emotion)
    const n = right.length
    const kept = right.filter((_, i) => !gen.v[i].unfamiliar)
    const accAll = right.filter(Boolean).length / n
    const accKept = kept.filter(Boolean).length / Math.max(1, kept.length)
    // Tolerance from n: withholding w of n clips at random moves the answered accuracy by a
    // hypergeometric sd of sqrt(p(1-p) w / (m (n-1))), m = n - w answered; 2 sd of that.
    const w = n - kept.length
    const tol = 2 * Math.sqrt((accAll * (1 - accAll) * w) / (Math.max(1, kept.length) * (n - 1)))
    console.log(
      `trained model: withheld or neutral on ${(tel * 100).toFixed(0)}% of 8 kHz prompts, ${(wide * 100).toFixed(0)}% of wideband; ` +
        `flagged ${(flagged * 100).toFixed(1)}% of new generated speakers; ` +
        `accuracy answered ${accKept.toFixed(3)} (n ${kept.length}) vs all ${accAll.toFixed(3)} (n ${n}), tolerance ${tol.toFixed(3)}`,
    )
    expect(u.method).toBe('descriptor-range/2')
    expect(tel).toBeGreaterThanOrEqual(0.9)
    expect(wide).toBeGreaterThanOrEqual(WIDEBAND_FLOOR)
    expect(flagged).toBeLessThanOrEqual(0.1)
    expect(accKept).toBeGreaterThanOrEqual(accAll - tol)
  })
})
