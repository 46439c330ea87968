import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api } from '../api/client'
import { makeGuard } from './guard'

type Doctor = Awaited<ReturnType<typeof api.system.doctor.query>>

/** What the status bar and the About panel show: backend, workspace, versions; and who is annotating. */
export const useSystemStore = defineStore('system', () => {
  const doctor = ref<Doctor | null>(null)
  const error = ref<string | null>(null)
  const annotator = ref<string>('')

  const guard = makeGuard(error)

  async function load(): Promise<void> {
    await guard(async () => {
      doctor.value = await api.system.doctor.query()
      annotator.value = ((await api.system.settings.get.query({ key: 'annotator' })) as string | null) ?? ''
    })
  }

  async function setAnnotator(name: string): Promise<void> {
    const trimmed = name.trim()
    await api.system.settings.set.mutate({ key: 'annotator', value: trimmed })
    annotator.value = trimmed
  }

  return { doctor, error, annotator, load, setAnnotator }
})
