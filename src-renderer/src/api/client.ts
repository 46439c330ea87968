/**
 * The renderer's only door to the main process: a typed tRPC client over
 * Electron IPC (when the preload exposed it) or over the browser shell's
 * loopback WebSocket (token from the URL fragment, kept for the tab's life).
 */
import { createTRPCClient, createWSClient, wsLink, type TRPCClient } from '@trpc/client'
import { ipcLink } from 'trpc-electron/renderer'
import { ref } from 'vue'
import type { AppRouter } from '../../../src-shared/contract/router'

export type Transport = 'electron' | 'websocket'
export const transport: Transport = window.electronTRPC ? 'electron' : 'websocket'

/** 'open' | 'connecting' | 'closed', shown in the status bar. */
export const connectionState = ref<'open' | 'connecting' | 'closed'>(transport === 'electron' ? 'open' : 'connecting')

function shellToken(): string | null {
  // Read before the router rewrites the fragment; kept in sessionStorage for reloads.
  const token = /token=([A-Za-z0-9_-]+)/.exec(location.hash)?.[1] ?? sessionStorage.getItem('ser-token')
  if (token) sessionStorage.setItem('ser-token', token)
  return token
}

// After a restart the shell has a new token. Opening its new address in this tab changes only
// the fragment (no reload), so take the token from there too: the next reconnect uses it, and
// the labels still queued in this page are sent. popstate, registered before the router's own
// listener: by hashchange time the router has already rewritten the fragment.
if (transport === 'websocket') for (const ev of ['popstate', 'hashchange']) window.addEventListener(ev, () => void shellToken())

/** Set when the page cannot talk to the server at all; main.ts shows it instead of the app. */
export const accessProblem: string | null =
  transport === 'websocket' && !shellToken() ? 'No access token. Open the full address printed by `npm start` (it ends with #token=…).' : null

function createClient(): TRPCClient<AppRouter> {
  if (transport === 'electron') return createTRPCClient<AppRouter>({ links: [ipcLink()] })
  const wsClient = createWSClient({
    // a function: every (re)connect uses the latest token
    url: () => `ws://${location.host}/trpc?token=${encodeURIComponent(shellToken() ?? '')}`,
    onOpen: () => (connectionState.value = 'open'),
    onClose: () => (connectionState.value = 'closed'),
    retryDelayMs: (attempt) => Math.min(5000, 250 * 2 ** attempt),
    lazy: accessProblem ? { enabled: true, closeMs: 0 } : undefined,
  })
  return createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] })
}

export const api = createClient()
window.__serApi = api

/** URL the <audio> element and wavesurfer can load a clip from, on either transport. */
export function clipAudioUrl(clipId: number): string {
  if (transport === 'electron') return `ser-media://clip/${clipId}`
  return `/media/clip/${clipId}?token=${encodeURIComponent(sessionStorage.getItem('ser-token') ?? '')}`
}

/** A readable message from any error the client throws (validation issues included). */
export function errorMessage(err: unknown): string {
  const e = err as { message?: string; data?: { validation?: string[] | null } }
  if (e?.data?.validation?.length) return `invalid request: ${e.data.validation.join('; ')}`
  return e?.message ?? String(err)
}
