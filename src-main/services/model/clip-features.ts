/** Features of single audio files for inference (CLI predict, live view), as the model's card asks. */
import { loadAnalysisAudio } from '../features/audio-input'
import { extractEgemaps, logMel } from '../features/index'
import { fitFrames } from './data'
import { recordingReport, type RecordingReport } from './recording-checks'
import type { ItemSet, ModelCardData } from './types'

/** Items of the files, with each recording's checks (recording-checks.ts). */
export async function filesToItems(files: string[], card: ModelCardData): Promise<ItemSet & { recordings: RecordingReport[] }> {
  const rows: Float32Array[] = []
  const recordings: RecordingReport[] = []
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
    recordings.push(recordingReport(audio.samples, audio.sampleRate))
    if (card.extractor.name === 'egemaps') rows.push(extractEgemaps(audio.samples, audio.sampleRate))
    else rows.push(fitFrames(logMel(audio.samples, audio.sampleRate).data, itemShape[1], itemShape[0]))
  }
  const per = itemShape.reduce((a, b) => a * b, 1)
  const x = new Float32Array(rows.length * per)
  rows.forEach((r, i) => x.set(r, i * per))
  return { x, itemShape, labels: files.map(() => '?'), speakers: files.map(() => '?'), recordings }
}
