/**
 * Export and import of the Label view's labels (TransferPanel): a clip's TextGrid or Audacity
 * track, a dataset's CSV or JSON. A failure goes to the desk's error line (the store's guard).
 */
import { toRef } from 'vue'
import { api } from '../../api/client'
import { makeGuard } from '../../stores/guard'
import type { useLabelsStore } from '../../stores/labels'
import { newRequestId } from './saveQueue'

export type TransferFormat = 'csv' | 'json' | 'textgrid' | 'audacity'
type Store = ReturnType<typeof useLabelsStore>

function target(store: Store, format: TransferFormat): { clipId: number } | { datasetId: number } | null {
  const perClip = format === 'textgrid' || format === 'audacity'
  if (perClip) return store.currentId === null ? null : { clipId: store.currentId }
  return store.datasetId === null ? null : { datasetId: store.datasetId }
}

const guardOf = (store: Store) => makeGuard(toRef(store, 'error'), false)

export async function exportLabels(
  store: Store,
  format: TransferFormat,
): Promise<{ filename: string; mimeType: string; text: string; labels: number } | undefined> {
  const t = target(store, format)
  if (!t) return
  const annotator = format === 'audacity' ? store.annotator : undefined
  return guardOf(store)(() => api.labels.export.query({ format, ...t, annotator }))
}

export async function importLabels(store: Store, format: TransferFormat, text: string): Promise<string | null> {
  const t = target(store, format)
  if (!t) return null
  const r = await guardOf(store)(() => api.labels.import.mutate({ format, text, annotator: store.annotator, requestId: newRequestId(), ...t }))
  if (!r) return null
  await store.loadClips()
  return `${r.added} label(s) added, ${r.unchanged} already there`
}
