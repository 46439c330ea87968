import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { api, errorMessage } from '../api/client'
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

  async function refresh(): Promise<void> {
    try {
      runs.value = await api.experiments.list.query()
      error.value = null
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  async function select(id: number | null): Promise<void> {
    selectedId.value = id
    reportHtml.value = null
    detail.value = null
    detailError.value = null
    if (id === null) return
    try {
      const d = await api.experiments.detail.query({ id })
      if (selectedId.value === id) detail.value = d
    } catch (err) {
      if (selectedId.value === id) detailError.value = errorMessage(err)
    }
  }

  async function openReport(): Promise<void> {
    if (selectedId.value === null) return
    try {
      reportHtml.value = (await api.experiments.report.query({ id: selectedId.value })).html
    } catch (err) {
      detailError.value = errorMessage(err)
    }
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
    try {
      error.value = null
      const r = await api.experiments.start.mutate(req)
      jobId.value = r.jobId
      lastOut.value = r.out
      await refresh()
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  async function cancel(): Promise<void> {
    if (jobId.value) await jobs.cancel(jobId.value)
  }

  return { runs, error, job, jobId, running, selectedId, detail, detailError, reportHtml, refresh, select, openReport, start, cancel }
})
