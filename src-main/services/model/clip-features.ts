/** Features of single audio files for inference (CLI predict, live view), as the model's card asks. */
import { loadAnalysisAudio } from '../features/audio-input'
import { extractEgemaps, logMel } from '../features/index'
import { fitFrames } from './data'
import type { ItemSet, ModelCardData } from './types'

export async function filesToItems(files: string[], card: ModelCardData): Promise<ItemSet> {
  const rows: Float32Array[] = []
  let itemShape: number[]
  if (card.arch.kind === 'mlp') itemShape = [card.arch.inputDim]
  else itemShape = [card.arch.frames, card.arch.mels]
  for (const f of files) {
    let audio: { samples: Float32Array; sampleRate: number }
    try {
      audio = await loadAnalysisAudio(f)
    } catch (err) {
      throw new Error(`cannot read ${f}: ${(err as Error).message}`)
    }
    if (card.extractor.name === 'egemaps') rows.push(extractEgemaps(audio.samples, audio.sampleRate))
    else rows.push(fitFrames(logMel(audio.samples, audio.sampleRate).data, itemShape[1], itemShape[0]))
  }
  const per = itemShape.reduce((a, b) => a * b, 1)
  const x = new Float32Array(rows.length * per)
  rows.forEach((r, i) => x.set(r, i * per))
  return { x, itemShape, labels: files.map(() => '?'), speakers: files.map(() => '?') }
}
