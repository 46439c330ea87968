/**
 * Acoustic features: public API for training, live view and experiments.
 * See docs/features.md for every feature, its reference and known differences.
 */
export { EGEMAPS_NAMES, EGEMAPS_INDEX } from './names'
export { extractEgemaps, egemapsLlds, egemapsFunctionals, type EgemapsLlds } from './egemaps'
export { logMel, mfcc, melFilterbank, LOGMEL_DEFAULTS, type MelOptions, type Spectrogram } from './mel'
export { pitchAc, PITCH_DEFAULTS, type PitchTrack, type PitchOptions } from './pitch'
export { extractForClips, closeFeaturePool, EXTRACTOR_VERSION, type ClipRef, type ExtractOptions, type ExtractorName } from './extract'
export { voiceReport, type VoiceReport } from './report'
export { pruneStale } from './cache'
