import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { api, errorMessage } from '../api/client'
import { floatToInt16, int16ToBase64, listInputDevices, startCapture, type Level, type MicCapture } from '../audio'
import type { LiveFrame, LiveSource, LiveStartResult } from '../../../src-shared/contract/live'
import { parseSmoothing, shownEstimate, type Smoothing } from './live-display'
import { makeGuard } from './guard'

/** Frames kept for the timeline: 30 s at the default 250 ms hop. */
const TIMELINE_FRAMES = 120
/** Latencies the median is taken over. */
const LATENCY_WINDOW = 20
/** Chunks that may be on the way to the server before new ones are dropped (and counted lost). */
const MAX_UNANSWERED = 20
const CHUNK_MS = 100
/** Remembered between visits and reloads (this browser profile only). */
const KEY_SMOOTHING = 'ser.live.smoothing'
const KEY_DEVICE = 'ser.live.deviceId'

function remembered(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null // storage disabled: nothing is remembered, nothing breaks
  }
}
function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    /* storage disabled */
  }
}

/**
 * What this session's frames said, counted per frame of received audio (not per second of wall clock):
 * frames, the seconds of audio they cover, the voice-activity state and top emotion of each. Tests wait for
 * the frames of a known length of fed audio and read these counts, so a slow machine changes only how long that takes.
 */
export interface LiveTally {
  frames: number
  /** Seconds of audio the server had received at the last frame (its `t`). */
  audioSec: number
  vad: Record<'silence' | 'noise' | 'speech', number>
  /** Top emotion of each speech frame with probabilities (uncertain ones included). */
  tops: Record<string, number>
}

const emptyTally = (): LiveTally => ({ frames: 0, audioSec: 0, vad: { silence: 0, noise: 0, speech: 0 }, tops: {} })

export function tallyFrame(t: LiveTally, f: LiveFrame): LiveTally {
  const tops = f.top && f.probabilities ? { ...t.tops, [f.top]: (t.tops[f.top] ?? 0) + 1 } : t.tops
  return { frames: t.frames + 1, audioSec: f.t, vad: { ...t.vad, [f.vad.state]: t.vad[f.vad.state] + 1 }, tops }
}

export interface InputDevice {
  deviceId: string
  label: string
}

