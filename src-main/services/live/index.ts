/**
 * Live microphone inference (docs/live.md): sliding window -> VAD gate ->
 * features -> model + profile -> per-emotion probabilities, one worker thread
 * per session. Nothing is written to disk.
 *
 *   const live = liveSessionsFor(services, ws)
 *   const { sessionId } = await live.start({ source: 'default', windowMs: 2000, hopMs: 250 })
 *   const off = live.subscribe(sessionId, (frame) => ..., (reason) => ...)
 *   live.push({ sessionId, seq: 0, pcm16: base64Int16 })   // 16 kHz mono chunks, <= 1 s each
 *   live.stop(sessionId)
 *
 * In-process (tests, tools): new LivePipeline(await loadWindowPredictor(dir, profile)).push(samples, seq, t)
 */
export { LivePipeline, LIVE_RATE, epochNow, type WindowPredictor, type WindowPrediction, type PipelineFrame, type PipelineStats } from './pipeline'
export { VoiceActivity, VAD, type VadSummary } from './vad'
export { SampleRing, StatWindow } from './ring'
export { ModelWindowPredictor, loadWindowPredictor } from './predictor'
export { listSources, resolveSource, LiveSourceError, type ResolvedSource } from './sources'
export { LiveSessions, LiveSessionError, liveSessionsFor, closeLivePool, type LiveSessionStats } from './sessions'
