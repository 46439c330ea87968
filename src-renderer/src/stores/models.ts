import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, errorMessage } from '../api/client'
import type { ModelDetail } from '../../../src-shared/contract/models'

/** The model page: one model's detail, and its rename and delete (the registry refuses what it must). */
export const useModelsStore = defineStore('models', () => {
  const detail = ref<ModelDetail | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  const deleted = ref<string | null>(null)

  async function load(id: string): Promise<void> {
    loading.value = true
    deleted.value = null
    try {
      detail.value = await api.models.detail.query({ id })
      error.value = null
    } catch (err) {
      detail.value = null
      error.value = errorMessage(err)
    } finally {
      loading.value = false
    }
  }

  /** True when renamed; otherwise `error` says why (a taken name, a bad character). */
  async function rename(id: string, name: string): Promise<boolean> {
    try {
      await api.models.rename.mutate({ id, name })
      await load(id)
      return true
    } catch (err) {
      error.value = errorMessage(err)
      return false
    }
  }

  async function remove(id: string): Promise<boolean> {
    const name = detail.value?.item.name ?? id
    try {
      await api.models.remove.mutate({ id })
      detail.value = null
      deleted.value = name
      error.value = null
      return true
    } catch (err) {
      error.value = errorMessage(err)
      return false
    }
  }

  return { detail, error, loading, deleted, load, rename, remove }
})
