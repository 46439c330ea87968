/**
 * The Label view's write operations: each user action is an operation with a request id chosen
 * here, the tRPC call that sends it, and its storage in localStorage (so a reload or a closed tab
 * during an outage loses nothing). stores/write-queue.ts sends them in order and keeps each until
 * the server has answered, which it does only after the SQLite commit. A retry with the same
 * request id never applies twice (services/labels/requests.ts).
 */
import type { Emotion } from '../../../../src-shared/emotions'
import { api } from '../../api/client'
import type { QueuedOp } from '../../stores/write-queue'

export type ActionResult = Awaited<ReturnType<typeof api.labels.set.mutate>>

export type OpCall =
  | { kind: 'set'; input: { clipId: number; emotion: Emotion; annotator: string; startSec?: number; endSec?: number } }
  | { kind: 'update'; input: { labelId: number; annotator: string; emotion?: Emotion; startSec?: number; endSec?: number } }
  | { kind: 'remove'; input: { labelId: number; annotator: string } }
  | { kind: 'undo' | 'redo'; input: { annotator: string; datasetId?: number } }

export interface Op extends QueuedOp {
  clipId: number | null
  /** what the user sees while it is pending, e.g. "angry" or "undo" */
  text: string
  wholeClip: boolean
  call: OpCall
}

export function newRequestId(): string {
  const b = crypto.getRandomValues(new Uint8Array(12))
  return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function sendOp(op: Op): Promise<ActionResult | null> {
  const requestId = op.requestId
  const c = op.call
  switch (c.kind) {
    case 'set':
      return api.labels.set.mutate({ ...c.input, requestId })
    case 'update':
      return api.labels.update.mutate({ ...c.input, requestId })
    case 'remove':
      return api.labels.remove.mutate({ ...c.input, requestId })
    case 'undo':
      return api.labels.undo.mutate({ ...c.input, requestId })
    case 'redo':
      return api.labels.redo.mutate({ ...c.input, requestId })
  }
}

// One key per workspace and tab (a tab id that survives reloads), so two open Label views never overwrite
// each other's queue, and a tab that meets another workspace's server keeps the first one's queue.
const PREFIX = 'ser-desk-queue:'
const ORPHAN_AFTER_MS = 30_000

function tabKey(workspace: string): string {
  let id = sessionStorage.getItem('ser-desk-tab')
  if (!id) sessionStorage.setItem('ser-desk-tab', (id = newRequestId()))
  return `${PREFIX}${workspace}:${id}`
}

interface Stored {
  workspace: string
  updatedAt: number
  ops: Omit<Op, 'state' | 'error'>[]
}

export function persistQueue(workspace: string | null, ops: Op[]): void {
  try {
    if (!workspace) return
    if (!ops.length) return localStorage.removeItem(tabKey(workspace))
    const stored: Stored = { workspace, updatedAt: Date.now(), ops: ops.map(({ state: _s, error: _e, ...o }) => o) }
    localStorage.setItem(tabKey(workspace), JSON.stringify(stored))
  } catch {
    // Storage full or disabled: the in-memory queue still holds the work; the page says "not saved yet".
  }
}

/**
 * Operations left by this tab before a reload, and by tabs closed with unsent work
 * (not touched for ORPHAN_AFTER_MS), for this workspace only. They are taken over:
 * their keys are removed, and they are persisted again under this tab's key.
 */
export function adoptStoredQueues(workspace: string): Op[] {
  const own = tabKey(workspace)
  const out: Op[] = []
  try {
    for (const key of Object.keys(localStorage).filter((k) => k.startsWith(PREFIX)).sort((a, b) => (a === own ? -1 : b === own ? 1 : 0))) {
      let s: Stored
      try {
        s = JSON.parse(localStorage.getItem(key) ?? '') as Stored
      } catch {
        localStorage.removeItem(key)
        continue
      }
      if (s.workspace !== workspace || (key !== own && Date.now() - s.updatedAt < ORPHAN_AFTER_MS)) continue
      out.push(...s.ops.map((o) => ({ ...o, state: 'unsaved' as const, error: null })))
      localStorage.removeItem(key)
    }
  } catch {
    // no storage: nothing to adopt
  }
  return out
}

/**
 * How many changes are waiting in this browser's storage, for any workspace and tab: what a
 * page that cannot reach its server (a restart gave the shell a new token) tells the annotator.
 */
export function storedOpCount(): number {
  const ids = new Set<string>()
  try {
    for (const key of Object.keys(localStorage).filter((k) => k.startsWith(PREFIX))) {
      try {
        for (const o of (JSON.parse(localStorage.getItem(key) ?? '') as Stored).ops) ids.add(o.requestId)
      } catch {
        // unreadable entry: adoptStoredQueues drops it
      }
    }
  } catch {
    // no storage
  }
  return ids.size
}
