import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, errorMessage } from '../api/client'

type Doctor = Awaited<ReturnType<typeof api.system.doctor.query>>

/** What the status bar and the About panel show: backend, workspace, versions; and who is annotating. */
export const useSystemStore = defineStore('system', () => {
  const doctor = ref<Doctor | null>(null)
  const error = ref<string | null>(null)
  const annotator = ref<string>('')

  async function load(): Promise<void> {
    try {
      doctor.value = await api.system.doctor.query()
      annotator.value = ((await api.system.settings.get.query({ key: 'annotator' })) as string | null) ?? ''
      error.value = null
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  async function setAnnotator(name: string): Promise<void> {
    const trimmed = name.trim()
    await api.system.settings.set.mutate({ key: 'annotator', value: trimmed })
    annotator.value = trimmed
  }

  return { doctor, error, annotator, load, setAnnotator }
})
