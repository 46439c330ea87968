/**
 * The analysis format: every feature, model and live frame works on mono audio at this
 * rate. Imported files are resampled to it in services (features/audio-input.ts), the
 * microphone in the capture worklet (src-renderer/src/audio/chunker.ts), both with
 * src-shared/resample.ts.
 */
export const ANALYSIS_RATE = 16000
