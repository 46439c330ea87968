import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api } from '../api/client'
import { makeGuard } from './guard'
import type { ModelDetail } from '../../../src-shared/contract/models'

/** The model page: one model's detail, and its rename and delete (the registry refuses what it must). */
export const useModelsStore = defineStore('models', () => {
  const detail = ref<ModelDetail | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  const deleted = ref<string | null>(null)
  // the error line stays until a call succeeds (rename keeps showing why the last one failed)
  const guard = makeGuard(error, false)

  async function load(id: string): Promise<void> {
    loading.value = true
    deleted.value = null
    const d = await guard(() => api.models.detail.query({ id }))
    detail.value = d ?? null
    if (d) error.value = null
    loading.value = false
  }

  /** True when renamed; otherwise `error` says why (a taken name, a bad character). */
  async function rename(id: string, name: string): Promise<boolean> {
    const ok = await guard(async () => {
      await api.models.rename.mutate({ id, name })
      await load(id)
      return true
    })
    return ok ?? false
  }

  async function remove(id: string): Promise<boolean> {
    const name = detail.value?.item.name ?? id
    const ok = await guard(async () => {
      await api.models.remove.mutate({ id })
      detail.value = null
      deleted.value = name
      error.value = null
      return true
    })
    return ok ?? false
  }

  return { detail, error, loading, deleted, load, rename, remove }
})
