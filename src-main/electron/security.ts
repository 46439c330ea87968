import { session, type WebContents } from 'electron'
import { CONTENT_SECURITY_POLICY } from '../shell/security'
import { isAppUrl } from './origin'

export { isAppUrl }

/**
 * Electron grants every permission unless told otherwise: allow the microphone
 * (audio only, from our own page) and nothing else.
 */
export function installPermissionPolicy(rendererIndex: string): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
    const audioOnly = permission === 'media' && (details as { mediaTypes?: string[] }).mediaTypes?.every((t) => t === 'audio')
    callback(Boolean(audioOnly) && isAppUrl(details.requestingUrl, rendererIndex))
  })
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => permission === 'media' && requestingOrigin.startsWith('file://'))
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
}

/** No navigation away from the app and no new windows, ever. */
export function lockDownContents(contents: WebContents, rendererIndex: string): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, rendererIndex)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}
