/**
 * Training reads labels under the dataset's rule, and the model card records that rule
 * (field labelRule, with a plain-words line). Real import, real features, real training.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { datasetStats, listClips } from '../../../src-main/services/corpus/index'
import { initBackend } from '../../../src-main/services/engine/backend'
import { closeFeaturePool } from '../../../src-main/services/features/index'
import { setLabel } from '../../../src-main/services/labels/index'
import { runTraining } from '../../../src-main/services/model/run'
import { readCard } from '../../../src-main/services/model/storage'
import { resolveDataset } from '../../../src-main/services/model/data'
import { setLabelRule } from '../../../src-main/services/store/label-rule'
import { tinyWorkspace } from '../model/trained-workspace'

describe('a trained model records the label rule it was trained under', () => {
  let ws: Awaited<ReturnType<typeof tinyWorkspace>>
  beforeAll(async () => {
    await initBackend()
    ws = await tinyWorkspace('rule-cremad')
  }, 240_000)
  afterAll(async () => {
    await closeFeaturePool()
    ws?.cleanup()
  })

  it('annotator rule: ann calls every happy clip sad, so the model never sees happy, and the card says whose labels it used', async () => {
    const id = resolveDataset(ws, ws.dataset).id
    const clips = listClips(ws, { datasetId: id, limit: 10000 }).clips
    expect(clips.some((c) => c.emotion === 'happy')).toBe(true)
    for (const c of clips) setLabel(ws, { clipId: c.id, emotion: (c.emotion === 'happy' ? 'sad' : c.emotion) as 'sad', annotator: 'ann' })
    setLabelRule(ws, id, { kind: 'annotator', annotator: 'ann' })
    expect(datasetStats(ws, id).byEmotion.happy).toBeUndefined()

    const out = path.join(ws.dir, 'models', 'rule')
    const r = await runTraining({ workspace: ws.dir, source: ws.dataset, out, name: 'rule-test', epochs: 2, stepsPerEpoch: 5, shots: 2, seed: 1 })
    expect(r.card.labels).not.toContain('happy')
    expect(r.card.labels).toContain('sad')
    expect(r.card.labelRule).toEqual({
      source: { kind: 'annotator', annotator: 'ann' },
      target: null,
      text: "Each clip's label was rule-cremad: the label given by annotator ann (clips they have not labelled are left out).",
    })
    // the saved card.json carries it too, and loads through the card schema
    expect(readCard(out).labelRule?.source).toEqual({ kind: 'annotator', annotator: 'ann' })
  }, 300_000)
})
