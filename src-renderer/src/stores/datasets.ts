import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { api, errorMessage } from '../api/client'
import { makeGuard } from './guard'
import { useJobsStore } from './jobs'

type DatasetRow = Awaited<ReturnType<typeof api.datasets.list.query>>[number]
type Stats = Awaited<ReturnType<typeof api.datasets.stats.query>>
type ClipPage = Awaited<ReturnType<typeof api.datasets.clips.query>>
type ImportReport = Awaited<ReturnType<typeof api.datasets.importReport.query>>
type Detection = Awaited<ReturnType<typeof api.datasets.detect.query>>
type MissingAudio = Awaited<ReturnType<typeof api.datasets.missing.query>>

export const PAGE_SIZE = 50

/** Datasets in the workspace, the selected one's stats and clips, and the import in progress. */
export const useDatasetsStore = defineStore('datasets', () => {
  const jobs = useJobsStore()
  const datasets = ref<DatasetRow[]>([])
  const selectedId = ref<number | null>(null)
  const stats = ref<Stats | null>(null)
  const page = ref<ClipPage>({ total: 0, clips: [] })
  const filter = ref<{ emotion: string; speaker: string; search: string; offset: number }>({ emotion: '', speaker: '', search: '', offset: 0 })
  const error = ref<string | null>(null)
  const importJobId = ref<string | null>(null)
  const lastReport = ref<ImportReport | null>(null)
  const detection = ref<Detection | null>(null)
  /** an import that failed as a whole (shown in the import panel, where the user is looking) */
  const importError = ref<string | null>(null)
  /** per dataset: its missing audio files, 'checking' while the server stats them */
  const missing = ref<Record<number, MissingAudio | 'checking'>>({})

  const selected = computed(() => datasets.value.find((d) => d.id === selectedId.value) ?? null)
  const importJob = computed(() => (importJobId.value ? jobs.byId[importJobId.value] ?? null : null))

  const guard = makeGuard(error)
  const importGuard = makeGuard(importError)

  /** Asks the server which audio files are gone, one dataset after another; the list does not wait for it. */
  async function checkMissing(ids: number[]): Promise<void> {
    for (const id of ids) missing.value[id] = 'checking'
    for (const id of ids) {
      try {
        missing.value[id] = await api.datasets.missing.query({ datasetId: id })
      } catch (err) {
        delete missing.value[id]
        error.value = errorMessage(err)
      }
    }
  }

  async function refresh(): Promise<void> {
    await guard(async () => {
      datasets.value = await api.datasets.list.query()
      void checkMissing(datasets.value.map((d) => d.id))
      if (selectedId.value === null && datasets.value.length) selectedId.value = datasets.value[0].id
      if (selectedId.value !== null) await loadSelected()
    })
  }

  async function loadSelected(): Promise<void> {
    const id = selectedId.value
    if (id === null) return
    await guard(async () => {
      const [s, p] = await Promise.all([
        api.datasets.stats.query({ datasetId: id }),
        api.datasets.clips.query({
          datasetId: id,
          emotion: filter.value.emotion || undefined,
          speaker: filter.value.speaker || undefined,
          search: filter.value.search || undefined,
          limit: PAGE_SIZE,
          offset: filter.value.offset,
        }),
      ])
      stats.value = s
      page.value = p
    })
  }

  watch(selectedId, () => {
    filter.value = { emotion: '', speaker: '', search: '', offset: 0 }
    void loadSelected()
  })

  async function detect(dir: string): Promise<void> {
    detection.value = (await importGuard(() => api.datasets.detect.query({ dir }))) ?? null
  }

  async function startImport(dir: string, name?: string): Promise<void> {
    lastReport.value = null
    const started = await importGuard(() => api.datasets.import.mutate({ dir, name: name || undefined }))
    if (!started) return
    importJobId.value = started.jobId
    const report = await importGuard(() => api.datasets.importReport.query({ jobId: started.jobId }))
    if (report) {
      lastReport.value = report
      selectedId.value = report.datasetId
    }
    importJobId.value = null
    await refresh()
  }

  async function cancelImport(): Promise<void> {
    if (importJobId.value) await jobs.cancel(importJobId.value)
  }

  return {
    datasets,
    selectedId,
    selected,
    stats,
    page,
    filter,
    error,
    importJob,
    importJobId,
    lastReport,
    detection,
    importError,
    missing,
    refresh,
    loadSelected,
    detect,
    startImport,
    cancelImport,
  }
})
