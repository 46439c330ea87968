import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { api, errorMessage } from '../api/client'
import { makeGuard } from './guard'
import { useJobsStore } from './jobs'
import type { EpochPoint } from '../../../src-shared/contract/models'

type ModelItem = Awaited<ReturnType<typeof api.models.list.query>>[number]
type Run = Awaited<ReturnType<typeof api.models.runs.query>>[number]
type TrainRequest = Parameters<typeof api.models.train.mutate>[0]
type ShotQuery = Parameters<typeof api.models.shotBudget.query>[0]
type ShotBudget = Awaited<ReturnType<typeof api.models.shotBudget.query>>
export type { EpochPoint }

const PHASES = new Set(['pretrain', 'finetune'])

/**
 * Models, training runs, and the learning curve of the latest run. The curve the view draws
 * is the run's own per-epoch record on the server (kept in its training_runs row), topped up
 * by the epochs the job reports as they finish, so it is the same after leaving the view,
 * after a reload, and after the run ended.
 */
export const useTrainStore = defineStore('train', () => {
  const jobs = useJobsStore()
  const models = ref<ModelItem[]>([])
  const runs = ref<Run[]>([])
  const error = ref<string | null>(null)
  const jobId = ref<string | null>(null)
  const liveEpochs = ref<EpochPoint[]>([])
  const budget = ref<ShotBudget | null>(null)
  const budgetError = ref<string | null>(null)

  const job = computed(() => (jobId.value ? jobs.byId[jobId.value] ?? null : null))
  // After a reload the page has no job id: a training job still running on the server is the one shown.
  watch(
    () => jobs.running.find((j) => j.kind === 'train')?.id,
    (id) => {
      if (id && !job.value) jobId.value = id
    },
    { immediate: true },
  )

  // Each progress update of a training job carries the epoch just finished (or null).
  watch(
    () => job.value?.detail,
    (detail) => {
      // the job's typed detail (src-shared/contract/jobs.ts JobDetail) names the phase
      if (detail?.kind !== 'train' || !detail.epoch) return
      const e = detail.epoch
      const phase = PHASES.has(detail.phase) ? (detail.phase as EpochPoint['phase']) : undefined
      const last = liveEpochs.value.at(-1)
      if (last && last.epoch === e.epoch && last.phase === phase) return
      const point = {
        epoch: e.epoch,
        epochs: e.epochs ?? e.epoch,
        trainLoss: e.trainLoss,
        valLoss: e.valLoss ?? null,
        valAccuracy: e.valAccuracy ?? null,
        pairsPerSecond: e.pairsPerSecond ?? 0,
        phase,
      }
      liveEpochs.value = [...liveEpochs.value.filter((q) => q.phase !== phase || q.epoch < point.epoch), point]
    },
  )
  watch(
    () => job.value?.state,
    (state) => {
      if (state) void refresh()
    },
  )

  // Runs up to this id are older than the job this page started (their curves are not its).
  const olderThan = ref(0)
  const resumed = ref<number | null>(null)
  /** The run the curves belong to: the one resumed here, else the newest unless it predates the job started here. */
  const shownRun = computed(() => {
    if (resumed.value !== null) return runs.value.find((r) => r.id === resumed.value) ?? null
    const r = runs.value[0] ?? null
    return r && r.id > olderThan.value ? r : null
  })
  const curves = computed<EpochPoint[]>(() => {
    const key = (p: EpochPoint) => `${p.phase}:${p.epoch}`
    const live = new Set(liveEpochs.value.map(key))
    const rank = (p: EpochPoint) => (p.phase === 'finetune' ? 1 : 0)
    // the run's saved record (all of it after a reload or once it ended) plus what arrived since
    const saved = (shownRun.value?.history ?? []).filter((p) => !live.has(key(p)))
    return [...saved, ...liveEpochs.value].sort((a, b) => rank(a) - rank(b) || a.epoch - b.epoch)
  })

  const guard = makeGuard(error)

  async function refresh(): Promise<void> {
    await guard(async () => {
      ;[models.value, runs.value] = await Promise.all([api.models.list.query(), api.models.runs.query()])
    })
  }

  let budgetAsk = 0
  /** What the chosen datasets allow for shots (null: nothing chosen); the server checks it again at Start. */
  async function checkShots(q: ShotQuery | null): Promise<void> {
    const ask = ++budgetAsk
    if (!q) {
      budget.value = null
      budgetError.value = null
      return
    }
    try {
      const b = await api.models.shotBudget.query(q)
      if (ask !== budgetAsk) return
      budget.value = b
      budgetError.value = null
    } catch (err) {
      if (ask !== budgetAsk) return
      budget.value = null
      budgetError.value = errorMessage(err)
    }
  }

  async function start(req: TrainRequest): Promise<void> {
    liveEpochs.value = []
    olderThan.value = Math.max(0, ...runs.value.map((r) => r.id))
    resumed.value = null
    await guard(async () => {
      jobId.value = (await api.models.train.mutate(req)).jobId
      await refresh()
    })
  }

  /** Restarts an interrupted, failed or cancelled run from its checkpoint folder (same settings). */
  async function resume(runId: number): Promise<void> {
    liveEpochs.value = []
    resumed.value = runId
    await guard(async () => {
      jobId.value = (await api.models.resume.mutate({ runId })).jobId
      await refresh()
    })
  }

  async function cancel(): Promise<void> {
    if (jobId.value) await jobs.cancel(jobId.value)
  }

  return { models, runs, error, job, jobId, liveEpochs, curves, shownRun, budget, budgetError, refresh, checkShots, start, resume, cancel }
})
