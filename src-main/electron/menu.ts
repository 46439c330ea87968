/**
 * The application menu and window settings as plain data (no electron import at
 * run time), so tests check them without Electron. DevTools exist only in a
 * development run (`electron-vite dev`, or SER_DEVTOOLS=1): not in the menu, not
 * on the window, in every other build.
 */
import type { MenuItemConstructorOptions, WebPreferences } from 'electron'

export const VIEWS = [
  ['Datasets', 'datasets'],
  ['Label', 'label'],
  ['Enroll', 'enroll'],
  ['Train', 'train'],
  ['Experiments', 'experiments'],
  ['Live', 'live'],
] as const

/** A development run: electron-vite's dev server sets ELECTRON_RENDERER_URL. */
export function isDevelopment(env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(env.ELECTRON_RENDERER_URL) || env.SER_DEVTOOLS === '1'
}

export function menuTemplate(opts: { dev: boolean; go: (view: string) => () => void }): MenuItemConstructorOptions[] {
  const views: MenuItemConstructorOptions[] = VIEWS.map(([label, view], i) => ({ label, accelerator: `CmdOrCtrl+${i + 1}`, click: opts.go(view) }))
  return [
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [...views, { type: 'separator' }, { role: 'reload' }, ...(opts.dev ? [{ role: 'toggleDevTools' } as const] : []), { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
  ]
}

export function windowPreferences(preload: string, dev: boolean): WebPreferences {
  return { preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false, devTools: dev }
}
