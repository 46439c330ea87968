/**
 * The Label view's state (services/labels behind it). Every write goes through one ordered queue
 * (stores/write-queue.ts, with the calls and the storage of components/label/saveQueue.ts): an
 * operation is shown as "saving" until its mutation resolves (the server has committed it to
 * SQLite) and "unsaved" while the server cannot be reached (retried in order; the request id
 * makes a retry safe; the queue is kept in localStorage across reloads); one the server refuses
 * leaves the queue and its error is shown. Only a server answer makes the clip list show "saved".
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { EMOTIONS, type Emotion } from '../../../src-shared/emotions'
import { api, connectionState, errorMessage } from '../api/client'
import { makeGuard } from './guard'
import { adoptStoredQueues, newRequestId, persistQueue, sendOp, type ActionResult, type Op, type OpCall } from '../components/label/saveQueue'
import { createWriteQueue } from './write-queue'
import { useJobsStore } from './jobs'
import { useSystemStore } from './system'

type LabelClip = Awaited<ReturnType<typeof api.labels.clips.query>>['clips'][number]
type Progress = Awaited<ReturnType<typeof api.labels.clips.query>>['progress']
type Label = Awaited<ReturnType<typeof api.labels.forClip.query>>[number]
type DatasetRow = Awaited<ReturnType<typeof api.datasets.list.query>>[number]
type Suggestion = Awaited<ReturnType<typeof api.labels.suggestions.query>>['suggestions'][number]
export type { Op } from '../components/label/saveQueue'
export type { OpState } from './write-queue'

export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2] as const
/** Server-side faults are retried this often before the operation is dropped and its error shown. */
const MAX_SERVER_RETRIES = 3
const BLIND_KEY = 'ser.desk.blind'
const AUTOPLAY_KEY = 'ser.desk.autoplay'

/**
 * A line under the emotion keys. An undo/redo notice belongs to the clip it changed and goes
 * when the annotator moves to another clip; the "being sent" notice goes once the queue is empty.
 */
export interface Notice {
  text: string
  clipId: number | null
  kind: 'undo' | 'resume' | 'info'
}

