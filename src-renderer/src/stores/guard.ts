import type { Ref } from 'vue'
import { errorMessage } from '../api/client'

/**
 * Runs a call to main and turns a failure into the store's error line (the view shows it)
 * instead of an unhandled rejection; resolves to undefined then. `clearFirst` empties the
 * line before the call (forms), the Label view keeps it until the next success clears it itself.
 */
export function makeGuard(error: Ref<string | null>, clearFirst = true) {
  return async function guard<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      if (clearFirst) error.value = null
      return await fn()
    } catch (err) {
      error.value = errorMessage(err)
      return undefined
    }
  }
}
