/**
 * Piscina worker (name 'features' in services/workers.ts): decodes one clip
 * and extracts one feature set. Returns the data as a transferable buffer.
 */
import { extractEgemaps } from './egemaps'
import { logMel } from './mel'
import { loadAnalysisAudio } from './audio-input'
import type { ExtractorName } from '../../../src-shared/extractors'

export interface FeatureTask {
  path: string
  extractor: ExtractorName
}

export interface FeatureResult {
  dims: number[]
  data: Float32Array
  duration: number
}

export default async function run(task: FeatureTask): Promise<FeatureResult> {
  const { samples, sampleRate } = await loadAnalysisAudio(task.path)
  const duration = samples.length / sampleRate
  if (task.extractor === 'egemaps') {
    const data = extractEgemaps(samples, sampleRate)
    return { dims: [data.length], data, duration }
  }
  const s = logMel(samples, sampleRate)
  return { dims: [s.frames, s.bins], data: s.data, duration }
}