export const useLabelsStore = defineStore('labels', () => {
  const system = useSystemStore()
  const annotator = computed(() => system.annotator)
  /**
   * The unsent queue is keyed by the workspace's id (from the server), not by its folder
   * or by the address: localStorage is per address, and the shell reuses its port per
   * workspace, so the page after a restart finds the queue and sends it.
   */
  const workspace = ref<string | null>(null)
  const datasets = ref<DatasetRow[]>([])
  const datasetId = ref<number | null>(null)
  const status = ref<'all' | 'todo' | 'done'>('all')
  const search = ref('')
  const clips = ref<LabelClip[]>([])
  const total = ref(0)
  const progress = ref<Progress | null>(null)
  const currentId = ref<number | null>(null)
  const labels = ref<Label[]>([])
  const queue = ref<Op[]>([])
  const error = ref<string | null>(null)
  const notice = ref<Notice | null>(null)
  const speed = ref<number>(1)
  const advance = ref(true)
  /** Play each clip as soon as it is shown (Praat/ELAN habit); kept across reloads. */
  const autoplay = ref(safeStorage()?.getItem(AUTOPLAY_KEY) === '1')
  watch(autoplay, (a) => safeStorage()?.setItem(AUTOPLAY_KEY, a ? '1' : '0'))
  const undoInfo = ref<{ canUndo: string | null; canRedo: string | null }>({ canUndo: null, canRedo: null })
  const suggestions = ref<Suggestion[]>([])
  const suggestJobId = ref<string | null>(null)
  const jobs = useJobsStore()
  /** How far "label next" scoring is (0..1; null when none runs): the button shows it. */
  const suggestProgress = computed(() => (suggestJobId.value ? jobs.byId[suggestJobId.value]?.fraction ?? 0 : null))
  /** The model "label next" asks: 'default' (shipped) or a workspace model id, as models.list gives them. */
  const suggestModel = ref('default')
  const models = ref<{ id: string; name: string }[]>([])
  /** Blind mode: the corpus label and other annotators' labels are not shown (they bias the annotator); kept across reloads. */
  const blind = ref(safeStorage()?.getItem(BLIND_KEY) === '1')
  watch(blind, (b) => safeStorage()?.setItem(BLIND_KEY, b ? '1' : '0'))
  let legacyKey: string | null = null

  const current = computed(() => clips.value.find((c) => c.id === currentId.value) ?? null)
  const currentIndex = computed(() => clips.value.findIndex((c) => c.id === currentId.value))
  const mine = computed(() => labels.value.filter((l) => l.annotator === annotator.value && l.source !== 'corpus'))
  /** The labels the desk shows: in blind mode only this annotator's own. */
  const visibleLabels = computed(() => (blind.value ? mine.value : labels.value))
  /** The latest pending whole-clip operation per clip: what the list shows instead of the saved label. */
  const pendingByClip = computed(() => {
    const m = new Map<number, Op>()
    for (const op of queue.value) if (op.clipId !== null && op.wholeClip) m.set(op.clipId, op)
    return m
  })
  const unsavedCount = computed(() => queue.value.length)

  const lastDatasetKey = () => `ser.desk.dataset.${workspace.value ?? ''}`
  const guard = makeGuard(error, false)

  /** Takes over operations a reload (or a closed tab) left unsent; App.vue calls it at start, whatever the view. */
  async function resumeUnsent(): Promise<void> {
    if (!workspace.value) {
      const ident = await guard(() => api.system.workspace.query())
      if (!ident) return
      workspace.value = ident.id
      // queues stored by earlier versions, keyed by the folder
      legacyKey = ident.dir
    }
    const left = writes.restore()
    if (left) {
      notice.value = { text: `${left} unsaved change(s) from before the reload are being sent`, clipId: null, kind: 'resume' }
      void writes.drain()
    }
  }

  /** Resumes unsent work, then lists the datasets. */
  async function loadDatasets(): Promise<void> {
    await resumeUnsent()
    await guard(async () => {
      models.value = (await api.models.list.query()).map((m) => ({ id: m.id, name: m.name }))
      datasets.value = await api.datasets.list.query()
      if (datasetId.value === null && datasets.value.length) {
        // back to the dataset this annotator was on before a reload or restart
        const last = Number(safeStorage()?.getItem(lastDatasetKey()))
        datasetId.value = datasets.value.find((d) => d.id === last)?.id ?? datasets.value[0].id
      }
      else await loadClips()
    })
  }

  async function loadClips(): Promise<void> {
    const id = datasetId.value
    if (id === null || !annotator.value) return
    await guard(async () => {
      const page = await api.labels.clips.query({
        datasetId: id,
        annotator: annotator.value,
        status: status.value,
        search: search.value || undefined,
        limit: 5000,
      })
      clips.value = page.clips
      total.value = page.total
      progress.value = page.progress
      // a fresh Label view (or a reload) opens on the first clip still to do, not on one already labelled
      if (currentId.value === null || !page.clips.some((c) => c.id === currentId.value))
        currentId.value = (page.clips.find((c) => !c.mine && !c.regions) ?? page.clips[0])?.id ?? null
      error.value = null
    })
    await Promise.all([loadUndoState(), loadLabels()])
  }

  async function loadLabels(): Promise<void> {
    const id = currentId.value
    if (id === null) return void (labels.value = [])
    const got = await guard(() => api.labels.forClip.query({ clipId: id }))
    if (got && currentId.value === id) labels.value = got
  }

  async function loadUndoState(): Promise<void> {
    if (!annotator.value) return
    const s = await guard(() => api.labels.undoState.query({ annotator: annotator.value, datasetId: datasetId.value ?? undefined }))
    if (s) undoInfo.value = s
  }

  watch(datasetId, (id) => {
    if (id !== null) safeStorage()?.setItem(lastDatasetKey(), String(id))
    currentId.value = null
    suggestions.value = []
    void loadClips()
  })
  watch([status, annotator], () => void loadClips())
  watch(suggestModel, () => (suggestions.value = []))
  watch(currentId, (id) => {
    // an undo/redo notice is about its clip: moving on leaves it behind
    if (notice.value?.kind === 'undo' && notice.value.clipId !== id) notice.value = null
    void loadLabels()
  })
  // "N unsaved change(s) ... are being sent" is over once they are
  watch(unsavedCount, (n) => {
    if (n === 0 && notice.value?.kind === 'resume') notice.value = null
  })
  watch([queue, workspace], () => persistQueue(workspace.value, queue.value), { deep: true })

  /** A committed action: update the clip row and (if shown) the clip's labels. */
  function applyResult(r: ActionResult | null): void {
    if (!r) return
    if (r.clipId !== null && r.clipId === currentId.value) labels.value = r.labels
    const row = clips.value.find((c) => c.id === r.clipId)
    if (row) {
      const mineNow = r.labels.filter((l) => l.annotator === annotator.value && l.source !== 'corpus')
      row.mine = mineNow.filter((l) => l.startSec === null).at(-1)?.emotion ?? null
      row.regions = mineNow.filter((l) => l.startSec !== null).length
    }
  }

  async function refreshCounts(): Promise<void> {
    if (datasetId.value === null || !annotator.value) return
    const p = await guard(() => api.labels.progress.query({ datasetId: datasetId.value!, annotator: annotator.value }))
    if (p) progress.value = p
    await loadUndoState()
  }

  /**
   * After a reconnect, the server at this address may serve another workspace (its shell
   * took the port): the queue belongs to the workspace it was made in, so it waits.
   */
  let workspaceChecked = false
  async function sameWorkspace(): Promise<boolean> {
    if (workspaceChecked || !workspace.value) return true
    const ident = await api.system.workspace.query().catch(() => null)
    if (!ident) return false
    if (ident.id !== workspace.value) {
      error.value =
        `${queue.value.length} unsaved change(s) belong to another workspace than the one this server has open (${ident.dir}); ` +
        `they are kept and sent when that workspace's shell is back at this address`
      return false
    }
    return (workspaceChecked = true)
  }

  /**
   * Undo takes you to where the change was (always in the dataset it was made in, the one on
   * screen when Ctrl+Z was pressed); when the annotator has moved to another dataset since, the
   * notice names the dataset and clip instead of jumping there.
   */
  function undoNotice(kind: 'undo' | 'redo', inDataset: number | undefined, r: ActionResult | null): void {
    const dsName = (id: number | null | undefined) => datasets.value.find((d) => d.id === id)?.name ?? `dataset ${id}`
    if (!r) return void (notice.value = { text: `nothing to ${kind} in ${dsName(inDataset)}`, clipId: currentId.value, kind: 'undo' })
    const here = r.datasetId === datasetId.value && r.clipId !== null && clips.value.some((c) => c.id === r.clipId)
    if (here) currentId.value = r.clipId
    const where = here ? '' : ` (in ${dsName(r.datasetId)}${r.clipId !== null ? `, clip ${r.clipId}` : ''})`
    notice.value = { text: `${r.description}${where}`, clipId: here ? r.clipId : currentId.value, kind: 'undo' }
  }

  /** Sends queued operations in order; stops at the first one that could not be saved, and tries again later. */
  const writes = createWriteQueue<Op, ActionResult | null>({
    ops: queue.value,
    send: sendOp,
    storage: {
      load: () => (workspace.value ? [...adoptStoredQueues(workspace.value), ...(legacyKey ? adoptStoredQueues(legacyKey) : [])] : []),
      save: (ops) => persistQueue(workspace.value, ops),
    },
    schedule: (fn, ms) => void setTimeout(fn, ms),
    online: () => connectionState.value === 'open',
    maxServerRetries: MAX_SERVER_RETRIES,
    ready: sameWorkspace,
    saved: (op, r) => {
      applyResult(r)
      if (op.call.kind === 'undo' || op.call.kind === 'redo') undoNotice(op.call.kind, op.call.input.datasetId, r)
    },
    dropped: (op, err) => (error.value = `${op.text}: not saved: ${errorMessage(err)}`),
    idle: refreshCounts,
    describe: errorMessage,
  })
  const drain = writes.drain

  watch(connectionState, (s) => {
    if (s !== 'open') workspaceChecked = false
    // a page that could not load at all (opened at a restarted server's old address) loads now
    else if (!workspace.value || !datasets.value.length) void loadDatasets()
    else void drain().then(() => loadClips())
  })

  function enqueue(op: { clipId: number | null; text: string; wholeClip: boolean; call: OpCall }): void {
    error.value = null
    void writes.enqueue({ ...op, requestId: newRequestId() })
  }

  function labelClip(emotion: Emotion): void {
    const clipId = currentId.value
    const who = annotator.value
    if (clipId === null || !who) return
    enqueue({ clipId, text: emotion, wholeClip: true, call: { kind: 'set', input: { clipId, emotion, annotator: who } } })
    // Working down the model's list: advance to its next clip, not the next in the folder.
    if (advance.value) suggestions.value.some((s) => s.clipId === clipId) ? labelNext() : next()
  }

  function addRegion(emotion: Emotion, startSec: number, endSec: number): void {
    const clipId = currentId.value
    const who = annotator.value
    if (clipId === null || !who) return
    enqueue({ clipId, text: `${emotion} region`, wholeClip: false, call: { kind: 'set', input: { clipId, emotion, annotator: who, startSec, endSec } } })
  }

  function updateLabel(labelId: number, change: { emotion?: Emotion; startSec?: number; endSec?: number }): void {
    const l = labels.value.find((x) => x.id === labelId)
    enqueue({
      clipId: l?.clipId ?? currentId.value,
      text: change.emotion ?? 'move region',
      wholeClip: l?.startSec === null,
      call: { kind: 'update', input: { labelId, annotator: annotator.value, ...change } },
    })
  }

  function removeLabel(labelId: number): void {
    const l = labels.value.find((x) => x.id === labelId)
    enqueue({
      clipId: l?.clipId ?? currentId.value,
      text: 'remove',
      wholeClip: l?.startSec === null,
      call: { kind: 'remove', input: { labelId, annotator: annotator.value } },
    })
  }

  /** Undo and redo reach only the dataset on screen (the server keeps each action's dataset). */
  function undo(): void {
    if (annotator.value && datasetId.value !== null)
      enqueue({ clipId: null, text: 'undo', wholeClip: false, call: { kind: 'undo', input: { annotator: annotator.value, datasetId: datasetId.value } } })
  }
  function redo(): void {
    if (annotator.value && datasetId.value !== null)
      enqueue({ clipId: null, text: 'redo', wholeClip: false, call: { kind: 'redo', input: { annotator: annotator.value, datasetId: datasetId.value } } })
  }

  function select(id: number): void {
    currentId.value = id
  }
  function next(): void {
    const i = currentIndex.value
    if (i >= 0 && i < clips.value.length - 1) currentId.value = clips.value[i + 1].id
  }
  function previous(): void {
    const i = currentIndex.value
    if (i > 0) currentId.value = clips.value[i - 1].id
  }
  function changeSpeed(step: -1 | 0 | 1): void {
    const i = SPEEDS.indexOf(speed.value as (typeof SPEEDS)[number])
    speed.value = step === 0 ? 1 : SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, (i < 0 ? 2 : i) + step))]
  }

  /** Scores the unlabelled clips with the model (a job: progress and cancel in the status bar). */
  async function suggest(): Promise<void> {
    if (datasetId.value === null || suggestJobId.value) return
    suggestions.value = []
    const started = await guard(() =>
      api.labels.suggest.mutate({ datasetId: datasetId.value!, annotator: annotator.value, count: 20, modelId: suggestModel.value }),
    )
    if (!started) return
    suggestJobId.value = started.jobId
    const r = await guard(() => api.labels.suggestions.query({ jobId: started.jobId }))
    suggestJobId.value = null
    if (!r) return
    suggestions.value = r.suggestions
    notice.value = {
      text: `${r.model}: ${r.scored} unlabelled clip(s) scored${r.cached ? ` (${r.cached} from the score cache)` : ''}; least sure first`,
      clipId: null,
      kind: 'info',
    }
    if (r.suggestions.length) {
      if (!clips.value.some((c) => c.id === r.suggestions[0].clipId)) status.value = 'all'
      currentId.value = r.suggestions[0].clipId
    }
  }

  /** "Label next": the next suggested clip still unlabelled (scoring first when there is no list yet). */
  function labelNext(): void {
    const done = (id: number) => {
      const c = clips.value.find((x) => x.id === id)
      return !!c && (c.mine !== null || c.regions > 0 || pendingByClip.value.has(id))
    }
    suggestions.value = suggestions.value.filter((s) => !done(s.clipId))
    const s = suggestions.value.find((x) => x.clipId !== currentId.value) ?? suggestions.value[0]
    if (s) currentId.value = s.clipId
    else void suggest()
  }

  return {
    EMOTIONS, datasets, datasetId, status, search, clips, total, progress, currentId, current, currentIndex, labels, mine, visibleLabels, blind, queue,
    pendingByClip, unsavedCount, error, notice, speed, advance, autoplay, undoInfo, suggestions, suggestJobId, suggestProgress, suggestModel, models, annotator,
    resumeUnsent, loadDatasets, loadClips, loadLabels, labelClip, addRegion, updateLabel, removeLabel, undo, redo, select, next, previous,
    changeSpeed, suggest, labelNext, drain,
  }
})

/** localStorage, or null where the page may not use it (then the Label view simply starts on the first dataset). */
function safeStorage(): Storage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}
