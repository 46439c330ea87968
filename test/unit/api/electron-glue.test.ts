/** The Electron glue's logic, without Electron: page origins (Windows paths too), the menu and the window settings. */
import { describe, expect, it } from 'vitest'
import { isDevelopment, menuTemplate, windowPreferences } from '../../../src-main/electron/menu'
import { isAppUrl } from '../../../src-main/electron/origin'

const winIndex = 'C:\\Users\\x\\app\\out\\renderer\\index.html'

describe('isAppUrl', () => {
  it('accepts the renderer page on Windows, as Chromium reports it', () => {
    expect(isAppUrl('file:///C:/Users/x/app/out/renderer/index.html', winIndex, 'win32')).toBe(true)
    expect(isAppUrl('file:///C:/Users/x/app/out/renderer/index.html#/label', winIndex, 'win32')).toBe(true)
    expect(isAppUrl('file:///c:/users/x/app/out/renderer/index.html', winIndex, 'win32')).toBe(true)
    expect(isAppUrl('file:///C:/Users/Jo%20Bloggs/app/out/renderer/index.html', 'C:\\Users\\Jo Bloggs\\app\\out\\renderer\\index.html', 'win32')).toBe(true)
    expect(isAppUrl('file://srv/share/app/index.html', '\\\\srv\\share\\app\\index.html', 'win32')).toBe(true)
  })
  it('refuses other pages, other files and other schemes', () => {
    expect(isAppUrl('file:///C:/Users/x/evil/index.html', winIndex, 'win32')).toBe(false)
    expect(isAppUrl('file://evil/C:/Users/x/app/out/renderer/index.html', winIndex, 'win32')).toBe(false)
    expect(isAppUrl('https://example.com/C:/Users/x/app/out/renderer/index.html', winIndex, 'win32')).toBe(false)
    expect(isAppUrl('not a url', winIndex, 'win32')).toBe(false)
    expect(isAppUrl('file:///C:/Users/x/app/out/renderer/index.html%', winIndex, 'win32')).toBe(false)
  })
  it('on Linux and macOS: exact, case-sensitive, percent-decoded', () => {
    const idx = '/home/x/my app/out/renderer/index.html'
    expect(isAppUrl('file:///home/x/my%20app/out/renderer/index.html', idx, 'linux')).toBe(true)
    expect(isAppUrl('file:///home/x/My%20app/out/renderer/index.html', idx, 'linux')).toBe(false)
    expect(isAppUrl('file:///home/x/my%20app/out/renderer/other.html', idx, 'darwin')).toBe(false)
  })
})

describe('menu and window in production and development', () => {
  const roles = (t: ReturnType<typeof menuTemplate>): string[] =>
    t.flatMap((m) => [String(m.role ?? m.label), ...(Array.isArray(m.submenu) ? m.submenu.map((s) => String(s.role ?? s.label ?? s.type)) : [])])
  it('a production build has no DevTools, in the menu or on the window', () => {
    const prod = menuTemplate({ dev: false, go: () => () => undefined })
    expect(roles(prod)).not.toContain('toggleDevTools')
    expect(roles(prod)).toEqual(expect.arrayContaining(['Label', 'Live', 'reload', 'togglefullscreen']))
    expect(windowPreferences('/p.cjs', false)).toMatchObject({ devTools: false, sandbox: true, contextIsolation: true, nodeIntegration: false })
    expect(isDevelopment({})).toBe(false)
  })
  it('a development run keeps them', () => {
    expect(roles(menuTemplate({ dev: true, go: () => () => undefined }))).toContain('toggleDevTools')
    expect(windowPreferences('/p.cjs', true).devTools).toBe(true)
    expect(isDevelopment({ ELECTRON_RENDERER_URL: 'http://localhost:5173' })).toBe(true)
  })
})
