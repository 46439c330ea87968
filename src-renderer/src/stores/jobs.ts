import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, errorMessage } from '../api/client'
import type { JobInfo } from '../../../src-shared/contract/jobs'
import { makeGuard } from './guard'

/** Background jobs (import, features, training, experiments), kept live by a subscription. */
export const useJobsStore = defineStore('jobs', () => {
  const byId = ref<Record<string, JobInfo>>({})
  const error = ref<string | null>(null)
  let started = false

  function start(): void {
    if (started) return
    started = true
    api.jobs.updates.subscribe(undefined, {
      onData: (job) => {
        byId.value = { ...byId.value, [job.id]: job as JobInfo }
      },
      onError: (err) => {
        error.value = errorMessage(err)
      },
    })
  }

  const all = computed(() => Object.values(byId.value).sort((a, b) => b.startedAt.localeCompare(a.startedAt)))
  const running = computed(() => all.value.filter((j) => j.state === 'running'))

  const guard = makeGuard(error)

  async function cancel(id: string): Promise<void> {
    await guard(() => api.jobs.cancel.mutate({ id }))
  }

  return { byId, all, running, error, start, cancel }
})
