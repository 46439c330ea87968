import Database from 'better-sqlite3'
import http from 'node:http'
import path from 'node:path'
import WebSocket from 'ws'
import { expect, test } from './fixtures'
import { annotatorSurvivesReload, echoRoundTrip, malformedPayloadIsRejected, visitEveryView } from './suites/app-checks'

function wsStatus(url: string, headers: Record<string, string> = {}): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.on('open', () => {
      ws.close()
      resolve('open')
    })
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('error', () => undefined)
  })
}

test.describe('browser shell foundation', () => {
  test('the app loads and every view is reachable', async ({ app }) => {
    await visitEveryView(app, 'shell')
    await expect(app.getByTestId('connection')).toContainText('browser shell')
  })

  test('an IPC round trip reaches the real SQLite database and back', async ({ app, shell }) => {
    await annotatorSurvivesReload(app, 'Ada Annotator')
    const echoed = await echoRoundTrip(app, 'hello from the renderer')
    expect(echoed.text).toBe('hello from the renderer')
    // Read the workspace database directly: the value really is on disk.
    const db = new Database(path.join(shell.workspace, 'workspace.sqlite'), { readonly: true })
    const rows = Object.fromEntries(
      (db.prepare('SELECT key, value_json FROM settings').all() as { key: string; value_json: string }[]).map((r) => [r.key, JSON.parse(r.value_json)]),
    )
    db.close()
    expect(rows).toMatchObject({ annotator: 'Ada Annotator', echo: 'hello from the renderer' })
  })

  test('requests with a wrong or missing token are refused', async ({ shell, browser }) => {
    const base = `ws://127.0.0.1:${shell.port}/trpc`
    expect(await wsStatus(`${base}?token=${shell.token}`)).toBe('open')
    expect(await wsStatus(base)).toBe(401)
    expect(await wsStatus(`${base}?token=wrong`)).toBe(401)
    expect(await wsStatus(`${base}?token=${shell.token}`, { Origin: 'http://evil.example' })).toBe(401)
    const media = await fetch(`${shell.origin}/media/clip/1`)
    expect(media.status).toBe(401)
    // DNS rebinding: a request naming another host is refused (fetch cannot set Host, http can).
    const rebound = await new Promise<number>((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port: shell.port, path: '/', headers: { Host: 'attacker.example' } }, (res) => resolve(res.statusCode ?? 0))
        .on('error', reject),
    )
    expect(rebound).toBe(421)
    // A page opened without the token explains what to do and shows no data.
    const page = await browser.newPage()
    await page.goto(`${shell.origin}/`)
    await expect(page.getByTestId('access-error')).toContainText('No access token')
    await expect(page.getByTestId('status-bar')).toHaveCount(0)
    await page.close()
  })

  test('a malformed payload gets a validation error and the app keeps working', async ({ app, shell }) => {
    await malformedPayloadIsRejected(app)
    // A raw frame that is not even JSON-RPC: the server answers with an error and stays up.
    const reply = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/trpc?token=${shell.token}`)
      ws.on('open', () => ws.send('{"id":1,"method":"query","params":{"path":"system.doctor","input":'))
      ws.on('message', (m) => {
        ws.close()
        resolve(m.toString())
      })
      ws.on('error', reject)
    })
    expect(reply).toMatch(/PARSE_ERROR|BAD_REQUEST|error/i)
    await expect(app.getByTestId('connection')).toContainText('open')
    expect((await echoRoundTrip(app, 'after garbage')).text).toBe('after garbage')
  })

  test('the page carries a strict Content-Security-Policy', async ({ shell }) => {
    const res = await fetch(shell.url.split('#')[0])
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/)
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-eval'/)
  })
})
