import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { api, errorMessage } from '../api/client'
import { makeGuard } from './guard'
import { floatToInt16, int16ToBase64, startCapture, type Level, type MicCapture } from '../audio'
import { useDatasetsStore } from './datasets'
import { useJobsStore } from './jobs'
import type { EnrollProgress, EnrollResult, ProfileListItem } from '../../../src-shared/contract/enroll'
import type { PersonSummary, Recording } from '../../../src-shared/contract/recordings'
import type { Emotion } from '../../../src-shared/emotions'
import { distinctSittings, recordingSittings, type Sitting } from './enroll-sessions'

type ModelItem = Awaited<ReturnType<typeof api.models.list.query>>[number]
type EnrollRequest = Parameters<typeof api.enroll.start.mutate>[0]

/** What adding a dataset speaker's clips did: clips added, the speaker's labelled clips, emotions with fewer than K. */
export interface AddedClips {
  added: number
  labelled: number
  short: string[]
}

/** The clip chosen as an example: a recording of the person or a labelled clip from any dataset. */
export interface Example {
  clipId: number
  emotion: string | null
  durationSec: number
  source: string
  peakDb: number | null
  /** The recording session it comes from (see enroll-sessions.ts). */
  sitting: Sitting
}

/**
 * The Enroll view's state: the person, their recordings (recorded here from the
 * microphone, which is opened only while the user records), the chosen examples,
 * the enrollment job and its result, and the saved profiles.
 */
