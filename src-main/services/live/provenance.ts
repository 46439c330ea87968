/**
 * A model's provenance as the live view states it, read from its card: the corpus,
 * what it was fine-tuned on, how many speakers built it, whether the speech was
 * generated, when, and its held-out estimate. "Generated" is known for the shipped
 * default (built from the generator by scripts/build-default-model.ts) and for corpora
 * whose name says so (the generator's datasets are named synthetic-*).
 */
import type { ModelProvenance } from '../../../src-shared/contract/live'
import type { ModelCardData } from '../model/types'

const GENERATED = /synth|generated|espeak/i

function speechOf(card: ModelCardData, demo: boolean): ModelProvenance['speech'] {
  if (demo || GENERATED.test(card.sourceCorpus)) return 'generated'
  // imported corpora (CREMA-D, RAVDESS, ...) and a person's recordings are people speaking
  return card.sourceCorpus ? 'recorded' : 'unknown'
}

export function provenanceOf(card: ModelCardData, demo: boolean): ModelProvenance {
  const r = card.speakers
  const built = r ? new Set([...r.pretrain, ...r.validation, ...r.finetune, ...r.calibration]).size : null
  return {
    model: card.name,
    corpus: card.sourceCorpus,
    tunedOn: card.targetCorpus ?? null,
    speakers: built,
    speech: speechOf(card, demo),
    createdAt: card.createdAt,
    demo,
    heldOut: card.heldOut ?? null,
  }
}
