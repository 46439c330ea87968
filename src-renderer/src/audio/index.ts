/** Microphone capture and PCM helpers; the API is documented at the top of ./capture.ts. */
export {
  startCapture,
  listInputDevices,
  MicrophoneError,
  ANALYSIS_RATE,
  type CaptureChunk,
  type CaptureOptions,
  type MicCapture,
  type MicrophoneErrorKind,
} from './capture'
export { measureLevel, toDb, floatToInt16, int16ToFloat, int16ToBase64, encodeWav16, SILENT_DB, type Level } from './pcm'
export { StreamingResampler } from '../../../src-shared/resample'
export { Chunker, type RawChunk } from './chunker'
