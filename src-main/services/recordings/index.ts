/**
 * Recording from the microphone into the workspace: chunked sessions in memory,
 * a 16-bit WAV under <workspace>/recordings/<person>/ on finish, imported as a
 * clip of the "recordings" dataset (speaker = person, label = emotion asked for).
 * See docs/enrollment.md.
 */
export {
  RecordingError,
  saveRecording,
  getRecording,
  listRecordings,
  listPersons,
  removeRecording,
  personFolder,
  recordingsRoot,
  assertInside,
  ensureRecordingsDataset,
  type SaveRecordingInput,
} from './store'
export { RecordingSessions, sessionsFor, decodePcm, IDLE_MS, MAX_SESSIONS } from './sessions'
