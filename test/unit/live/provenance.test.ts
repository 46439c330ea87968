/** What the Live view states about the chosen model: trained on what, how many speakers, generated or recorded, when. */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveSource } from '../../../src-main/services/live'
import { provenanceOf } from '../../../src-main/services/live/provenance'
import { defaultModelDir } from '../../../src-main/services/model/default-model'
import { readCard } from '../../../src-main/services/model/storage'
import { tempWorkspace } from '../../helpers/workspace'

const ws = tempWorkspace('ser-live-provenance-')
afterAll(() => ws.cleanup())

describe('live source provenance', () => {
  it('states that the shipped default is a demonstration model trained on generated speech, with its speakers and held-out figure', () => {
    const card = JSON.parse(fs.readFileSync(path.join(defaultModelDir(), 'card.json'), 'utf8'))
    const p = resolveSource(ws, 'default').provenance
    expect(p.demo).toBe(true)
    expect(p.speech).toBe('generated')
    expect(p.corpus).toBe(card.sourceCorpus)
    expect(p.createdAt).toBe(card.createdAt)
    const roles = card.speakers as Record<string, string[]>
    const built = new Set([...roles.pretrain, ...roles.validation, ...roles.finetune, ...roles.calibration])
    expect(p.speakers).toBe(built.size)
    expect(p.speakers).toBeGreaterThan(0)
    // held-out speakers are not counted among those it was built from
    for (const s of roles.heldOut) expect(built.has(s)).toBe(false)
    expect(p.heldOut?.n).toBe(card.heldOut.n)
  })

  it('a model trained on an imported corpus is recorded speech, not the demo; a card without speaker roles says so with null', () => {
    const card = readCard(defaultModelDir())
    const p = provenanceOf({ ...card, name: 'cremad run', sourceCorpus: 'cremad', targetCorpus: 'recordings of Ada', speakers: undefined, heldOut: undefined }, false)
    expect(p).toMatchObject({ model: 'cremad run', corpus: 'cremad', tunedOn: 'recordings of Ada', speech: 'recorded', demo: false, speakers: null, heldOut: null })
    expect(provenanceOf({ ...card, sourceCorpus: 'synthetic-ravdess' }, false).speech).toBe('generated')
  })
})
