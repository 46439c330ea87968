import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { datasetStats, listClips } from '../../../src-main/services/corpus/index'
import { setLabel } from '../../../src-main/services/labels/index'
import { effectiveLabels, getLabelRule, LabelRuleError, setLabelRule } from '../../../src-main/services/store/label-rule'
import { DEFAULT_LABEL_RULE, cardLabelRule, labelRuleKey, parseLabelRule } from '../../../src-shared/label-rule'
import { workspaceEachTest, type TempWorkspace } from '../../helpers/lifecycle'
import { seedClips } from './helpers'

let ws: TempWorkspace
workspaceEachTest('ser-label-rule-', (w) => (ws = w))

const corpusLabel = (clipId: number, emotion: string) =>
  ws.db.prepare("INSERT INTO labels (clip_id, emotion, annotator, source) VALUES (?, ?, 'corpus', 'corpus')").run(clipId, emotion)

/**
 * Five clips, corpus labels angry on all, and two annotators (ann, then bob, so bob's
 * labels are the latest):
 *   0: no annotator            1: ann sad, bob sad      2: ann sad (then bob happy)
 *   3: ann happy, bob sad (a tie without the corpus label)   4: ann angry, bob sad (a tie with it)
 */
function seed(): { datasetId: number; c: number[] } {
  const { datasetId, clipIds: c } = seedClips(ws, 5)
  for (const id of c) corpusLabel(id, 'angry')
  const ann = ['', 'sad', 'sad', 'happy', 'angry']
  const bob = ['', 'sad', 'happy', 'sad', 'sad']
  for (let i = 1; i < 5; i++) setLabel(ws, { clipId: c[i], emotion: ann[i] as 'sad', annotator: 'ann' })
  for (let i = 1; i < 5; i++) setLabel(ws, { clipId: c[i], emotion: bob[i] as 'sad', annotator: 'bob' })
  return { datasetId, c }
}

const labels = (datasetId: number, rule: Parameters<typeof effectiveLabels>[2]) => [...effectiveLabels(ws, datasetId, rule).values()]

describe('label rule resolver', () => {
  it('corpus: the label the corpus came with, whatever annotators said', () => {
    const { datasetId } = seed()
    expect(labels(datasetId, { kind: 'corpus' })).toEqual(['angry', 'angry', 'angry', 'angry', 'angry'])
  })

  it('annotator: that annotator\'s current label; clips they did not label are unlabelled', () => {
    const { datasetId, c } = seed()
    expect(labels(datasetId, { kind: 'annotator', annotator: 'ann' })).toEqual([null, 'sad', 'sad', 'happy', 'angry'])
    expect(labels(datasetId, { kind: 'annotator', annotator: 'bob' })).toEqual([null, 'sad', 'happy', 'sad', 'sad'])
    // a relabel replaces the annotator's vote (the old row is soft-deleted, not counted)
    setLabel(ws, { clipId: c[1], emotion: 'fearful', annotator: 'ann' })
    expect(labels(datasetId, { kind: 'annotator', annotator: 'ann' })[1]).toBe('fearful')
  })

  it('majority: one vote per annotator; a tie goes to the corpus label only if it is tied, else the clip is left out', () => {
    const { datasetId, c } = seed()
    // 0: nobody voted -> corpus; 1: 2 sad; 2: sad/happy tie, corpus angry not tied -> out;
    // 3: happy/sad tie -> out; 4: angry/sad tie with corpus angry -> angry
    expect(labels(datasetId, { kind: 'majority' })).toEqual(['angry', 'sad', null, null, 'angry'])
    // a third annotator breaks the tie on clip 2
    setLabel(ws, { clipId: c[2], emotion: 'happy', annotator: 'cat' })
    expect(labels(datasetId, { kind: 'majority' })[2]).toBe('happy')
  })

  it('the default rule (majority) is not today\'s "latest label from anyone": on clip 4 the corpus breaks the tie', () => {
    const { datasetId } = seed()
    const latest = ws.db
      .prepare('SELECT emotion FROM labels WHERE clip_id = (SELECT MAX(id) FROM clips) AND deleted_at IS NULL AND start_sec IS NULL ORDER BY id DESC LIMIT 1')
      .pluck()
      .get()
    expect(latest).toBe('sad')
    expect(labels(datasetId, 'dataset')[4]).toBe('angry') // the default rule, majority
  })

  it('the stored rule defaults to majority, is validated, and an annotator rule must name someone who labelled the dataset', () => {
    const { datasetId } = seed()
    expect(getLabelRule(ws, datasetId)).toEqual(DEFAULT_LABEL_RULE)
    expect(() => setLabelRule(ws, datasetId, { kind: 'annotator', annotator: 'zoe' })).toThrow(/annotator 'zoe' has labelled no clip of dataset/)
    expect(() => setLabelRule(ws, datasetId, { kind: 'latest' })).toThrow(LabelRuleError)
    expect(() => setLabelRule(ws, datasetId, { kind: 'annotator' })).toThrow(/invalid label rule: annotator/)
    expect(() => setLabelRule(ws, 9999, { kind: 'corpus' })).toThrow(/no dataset with id 9999/)
    setLabelRule(ws, datasetId, { kind: 'annotator', annotator: 'ann' })
    expect(getLabelRule(ws, datasetId)).toEqual({ kind: 'annotator', annotator: 'ann' })
  })

  it('an annotator name with a single quote is matched literally, not as SQL', () => {
    const { datasetId, clipIds } = seedClips(ws, 1, 2, 'q')
    setLabel(ws, { clipId: clipIds[0], emotion: 'calm', annotator: "o'brien" })
    expect(labels(datasetId, { kind: 'annotator', annotator: "o'brien" })).toEqual(['calm'])
    setLabelRule(ws, datasetId, { kind: 'annotator', annotator: "o'brien" })
    expect(labels(datasetId, 'dataset')).toEqual(['calm'])
  })
})

