/**
 * Which frame detector the live pipeline uses. DEFAULT_VAD_DETECTOR is the one
 * that measured better on the labelled evaluation (vad-eval.ts, `npm run bench -- live`,
 * criterion: mean over noise x SNR conditions of (miss % + false-alarm %) / 2;
 * numbers in docs/live.md). When the learned detector cannot load (onnxruntime or
 * the model missing), the gate is used instead and the reason is kept and printed:
 * every frame's VAD summary names the detector that actually ran.
 */
import { PitchVoicing, type FrameVoicing, type VadDetectorName } from './vad'
import { SileroVoicing } from './vad-silero'

export const DEFAULT_VAD_DETECTOR: VadDetectorName = 'silero'

export interface VoicingChoice {
  voicing: FrameVoicing
  /** Asked for this one ... */
  requested: VadDetectorName
  /** ... and got voicing.name; null, or why the gate stands in. */
  fallback: string | null
}

export function makeVoicing(
  requested: VadDetectorName = DEFAULT_VAD_DETECTOR,
  warn: (message: string) => void = console.warn,
  loadSilero: () => FrameVoicing = () => new SileroVoicing(),
): VoicingChoice {
  if (requested === 'gate') return { voicing: new PitchVoicing(), requested, fallback: null }
  try {
    return { voicing: loadSilero(), requested, fallback: null }
  } catch (err) {
    const fallback = `${(err as Error).message}; using the energy + voicing gate instead`
    warn(`live VAD: ${fallback}`)
    return { voicing: new PitchVoicing(), requested, fallback }
  }
}
