/** The shell's port: the workspace's last one when free (so open pages reconnect after a restart), --port when given. */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { lastShellPort, rememberShellPort, workspaceId } from '../../../src-main/api/workspace-identity'
import { listenPreferred, PortBusyError } from '../../../src-main/shell/listen'
import { stubRenderer } from '../../helpers/abuse'
import { startShellProcess } from '../../helpers/shell-process'
import { tempWorkspace } from '../../helpers/workspace'

const servers: http.Server[] = []
const server = () => {
  const s = http.createServer()
  servers.push(s)
  return s
}
afterAll(() => servers.forEach((s) => s.close()))

describe('listenPreferred', () => {
  it('takes the preferred port when free, any free port when it is busy, and refuses a busy --port', async () => {
    const a = server()
    const free = await listenPreferred(a, 0)
    await new Promise<void>((r) => a.close(() => r()))
    expect(await listenPreferred(server(), 0, free)).toBe(free)
    const other = await listenPreferred(server(), 0, free) // busy now
    expect(other).not.toBe(free)
    expect(other).toBeGreaterThan(0)
    await expect(listenPreferred(server(), free)).rejects.toThrow(PortBusyError)
    await expect(listenPreferred(server(), free)).rejects.toThrow(/port \d+ is in use: pick another with --port/)
    expect(((servers[2].address() as AddressInfo) ?? {}).port).toBe(other)
  })
})

describe('the workspace remembers its id and its shell port', () => {
  it('keeps one id, and the last port', () => {
    const ws = tempWorkspace()
    try {
      const id = workspaceId(ws)
      expect(id).toMatch(/^[0-9a-f]{32}$/)
      expect(workspaceId(ws)).toBe(id)
      expect(lastShellPort(ws)).toBeUndefined()
      rememberShellPort(ws, 45_678)
      expect(lastShellPort(ws)).toBe(45_678)
    } finally {
      ws.cleanup()
    }
  })

  it('a restarted shell process (no --port) listens where the last one did', async () => {
    const renderer = stubRenderer()
    const first = await startShellProcess({ renderer, fromSources: true })
    const { workspace, port } = first
    try {
      await first.stop()
      const second = await startShellProcess({ workspace, renderer, fromSources: true })
      expect(second.port).toBe(port)
      expect(second.token).not.toBe(first.token)
      await second.stop()
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true })
      fs.rmSync(renderer, { recursive: true, force: true })
    }
  })
})