export const useEnrollStore = defineStore('enroll', () => {
  const jobs = useJobsStore()
  const person = ref('')
  const persons = ref<PersonSummary[]>([])
  const recordings = ref<Recording[]>([])
  const extra = ref<Example[]>([])
  const selected = ref<Set<number>>(new Set())
  const models = ref<ModelItem[]>([])
  const profiles = ref<ProfileListItem[]>([])
  const error = ref<string | null>(null)
  const jobId = ref<string | null>(null)
  const result = ref<EnrollResult | null>(null)
  const shownProfileId = ref<string | null>(null)

  // Recording state
  const recording = ref(false)
  const recordingEmotion = ref<string | null>(null)
  const seconds = ref(0)
  const level = ref<Level | null>(null)
  const recordError = ref<string | null>(null)
  const mic = shallowRef<MicCapture | null>(null)
  let session: { id: string; seq: number; chain: Promise<unknown>; captured: number; stopAt: number; failed: boolean } | null = null

  const job = computed(() => (jobId.value ? jobs.byId[jobId.value] ?? null : null))
  const progress = computed<EnrollProgress | null>(() => (job.value?.detail?.kind === 'enroll' ? job.value.detail : null))
  const examples = computed<Example[]>(() => {
    const sit = recordingSittings(recordings.value)
    return [
      ...recordings.value.map((r) => ({
        clipId: r.clipId,
        emotion: r.emotion,
        durationSec: r.durationSec,
        source: 'recorded',
        peakDb: r.peakDb,
        sitting: sit.get(r.clipId)!,
      })),
      ...extra.value.filter((e) => !recordings.value.some((r) => r.clipId === e.clipId)),
    ]
  })
  const chosen = computed(() => examples.value.filter((e) => selected.value.has(e.clipId)))
  /** The sessions the chosen examples come from: one means a held-out figure over them flatters. */
  const chosenSittings = computed(() => distinctSittings(chosen.value.map((e) => e.sitting)))
  const chosenCounts = computed(() => {
    const c: Record<string, number> = {}
    for (const e of chosen.value) if (e.emotion) c[e.emotion] = (c[e.emotion] ?? 0) + 1
    return c
  })

  const guard = makeGuard(error)
  // The recorder's own line: kept until the next recording starts (startRecording clears it).
  const recordGuard = makeGuard(recordError, false)

  async function refresh(): Promise<void> {
    await guard(async () => {
      ;[persons.value, models.value, profiles.value] = await Promise.all([api.recordings.persons.query(), api.models.list.query(), api.enroll.profiles.query()])
    })
  }

  async function loadPerson(name: string): Promise<void> {
    person.value = name.trim()
    extra.value = []
    if (!person.value) {
      recordings.value = []
      selected.value = new Set()
      return
    }
    await guard(async () => {
      recordings.value = await api.recordings.list.query({ person: person.value })
      // Every labelled recording of the person is an example until unticked.
      selected.value = new Set(recordings.value.filter((r) => r.emotion).map((r) => r.clipId))
    })
  }

  function toggle(clipId: number, on: boolean): void {
    const s = new Set(selected.value)
    if (on) s.add(clipId)
    else s.delete(clipId)
    selected.value = s
  }

  /**
   * Adds K labelled clips per emotion of one speaker of another dataset as examples (spread over the speaker's
   * clips in their corpus order, so different sentences are taken), all of them ticked; returns what was added
   * and how many labelled clips the speaker has.
   */
  async function addFromDataset(datasetId: number, speaker: string, perEmotion: number): Promise<AddedClips> {
    const page = await guard(() => api.datasets.clips.query({ datasetId, speaker, limit: 500, offset: 0 }))
    if (!page) return { added: 0, labelled: 0, short: [] }
    const name = useDatasetsStore().datasets.find((d) => d.id === datasetId)?.name ?? `dataset ${datasetId}`
    const sitting = { key: `ds-${datasetId}-${speaker}`, label: `${name}, speaker ${speaker}` }
    const labelled = page.clips.filter((c) => c.emotion)
    const byEmotion = new Map<string, typeof labelled>()
    for (const c of labelled) byEmotion.set(c.emotion!, [...(byEmotion.get(c.emotion!) ?? []), c])
    const picked = [...byEmotion.values()].flatMap((cs) => {
      const k = Math.min(perEmotion, cs.length)
      return Array.from({ length: k }, (_, i) => cs[Math.floor((i * cs.length) / k)])
    })
    const short = [...byEmotion.entries()].filter(([, cs]) => cs.length < perEmotion).map(([e, cs]) => `${e} (${cs.length})`)
    const add = picked.map((c) => ({ clipId: c.id, emotion: c.emotion, durationSec: c.durationSec, source: c.relPath, peakDb: null, sitting }))
    extra.value = [...extra.value.filter((e) => !add.some((a) => a.clipId === e.clipId)), ...add]
    selected.value = new Set([...selected.value, ...add.map((a) => a.clipId)])
    return { added: add.length, labelled: labelled.length, short }
  }

  /** Opens the microphone and streams to a new recording session; nothing is kept unless stop() saves it. */
  async function startRecording(emotion: string | null, autoStopSec: number): Promise<void> {
    if (recording.value) return
    recordError.value = null
    seconds.value = 0
    const started = await recordGuard(() => api.recordings.start.mutate({ person: person.value, emotion: emotion as Emotion | null }))
    if (!started) return
    const sessionId = started.sessionId
    const s = {
      id: sessionId,
      seq: 0,
      chain: Promise.resolve() as Promise<unknown>,
      captured: 0,
      stopAt: autoStopSec > 0 ? Math.round(autoStopSec * 16000) : Infinity,
      failed: false,
    }
    session = s
    recording.value = true
    recordingEmotion.value = emotion
    try {
      mic.value = await startCapture({
        chunkMs: 100,
        onChunk: (c) => {
          if (session !== s || s.failed) return
          level.value = c.level
          s.captured += c.samples.length
          const seq = s.seq++
          const pcm = int16ToBase64(floatToInt16(c.samples))
          // Sent in order, one at a time: the server refuses gaps.
          s.chain = s.chain.then(async () => {
            if (s.failed) return
            try {
              seconds.value = (await api.recordings.append.mutate({ sessionId: s.id, seq, pcm })).seconds
            } catch (err) {
              s.failed = true
              recordError.value = errorMessage(err)
              void discard()
            }
          })
          if (s.captured >= s.stopAt) void stopRecording()
        },
        onEnded: (reason) => {
          recordError.value = reason
          void discard()
        },
      })
    } catch (err) {
      recordError.value = errorMessage(err)
      await discard()
    }
  }

  async function releaseMic(): Promise<void> {
    const m = mic.value
    mic.value = null
    level.value = null
    recording.value = false
    await m?.stop()
  }

  /** Stops the microphone and saves the recording as a clip of the person. */
  async function stopRecording(): Promise<Recording | null> {
    const s = session
    if (!s) return null
    session = null
    await releaseMic()
    await s.chain
    if (s.failed) return null
    const saved = await recordGuard(async () => {
      const rec = await api.recordings.finish.mutate({ sessionId: s.id })
      recordings.value = [...recordings.value, rec]
      if (rec.emotion) selected.value = new Set([...selected.value, rec.clipId])
      persons.value = await api.recordings.persons.query()
      return rec
    })
    return saved ?? null
  }

  /** Stops without saving. */
  async function discard(): Promise<void> {
    const s = session
    session = null
    await releaseMic()
    if (s) await api.recordings.cancel.mutate({ sessionId: s.id }).catch(() => undefined)
  }

  async function removeRecording(clipId: number): Promise<void> {
    await guard(async () => {
      await api.recordings.remove.mutate({ clipId })
      recordings.value = recordings.value.filter((r) => r.clipId !== clipId)
      toggle(clipId, false)
      persons.value = await api.recordings.persons.query()
    })
  }

  /** `holdOutSessions`: score each whole recording session on a profile built from the others. */
  async function start(req: Omit<EnrollRequest, 'person' | 'clipIds' | 'sessions'> & { holdOutSessions?: boolean }): Promise<void> {
    const { holdOutSessions, ...rest } = req
    await guard(async () => {
      result.value = null
      shownProfileId.value = null
      const sessions = holdOutSessions ? Object.fromEntries(chosen.value.map((e) => [String(e.clipId), e.sitting.key])) : null
      jobId.value = (await api.enroll.start.mutate({ ...rest, sessions, person: person.value, clipIds: chosen.value.map((e) => e.clipId) })).jobId
    })
  }

  async function cancel(): Promise<void> {
    if (jobId.value) await jobs.cancel(jobId.value)
  }

  watch(
    () => job.value?.state,
    async (state) => {
      if (state === 'done' && jobId.value) {
        const id = jobId.value
        await guard(async () => {
          const r = await api.enroll.result.query({ jobId: id })
          result.value = r
          shownProfileId.value = String(r.profileId)
        })
        await refresh()
      }
    },
  )

  async function showProfile(id: string): Promise<void> {
    await guard(async () => {
      result.value = await api.enroll.profile.query({ id })
      shownProfileId.value = id
    })
  }

  async function removeProfile(id: string): Promise<void> {
    await guard(async () => {
      await api.enroll.remove.mutate({ id })
      if (shownProfileId.value === id) {
        result.value = null
        shownProfileId.value = null
      }
      profiles.value = await api.enroll.profiles.query()
    })
  }

  return {
    person, persons, recordings, extra, selected, models, profiles, error, jobId, job, progress, result, shownProfileId,
    recording, recordingEmotion, seconds, level, recordError, examples, chosen, chosenCounts, chosenSittings,
    refresh, loadPerson, toggle, addFromDataset, startRecording, stopRecording, discard, removeRecording, start, cancel, showProfile, removeProfile,
  }
})
