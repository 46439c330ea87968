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

  it('reads generated or recorded from the dataset, never from the corpus name; a corpus not in the workspace is unknown', () => {
    const card = readCard(defaultModelDir())
    const lookup = (name: string) =>
      ({ crema: { speech: 'generated' as const, speakers: 6 }, 'synthetic-ravdess': { speech: 'recorded' as const, speakers: 24 } })[name] ?? null
    const p = provenanceOf(
      { ...card, name: 'cremad run', sourceCorpus: 'cremad', targetCorpus: 'recordings of Ada', speakers: undefined, heldOut: undefined },
      false,
      lookup,
    )
    expect(p).toMatchObject({
      model: 'cremad run',
      corpus: 'cremad',
      tunedOn: 'recordings of Ada',
      tunedSpeech: 'recorded',
      speech: 'unknown',
      demo: false,
      speakers: null,
      heldOut: null,
    })
    // a name with "synth" in it says nothing; the stored origin does
    expect(provenanceOf({ ...card, sourceCorpus: 'synthetic-ravdess' }, false, lookup).speech).toBe('recorded')
    expect(provenanceOf({ ...card, sourceCorpus: 'synthetic-ravdess' }, false).speech).toBe('unknown')
    expect(provenanceOf({ ...card, sourceCorpus: 'crema' }, false, lookup).speech).toBe('generated')
  })

  it('counts the speakers of the source corpus from the dataset, not every speaker of every corpus the model saw', () => {
    const card = readCard(defaultModelDir())
    const crema = ['1001', '1002', '1003', '1004'].map((s) => `crema:${s}`)
    const rav = ['01', '02', '03', '04', '05'].map((s) => `rav:${s}`)
    const speakers = { pretrain: crema.slice(0, 3), validation: crema.slice(3), finetune: rav.slice(0, 3), calibration: rav.slice(3, 4), heldOut: rav.slice(4) }
    const lookup = (name: string) => ({ crema: { speech: 'generated' as const, speakers: 6 }, rav: { speech: 'recorded' as const, speakers: 5 } })[name] ?? null
    const p = provenanceOf({ ...card, sourceCorpus: 'crema', targetCorpus: 'rav', speakers }, false, lookup)
    // 4 of crema's 6 speakers built it (before: "8 speakers (corpus crema)", counting rav's fine-tuning speakers too)
    expect(p).toMatchObject({ speakers: 4, corpusSpeakers: 6, tunedSpeakers: 5, speech: 'generated', tunedSpeech: 'recorded' })
  })
})
