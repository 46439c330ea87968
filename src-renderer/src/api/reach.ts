/**
 * Whether this page can still reach its server, and why not. The browser shell gets a new
 * random token every run: after a restart a page at the old address (or reloaded there) is
 * refused, which a WebSocket cannot tell from a server that is down. While the connection is
 * not open the page asks `/token-check` with its token: 401 means the app was restarted and
 * the new address (printed in the terminal) must be opened; no answer means it is not running.
 * In Electron there is no token (IPC): the window is reloaded with the app, nothing to ask.
 */
import { ref, watch } from 'vue'
import { connectionState, transport } from './client'

export type Reach = 'open' | 'restarted' | 'unreachable' | 'checking'
export const reach = ref<Reach>(transport === 'electron' ? 'open' : 'checking')

const PROBE_MS = 2000
let timer: ReturnType<typeof setTimeout> | null = null
/** Read fresh each time: the socket may open while the probe waits for its answer. */
const isOpen = (): boolean => connectionState.value === 'open'

async function probe(): Promise<void> {
  timer = null
  if (isOpen()) return void (reach.value = 'open')
  const token = sessionStorage.getItem('ser-token') ?? ''
  try {
    const r = await fetch(`/token-check?token=${encodeURIComponent(token)}`, { cache: 'no-store' })
    // 200: the token opens this server, the socket is only (re)connecting
    reach.value = isOpen() ? 'open' : r.status === 401 ? 'restarted' : 'checking'
  } catch {
    reach.value = isOpen() ? 'open' : 'unreachable'
  }
  if (!isOpen()) timer = setTimeout(() => void probe(), PROBE_MS)
}

/** Starts watching (App.vue, once). */
export function watchReach(): void {
  if (transport === 'electron') return
  watch(
    connectionState,
    (s) => {
      if (s === 'open') {
        reach.value = 'open'
        if (timer) clearTimeout(timer)
        timer = null
      } else if (!timer) timer = setTimeout(() => void probe(), s === 'closed' ? 0 : PROBE_MS)
    },
    { immediate: true },
  )
}
