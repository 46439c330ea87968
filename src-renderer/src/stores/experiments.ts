import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { api } from '../api/client'
import { makeGuard } from './guard'
import { useJobsStore } from './jobs'

type Run = Awaited<ReturnType<typeof api.experiments.list.query>>[number]
type Detail = Awaited<ReturnType<typeof api.experiments.detail.query>>
export type StartRequest = Parameters<typeof api.experiments.start.mutate>[0]

/** Experiment runs, the one in progress (a job), and the selected run's tables, plots and report. */
export const useExperimentsStore = defineStore('experiments', () => {
  const jobs = useJobsStore()
  const runs = ref<Run[]>([])
  const error = ref<string | null>(null)
  const jobId = ref<string | null>(null)
  const selectedId = ref<number | null>(null)
  const detail = ref<Detail | null>(null)
  const detailError = ref<string | null>(null)
  const reportHtml = ref<string | null>(null)

  const job = computed(() => (jobId.value ? jobs.byId[jobId.value] ?? null : null))
  const running = computed(() => job.value?.state === 'running')
  const guard = makeGuard(error)
  const detailGuard = makeGuard(detailError)

  async function refresh(): Promise<void> {
    const r = await guard(() => api.experiments.list.query())
    if (r) runs.value = r
  }

  async function select(id: number | null): Promise<void> {
    selectedId.value = id
    reportHtml.value = null
    detail.value = null
    detailError.value = null
    if (id === null) return
    const d = await detailGuard(() => api.experiments.detail.query({ id }))
    if (d && selectedId.value === id) detail.value = d
  }

  async function openReport(): Promise<void> {
    const id = selectedId.value
    if (id === null) return
    const r = await detailGuard(() => api.experiments.report.query({ id }))
    if (r) reportHtml.value = r.html
  }

  // When the job ends (done, cancelled or failed), list the runs again and show its run.
  watch(
    () => job.value?.state,
    async (state) => {
      if (!state || state === 'running') return
      await refresh()
      const out = lastOut.value
      const run = runs.value.find((r) => r.outDir === out)
      if (run) await select(run.id)
    },
  )
  const lastOut = ref<string | null>(null)

  async function start(req: StartRequest): Promise<void> {
    const r = await guard(() => api.experiments.start.mutate(req))
    if (!r) return
    jobId.value = r.jobId
    lastOut.value = r.out
    await refresh()
  }

  async function cancel(): Promise<void> {
    if (jobId.value) await jobs.cancel(jobId.value)
  }

  return { runs, error, job, jobId, running, selectedId, detail, detailError, reportHtml, refresh, select, openReport, start, cancel }
})
