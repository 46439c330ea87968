/**
 * Enrollment: a person's labelled examples -> held-out accuracy by leave-some-out
 * folds -> a fine-tuned copy of a base model (the shipped default or a trained
 * one) -> a calibrated profile with an embedding map, saved by name.
 * See docs/enrollment.md.
 *
 *   const result = await runEnrollment({ workspace, out, name, person, clipIds, baseModel: 'default' }, onProgress, signal)
 *   enrollInWorker(spec, jobCtx)                         // the same, as a job in the 'enroll' worker thread
 *   listProfiles(ws)                                     // ProfileListItem[] (src-shared/contract/enroll.ts)
 *   const { model, card, profile } = await loadEnrolledProfile(ws, id)   // then services/model predict(model, profile, items)
 */
export { runEnrollment, type EnrollSpec, type EnrollRunProgress } from './run'
export { enrollInWorker, closeEnrollPool } from './jobs'
export { EnrollError, checkExamples, loadExamples, MIN_PER_CLASS } from './examples'
export { stratifiedFolds, sessionFolds, crossValidate, calibrateFromRows } from './crossval'
export { embeddingMap } from './map'
export { listProfiles, loadEnrolledProfile, profileResult, removeProfile, baseModelDir, profileNameTaken } from './profiles'
