/// <reference lib="dom" />
/**
 * The same app checks against a real Electron. This project (playwright.config.ts)
 * exists only when an Electron binary is installed; scripts/test-all.mjs prints
 * plainly when it was not run.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test'
import { findElectronBinary } from '../../src-main/services/system/environment'
import { annotatorSurvivesReload, malformedPayloadIsRejected, visitEveryView } from './suites/app-checks'

let app: ElectronApplication
let page: Page
let workspace: string

test.beforeAll(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-electron-ws-'))
  // Chromium refuses to run as root with its OS sandbox; the renderer's own sandbox option stays on.
  const rootArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : []
  app = await electron.launch({
    executablePath: findElectronBinary()!,
    args: [...rootArgs, path.resolve('out/main/index.js'), '--workspace', workspace],
  })
  page = await app.firstWindow()
  await page.getByTestId('connection').filter({ hasText: 'open' }).waitFor()
})

test.afterAll(async () => {
  await app?.close()
  fs.rmSync(workspace, { recursive: true, force: true })
})

test('every view is reachable in Electron', async () => {
  await visitEveryView(page, 'electron')
  await expect(page.getByTestId('connection')).toContainText('desktop')
})

test('IPC round trip to SQLite and validation over Electron IPC', async () => {
  await annotatorSurvivesReload(page, 'Electron Annotator')
  await malformedPayloadIsRejected(page)
})

test('the renderer is isolated and sandboxed', async () => {
  const globals = await page.evaluate(() => ({
    require: typeof (window as unknown as { require?: unknown }).require,
    process: typeof (window as unknown as { process?: unknown }).process,
    bridge: Object.keys((window as unknown as { electronTRPC: object }).electronTRPC).sort(),
  }))
  expect(globals).toEqual({ require: 'undefined', process: 'undefined', bridge: ['onMessage', 'sendMessage'] })
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    const wc = BrowserWindow.getAllWindows()[0].webContents
    const p = (wc as unknown as { getLastWebPreferences(): Record<string, unknown> }).getLastWebPreferences()
    return { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration }
  })
  expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false })
  // window.open and navigation away are blocked.
  const opened = await page.evaluate(() => window.open('https://example.com') === null)
  expect(opened).toBe(true)
  expect(app.windows()).toHaveLength(1)
})

test('permissions: the microphone only, nothing else', async () => {
  const states = await page.evaluate(async () => {
    const out: Record<string, string> = {}
    try {
      const s = await navigator.mediaDevices.getUserMedia({ audio: true })
      s.getTracks().forEach((t) => t.stop())
      out.audio = 'granted'
    } catch (e) {
      out.audio = (e as Error).name
    }
    try {
      await navigator.mediaDevices.getUserMedia({ video: true })
      out.video = 'granted'
    } catch (e) {
      out.video = (e as Error).name
    }
    out.geolocation = await new Promise<string>((resolve) =>
      navigator.geolocation.getCurrentPosition(
        () => resolve('granted'),
        (e) => resolve(String(e.code)),
        { timeout: 3000 },
      ),
    )
    return out
  })
  expect(states.video).not.toBe('granted')
  expect(states.geolocation).not.toBe('granted')
  // audio: granted where a capture device exists; NotFoundError on a machine without one.
  expect(['granted', 'NotFoundError', 'NotReadableError']).toContain(states.audio)
})
