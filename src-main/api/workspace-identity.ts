/**
 * What a workspace remembers about itself in its `settings` table, under keys the
 * renderer cannot write (system.settings.set refuses the `internal.` prefix):
 * - a random id, so the Label view's unsent queue is keyed by the workspace, not by the
 *   folder it happens to be in or the address the shell happens to have;
 * - the browser shell's last port, reused when free, so a page left open across a
 *   restart finds the server again (and sends what it could not send before).
 */
import crypto from 'node:crypto'
import type { Workspace } from '../services/store/workspace'
import { readSetting, writeSetting } from '../services/store/settings'

export const INTERNAL_PREFIX = 'internal.'
const ID_KEY = 'internal.workspace_id'
const PORT_KEY = 'internal.shell_port'

function read(ws: Workspace, key: string): unknown {
  return readSetting(ws.db, key)
}

function write(ws: Workspace, key: string, value: unknown, replace: boolean): void {
  writeSetting(ws.db, key, value, replace)
}

/** The workspace's id, created on first use (32 hex digits). */
export function workspaceId(ws: Workspace): string {
  const have = read(ws, ID_KEY)
  if (typeof have === 'string' && /^[0-9a-f]{32}$/.test(have)) return have
  write(ws, ID_KEY, crypto.randomBytes(16).toString('hex'), typeof have !== 'undefined')
  return read(ws, ID_KEY) as string
}

export function lastShellPort(ws: Workspace): number | undefined {
  const p = read(ws, PORT_KEY)
  return typeof p === 'number' && Number.isInteger(p) && p > 1023 && p < 65536 ? p : undefined
}

export function rememberShellPort(ws: Workspace, port: number): void {
  write(ws, PORT_KEY, port, true)
}
