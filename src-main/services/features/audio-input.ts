/**
 * Audio for feature extraction: services/audio's loadForAnalysis (the strict decoder,
 * channels averaged to mono, resampled to ANALYSIS_RATE with the app's one resampler,
 * src-shared/resample.ts, which the microphone capture uses too), so every extractor
 * sees the same 16 kHz signal whether a clip was imported or streamed live.
 */
import { loadForAnalysis, ANALYSIS_RATE, type DecodeOptions } from '../audio/index'

/** Decoding is bounded by the audio limits (docs/audio.md, Limits); `opts.signal` cancels (and kills ffmpeg). */
export async function loadAnalysisAudio(path: string, opts: DecodeOptions = {}): Promise<{ samples: Float32Array; sampleRate: number }> {
  return { samples: await loadForAnalysis(path, opts), sampleRate: ANALYSIS_RATE }
}
