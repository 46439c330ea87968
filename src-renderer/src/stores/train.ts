import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { api } from '../api/client'
import { makeGuard } from './guard'
import { useJobsStore } from './jobs'

type ModelItem = Awaited<ReturnType<typeof api.models.list.query>>[number]
type Run = Awaited<ReturnType<typeof api.models.runs.query>>[number]
type TrainRequest = Parameters<typeof api.models.train.mutate>[0]
export interface EpochPoint {
  epoch: number
  trainLoss: number
  valLoss: number | null
  valAccuracy: number | null
  phase: string
}

/** Models, training runs, and the live learning curve of the training in progress. */
export const useTrainStore = defineStore('train', () => {
  const jobs = useJobsStore()
  const models = ref<ModelItem[]>([])
  const runs = ref<Run[]>([])
  const error = ref<string | null>(null)
  const jobId = ref<string | null>(null)
  const liveEpochs = ref<EpochPoint[]>([])

  const job = computed(() => (jobId.value ? jobs.byId[jobId.value] ?? null : null))

  // Each progress update of a training job carries the epoch just finished (or null).
  watch(
    () => job.value?.detail,
    (detail) => {
      if (detail?.kind !== 'train' || !detail.epoch) return
      const { phase, epoch: e } = detail
      const last = liveEpochs.value.at(-1)
      if (last && last.epoch === e.epoch && last.phase === phase) return
      liveEpochs.value = [...liveEpochs.value, { epoch: e.epoch, trainLoss: e.trainLoss, valLoss: e.valLoss ?? null, valAccuracy: e.valAccuracy ?? null, phase }]
    },
  )
  watch(
    () => job.value?.state,
    (state) => {
      if (state) void refresh()
    },
  )

  const guard = makeGuard(error)

  async function refresh(): Promise<void> {
    await guard(async () => {
      ;[models.value, runs.value] = await Promise.all([api.models.list.query(), api.models.runs.query()])
    })
  }

  async function start(req: TrainRequest): Promise<void> {
    liveEpochs.value = []
    await guard(async () => {
      jobId.value = (await api.models.train.mutate(req)).jobId
    })
  }

  /** Restarts an interrupted, failed or cancelled run from its checkpoint folder (same settings). */
  async function resume(runId: number): Promise<void> {
    liveEpochs.value = []
    await guard(async () => {
      jobId.value = (await api.models.resume.mutate({ runId })).jobId
      await refresh()
    })
  }

  async function cancel(): Promise<void> {
    if (jobId.value) await jobs.cancel(jobId.value)
  }

  return { models, runs, error, job, jobId, liveEpochs, refresh, start, resume, cancel }
})