function median(xs: number[]): number | null {
  if (!xs.length) return null
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function pushBounded<T>(list: T[], item: T, max: number): T[] {
  const next = list.length >= max ? list.slice(list.length - max + 1) : list.slice()
  next.push(item)
  return next
}

/**
 * The live view: a session on the server, the microphone (asked for only by
 * start()), chunks out, frames in. Everything here is bounded; no audio is kept.
 */
export const useLiveStore = defineStore('live', () => {
  const sources = ref<LiveSource[]>([])
  const sourceId = ref('default')
  const state = ref<'idle' | 'starting' | 'running' | 'stopping'>('idle')
  const error = ref<string | null>(null)
  // Refreshing the sources keeps a session's error line (only a new start clears it).
  const keepError = makeGuard(error, false)
  const session = ref<LiveStartResult | null>(null)
  const latest = shallowRef<LiveFrame | null>(null)
  const timeline = shallowRef<LiveFrame[]>([])
  const tally = shallowRef<LiveTally>(emptyTally())
  const level = shallowRef<Level | null>(null)
  const serverLatencies = shallowRef<number[]>([])
  const roundTrips = shallowRef<number[]>([])
  const captureInfo = ref<{ method: string; deviceRate: number; deviceLabel: string } | null>(null)
  const sent = ref(0)
  const dropped = ref(0)
  const endedReason = ref<string | null>(null)
  const smoothing = ref<Smoothing>(parseSmoothing(remembered(KEY_SMOOTHING)))
  /** '' = the system's default input. */
  const deviceId = ref(remembered(KEY_DEVICE) ?? '')
  const devices = ref<InputDevice[]>([])
  const notice = ref<string | null>(null)

  let mic: MicCapture | null = null
  let unsubscribe: (() => void) | null = null
  let unanswered = 0
  /** send time per chunk seq, only for the last few chunks (bounded ring). */
  const sentAt = new Float64Array(64)

  const classes = computed(() => session.value?.source.classes ?? sources.value.find((s) => s.id === sourceId.value)?.classes ?? [])
  const latencyMedian = computed(() => median(serverLatencies.value))
  const roundTripMedian = computed(() => median(roundTrips.value))
  const shown = computed(() => shownEstimate(timeline.value, smoothing.value))
  const source = computed(() => session.value?.source ?? sources.value.find((s) => s.id === sourceId.value) ?? null)

  function setSmoothing(v: Smoothing): void {
    smoothing.value = v
    remember(KEY_SMOOTHING, String(v))
  }
  function setDevice(id: string): void {
    deviceId.value = id
    remember(KEY_DEVICE, id)
  }

  /** The inputs the browser offers; their names appear once the page may use the microphone (after the first Start). */
  async function refreshDevices(): Promise<void> {
    try {
      const list = await listInputDevices()
      devices.value = list
        .filter((d) => d.deviceId && d.deviceId !== 'default' && d.deviceId !== 'communications')
        .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `microphone ${i + 1}` }))
    } catch {
      devices.value = []
    }
  }

  async function refreshSources(): Promise<void> {
    const list = await keepError(() => api.live.sources.query())
    if (!list) return
    sources.value = list
    if (!sources.value.some((s) => s.id === sourceId.value) && sources.value.length) sourceId.value = sources.value[0].id
  }

  function onFrame(f: LiveFrame): void {
    latest.value = f
    timeline.value = pushBounded(timeline.value, f, TIMELINE_FRAMES)
    tally.value = tallyFrame(tally.value, f)
    if (f.latencyMs !== null) serverLatencies.value = pushBounded(serverLatencies.value, f.latencyMs, LATENCY_WINDOW)
    if (f.probabilities && f.seq >= 0) {
      const t = sentAt[f.seq % sentAt.length]
      if (t > 0) roundTrips.value = pushBounded(roundTrips.value, performance.now() - t, LATENCY_WINDOW)
    }
  }

  function send(samples: Float32Array, seq: number): void {
    const id = session.value?.sessionId
    if (!id) return
    if (unanswered >= MAX_UNANSWERED) {
      dropped.value++
      return
    }
    unanswered++
    sentAt[seq % sentAt.length] = performance.now()
    api.live.push
      .mutate({ sessionId: id, seq, pcm16: int16ToBase64(floatToInt16(samples)) })
      .then(() => sent.value++)
      .catch((err) => {
        if (state.value === 'running') error.value = errorMessage(err)
      })
      .finally(() => unanswered--)
  }

  /** Opens a session and the microphone; call from a click (that is when the browser asks for permission). */
  async function start(): Promise<void> {
    if (state.value !== 'idle') return
    state.value = 'starting'
    error.value = null
    notice.value = null
    endedReason.value = null
    latest.value = null
    timeline.value = []
    tally.value = emptyTally()
    serverLatencies.value = []
    roundTrips.value = []
    sent.value = 0
    dropped.value = 0
    unanswered = 0
    sentAt.fill(0)
    try {
      session.value = await api.live.start.mutate({ source: sourceId.value })
      const sub = api.live.frames.subscribe(
        { sessionId: session.value.sessionId },
        {
          onData: (f) => onFrame(f as LiveFrame),
          onError: (err) => (error.value = errorMessage(err)),
          onComplete: () => {
            if (state.value === 'running') {
              endedReason.value = 'the server ended the session'
              void stop()
            }
          },
        },
      )
      unsubscribe = () => sub.unsubscribe()
      // a remembered input that is no longer connected falls back to the default, and says so
      const known = !deviceId.value || !devices.value.length || devices.value.some((d) => d.deviceId === deviceId.value)
      if (!known) {
        notice.value = 'The remembered microphone is not connected; using the default input.'
        deviceId.value = ''
      }
      mic = await startCapture({
        chunkMs: CHUNK_MS,
        deviceId: deviceId.value || undefined,
        onChunk: (c) => {
          level.value = c.level
          send(c.samples, c.index)
        },
        onEnded: (reason) => {
          endedReason.value = reason
          void stop()
        },
      })
      captureInfo.value = { method: mic.method, deviceRate: mic.deviceRate, deviceLabel: mic.deviceLabel }
      state.value = 'running'
      void refreshDevices()
    } catch (err) {
      error.value = errorMessage(err)
      state.value = 'running'
      await stop()
    }
  }

  /** Releases the microphone and ends the session. */
  async function stop(): Promise<void> {
    if (state.value === 'idle' || state.value === 'stopping') return
    state.value = 'stopping'
    const m = mic
    mic = null
    await m?.stop().catch(() => undefined)
    unsubscribe?.()
    unsubscribe = null
    const id = session.value?.sessionId
    if (id) await api.live.stop.mutate({ sessionId: id }).catch(() => undefined)
    session.value = null
    level.value = null
    state.value = 'idle'
  }

  return {
    sources,
    sourceId,
    state,
    error,
    session,
    latest,
    timeline,
    tally,
    level,
    classes,
    serverLatencies,
    roundTrips,
    latencyMedian,
    roundTripMedian,
    captureInfo,
    sent,
    dropped,
    endedReason,
    smoothing,
    shown,
    source,
    deviceId,
    devices,
    notice,
    setSmoothing,
    setDevice,
    refreshDevices,
    refreshSources,
    start,
    stop,
  }
})
