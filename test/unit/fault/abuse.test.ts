/**
 * Bounded fault suite (a): 2 000 malformed or unauthenticated HTTP and WebSocket
 * requests through raw sockets against a real shell process on 127.0.0.1; the
 * server must still be alive and answer correctly. `npm run soak` runs more.
 */
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_LABEL_FILE_CHARS } from '../../../src-shared/contract/limits'
import { abuse, answersCorrectly, oversizedFrame, peakRssMiB, RawRpc, rawRequest, rendererFiles, stubRenderer } from '../../helpers/abuse'
import { startShellProcess, type ShellProcess } from '../../helpers/shell-process'

let shell: ShellProcess
let renderer: string
beforeAll(async () => {
  renderer = stubRenderer()
  shell = await startShellProcess({ renderer, fromSources: true })
})
afterAll(async () => {
  await shell?.stop()
  fs.rmSync(shell.workspace, { recursive: true, force: true })
  fs.rmSync(renderer, { recursive: true, force: true })
})

describe('the shell under abuse', () => {
  it('answers the requests that crashed it: GET /%00 and GET http://[ (plain and as an upgrade)', async () => {
    const host = `Host: 127.0.0.1:${shell.port}`
    expect(await rawRequest(shell.port, `GET /%00 HTTP/1.1\r\n${host}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 404/)
    expect(await rawRequest(shell.port, `GET /assets/%00.js HTTP/1.1\r\n${host}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 404/)
    expect(await rawRequest(shell.port, `GET http://[ HTTP/1.1\r\n${host}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/)
    const upgrade =
      `GET http://[ HTTP/1.1\r\n${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'
    expect(await rawRequest(shell.port, upgrade)).toMatch(/^HTTP\/1\.1 40[01]/)
    expect(shell.child.exitCode).toBeNull()
    expect(await answersCorrectly(shell.port, shell.token)).toEqual({ page: 'HTTP/1.1 200 OK', refused: 'HTTP/1.1 401 Unauthorized', echo: 'still here' })
  })

  it('survives 2 000 hostile requests and 200 hostile frames, then answers correctly', async () => {
    const figures = await abuse(shell.port, shell.token, { n: 2000, seed: 'unit', concurrency: 16, frames: 200, rendererFiles: rendererFiles(renderer) })
    console.log(
      `abuse: ${figures.requests} requests, ${figures.frames} frames; by status ${JSON.stringify(figures.byStatus)}; ` +
        `peak RSS ${peakRssMiB(shell.child.pid!)?.toFixed(0)} MiB`,
    )
    expect(figures.requests).toBe(2000)
    expect(Object.keys(figures.byKind).length).toBeGreaterThanOrEqual(14)
    // nothing was served that should not be: a 200 only ever carries one of the renderer's own files
    expect(figures.leaked).toBe(0)
    expect(shell.child.exitCode).toBeNull()
    expect(await answersCorrectly(shell.port, shell.token)).toEqual({ page: 'HTTP/1.1 200 OK', refused: 'HTTP/1.1 401 Unauthorized', echo: 'still here' })
    expect(shell.output()).not.toMatch(/uncaught exception|unhandled rejection/)
  })

  it('closes a WebSocket whose message is over the limit (1009), and keeps serving others', async () => {
    expect(await oversizedFrame(shell.port, shell.token)).toBe(1009)
    expect((await answersCorrectly(shell.port, shell.token)).echo).toBe('still here')
  })

  it('the largest input the contract allows gets through the WebSocket (the limits agree); one character more is refused by name', async () => {
    const rpc = await RawRpc.open(shell.port, shell.token)
    try {
      // worst case for JSON: control characters, 6 bytes each once escaped
      const text = '\u0001'.repeat(MAX_LABEL_FILE_CHARS)
      const input = { format: 'csv', text, datasetId: 999, annotator: 'ann', requestId: 'big-00000001' }
      await expect(rpc.call('mutation', 'labels.import', input)).rejects.toThrow(/no dataset with id 999/)
      await expect(rpc.call('mutation', 'labels.import', { ...input, text: text + 'x' })).rejects.toThrow(/a label file is at most 8000000 characters/)
    } finally {
      rpc.close()
    }
  })
})
