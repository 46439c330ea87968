/**
 * Enrollment examples as a person would make them: generated RAVDESS-layout speech
 * of one actor, decoded and resampled to 16 kHz, stored through the recordings
 * service (real WAV files in the workspace, real clips and labels).
 */
import path from 'node:path'
import { loadForAnalysis } from '../../../src-main/services/audio/index'
import { saveRecording } from '../../../src-main/services/recordings/index'
import type { Workspace } from '../../../src-main/services/store/workspace'
import { syntheticCorpus } from '../../helpers/corpora'

export async function recordExamples(ws: Workspace, person: string, emotions: string[], perEmotion: number, actor = '01'): Promise<number[]> {
  const corpus = await syntheticCorpus('ravdess', { speakers: 4, reps: 1 })
  const ids: number[] = []
  for (const e of emotions) {
    const clips = corpus.clips.filter((c) => c.speaker === actor && c.emotion === e).slice(0, perEmotion)
    if (clips.length < perEmotion) throw new Error(`generated corpus has only ${clips.length} ${e} clips of actor ${actor}`)
    for (const c of clips) {
      const f = await loadForAnalysis(path.join(corpus.dir, c.relPath))
      const s = new Int16Array(f.length)
      for (let i = 0; i < f.length; i++) s[i] = Math.round(Math.max(-1, Math.min(1, f[i])) * 32767)
      ids.push(saveRecording(ws, { person, emotion: e, samples: s }).clipId)
    }
  }
  return ids
}
