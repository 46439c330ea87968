/**
 * A model's provenance as the live view and the model page state it, read from its card and from the
 * workspace's datasets: the corpus, what it was fine-tuned on, how many of that corpus's speakers built it and
 * how many the corpus holds, whether the speech was generated, when, and its held-out estimate. "Generated" is
 * known for the shipped default (built from the generator by scripts/build-default-model.ts) and for datasets
 * whose stored origin says so (the corpus folder's `ser-corpus.json` mark at import, or a person's setting:
 * store/dataset-speech.ts). A corpus name says nothing: a corpus not in this workspace is "unknown".
 */
import type { ModelProvenance } from '../../../src-shared/contract/live'
import type { SpeechOrigin } from '../../../src-shared/corpus-mark'
import type { ModelCardData } from '../model/types'

/** What the workspace knows of a corpus by name (store/dataset-speech.ts `datasetSpeechByName`). */
export type CorpusLookup = (name: string) => { speech: SpeechOrigin; speakers: number } | null

/** Distinct speakers of `corpus` in the card's roles ('<dataset>:<speaker>'), optionally with the held-out ones. */
function speakersOf(card: ModelCardData, corpus: string, withHeldOut: boolean): number | null {
  const r = card.speakers
  if (!r) return null
  const all = [...r.pretrain, ...r.validation, ...r.finetune, ...r.calibration, ...(withHeldOut ? r.heldOut : [])]
  const prefix = `${corpus}:`
  const mine = all.filter((s) => s.startsWith(prefix))
  // cards from before speakers were qualified by their dataset: every speaker is the source's
  return new Set(mine.length || all.some((s) => s.includes(':')) ? mine : all).size
}

export function provenanceOf(card: ModelCardData, demo: boolean, lookup: CorpusLookup = () => null): ModelProvenance {
  const source = lookup(card.sourceCorpus)
  const tuned = card.targetCorpus && !card.targetCorpus.startsWith('recordings of ') ? lookup(card.targetCorpus) : null
  const speech: SpeechOrigin = demo ? 'generated' : (source?.speech ?? 'unknown')
  return {
    model: card.name,
    corpus: card.sourceCorpus,
    tunedOn: card.targetCorpus ?? null,
    speakers: speakersOf(card, card.sourceCorpus, false),
    corpusSpeakers: source?.speakers ?? speakersOf(card, card.sourceCorpus, true),
    tunedSpeakers: card.targetCorpus ? (tuned?.speakers ?? speakersOf(card, card.targetCorpus, true)) : null,
    speech,
    tunedSpeech: card.targetCorpus ? (card.targetCorpus.startsWith('recordings of ') ? 'recorded' : (tuned?.speech ?? 'unknown')) : null,
    createdAt: card.createdAt,
    demo,
    heldOut: card.heldOut ?? null,
  }
}
