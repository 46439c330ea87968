/** Shared synthetic corpora for the model tests (Gaussian emotion clusters + speaker offsets). */
import { makeSyntheticCorpus } from '../../../src-main/services/model/synthetic'
import type { ItemSet } from '../../../src-main/services/model/types'

export const SOURCE_CLASSES = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgust']
export const TARGET_CLASSES = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised']

export function subset(d: ItemSet, idx: number[]): ItemSet {
  const per = d.itemShape.reduce((a, b) => a * b, 1)
  const x = new Float32Array(idx.length * per)
  idx.forEach((i, r) => x.set(d.x.subarray(i * per, (i + 1) * per), r * per))
  return { x, itemShape: d.itemShape, labels: idx.map((i) => d.labels[i]), speakers: idx.map((i) => d.speakers[i]) }
}

export function source(): ItemSet {
  return makeSyntheticCorpus({ classes: SOURCE_CLASSES, speakers: 40, perSpeakerPerClass: 6, seed: 101, speakerPrefix: 'src' })
}

/** Target corpus, its test speakers (held out) and the indices usable for fine-tuning. */
export function target(): { data: ItemSet; pool: number[]; test: ItemSet } {
  const data = makeSyntheticCorpus({ classes: TARGET_CLASSES, speakers: 12, perSpeakerPerClass: 5, seed: 202, speakerPrefix: 'tgt' })
  const spk = [...new Set(data.speakers)].sort()
  const testSpk = new Set(spk.slice(0, 4))
  const all = data.labels.map((_, i) => i)
  return { data, pool: all.filter((i) => !testSpk.has(data.speakers[i])), test: subset(data, all.filter((i) => testSpk.has(data.speakers[i]))) }
}