describe('dataset counts and clip lists follow the stored rule', () => {
  it('changing the rule changes the counts, the clip labels and the emotion filter', () => {
    const { datasetId } = seed()
    expect(datasetStats(ws, datasetId).byEmotion).toEqual({ angry: 2, sad: 1, unlabelled: 2 })
    expect(datasetStats(ws, datasetId).labelRule).toEqual({ kind: 'majority' })
    expect(datasetStats(ws, datasetId).annotators).toEqual(['ann', 'bob'])
    setLabelRule(ws, datasetId, { kind: 'corpus' })
    expect(datasetStats(ws, datasetId).byEmotion).toEqual({ angry: 5 })
    setLabelRule(ws, datasetId, { kind: 'annotator', annotator: 'bob' })
    const s = datasetStats(ws, datasetId)
    expect(s.byEmotion).toEqual({ sad: 3, happy: 1, unlabelled: 1 })
    expect(s.labelRule).toEqual({ kind: 'annotator', annotator: 'bob' })
    expect(listClips(ws, { datasetId }).clips.map((r) => r.emotion)).toEqual([null, 'sad', 'happy', 'sad', 'sad'])
    expect(listClips(ws, { datasetId, emotion: 'sad' }).total).toBe(3)
    // an explicit rule (a preview, or one pinned by a training run) overrides the stored one
    expect(listClips(ws, { datasetId }, { kind: 'corpus' }).clips.every((r) => r.emotion === 'angry')).toBe(true)
  })
})

describe('the rule as a word, on the card, and on the command line', () => {
  it('corpus, majority and annotator:NAME round-trip; anything else is a clear error', () => {
    for (const r of [{ kind: 'corpus' }, { kind: 'majority' }, { kind: 'annotator', annotator: 'ann b' }] as const)
      expect(parseLabelRule(labelRuleKey(r))).toEqual(r)
    expect(() => parseLabelRule('latest')).toThrow(/not a label rule: 'latest'/)
    expect(() => parseLabelRule('annotator:')).toThrow(/an annotator name is required/)
  })

  it('the card names every dataset\'s rule in words; examples from datasets with different rules have no single target rule', () => {
    const c = cardLabelRule(null, [{ name: 'a', rule: { kind: 'corpus' } }, { name: 'b', rule: { kind: 'majority' } }])
    expect(c.source).toBeNull()
    expect(c.target).toBeNull()
    expect(c.text).toBe(
      "Each clip's label was pre-training data: not recorded by the base model; a: the corpus label (clips without one are left out); b: " +
        "the majority of annotators' labels (a tie goes to the corpus label if it is one of the tied emotions, otherwise the clip is left out; " +
        'a clip no annotator labelled keeps its corpus label).',
    )
  })

  it('ser label-rule shows and sets a dataset\'s rule, with the counts it gives', () => {
    const { datasetId } = seed()
    const ser = (...args: string[]) =>
      JSON.parse(
        execFileSync('npx', ['tsx', path.resolve('src-main/cli/index.ts'), '--workspace', ws.dir, '--json', 'label-rule', 'desk', ...args], {
          encoding: 'utf8',
          stdio: 'pipe',
        }),
      )
    expect(ser()).toMatchObject({ dataset: 'desk', labelRule: { kind: 'majority' }, annotators: ['ann', 'bob'] })
    expect(ser('annotator:bob')).toMatchObject({ labelRule: { kind: 'annotator', annotator: 'bob' }, byEmotion: { sad: 3, happy: 1, unlabelled: 1 } })
    expect(getLabelRule(ws, datasetId)).toEqual({ kind: 'annotator', annotator: 'bob' })
    expect(() => ser('latest')).toThrow(/not a label rule: 'latest'/)
  }, 60_000)
})
