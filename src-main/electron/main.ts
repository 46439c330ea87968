/**
 * Electron entry: thin glue only (window, menu, permissions, IPC adapter,
 * media protocol). All logic lives in services and the router.
 */
import path from 'node:path'
import { app, BrowserWindow, dialog, Menu, protocol } from 'electron'
import { createIPCHandler } from 'trpc-electron/main'
import { createAppServices, disposeAppServices, type AppServices } from '../api/context'
import { handleMediaRequest } from '../api/media'
import { appRouter } from '../api/router'
import { initBackend } from '../services/engine/backend'
import { isDevelopment, menuTemplate, windowPreferences } from './menu'
import { installLastResort, logFault } from '../shell/guard'
import { installPermissionPolicy, isAppUrl, lockDownContents } from './security'

const rendererIndex = path.join(__dirname, '../renderer/index.html')
const preload = path.join(__dirname, '../preload/index.cjs')
const dev = isDevelopment()

protocol.registerSchemesAsPrivileged([
  { scheme: 'ser-media', privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
])
app.enableSandbox()
installLastResort()

function workspaceArg(): string {
  const i = process.argv.indexOf('--workspace')
  return i > 0 && process.argv[i + 1] ? path.resolve(process.argv[i + 1]) : path.join(app.getPath('userData'), 'workspace')
}

function buildMenu(win: BrowserWindow): void {
  const go = (view: string) => () => void win.webContents.executeJavaScript(`location.hash = '#/${view}'`)
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ dev, go })))
}

async function start(): Promise<void> {
  await app.whenReady()
  const services: AppServices = createAppServices(workspaceArg(), {
    async pickFolder(title) {
      const r = await dialog.showOpenDialog({ title, properties: ['openDirectory'] })
      return r.canceled ? null : (r.filePaths[0] ?? null)
    },
  })
  await initBackend()
  installPermissionPolicy(rendererIndex)
  app.on('web-contents-created', (_e, contents) => lockDownContents(contents, rendererIndex))

  protocol.handle('ser-media', async (request) => {
    // total, like the shell's handlers: a fault is an error answer, never a crash
    try {
      const url = new URL(request.url)
      const r = await handleMediaRequest(services, `${url.host}${url.pathname}`.replace(/\/$/, ''), request.headers.get('range') ?? undefined)
      return new Response(typeof r.body === 'string' ? r.body : new Uint8Array(r.body), { status: r.status, headers: r.headers })
    } catch (err) {
      logFault('media request', err)
      return new Response('the media request failed; see the log', { status: 500 })
    }
  })

  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Siamese SER',
    show: false,
    webPreferences: windowPreferences(preload, dev),
  })
  createIPCHandler({
    router: appRouter,
    windows: [win],
    // Every IPC message must come from our own page in our own window.
    createContext: async ({ event }) => {
      if (!isAppUrl(event.senderFrame?.url ?? '', rendererIndex)) throw new Error('IPC from an unknown frame refused')
      return { services, transport: 'electron' as const }
    },
  })
  buildMenu(win)
  win.once('ready-to-show', () => win.show())
  await win.loadFile(rendererIndex)

  app.on('window-all-closed', () => app.quit())
  app.on('before-quit', () => disposeAppServices(services))
}

start().catch((err) => {
  console.error('failed to start:', err)
  app.exit(1)
})
