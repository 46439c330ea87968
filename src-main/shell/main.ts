/**
 * `npm start` without Electron, and the end-to-end tests' server:
 *   tsx src-main/shell/main.ts [--workspace DIR] [--port N] [--renderer DIR]
 * Without --port it reuses the workspace's last port when that is free (so pages
 * left open across a restart reconnect and send their unsent labels), else any free one.
 * Prints one line `SER_SHELL_URL=<url>` so scripts can find it.
 */
import path from 'node:path'
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { createAppServices, disposeAppServices } from '../api/context'
import { initBackend } from '../services/engine/backend'
import { defaultWorkspaceDir } from '../services/store/workspace'
import { lastShellPort, rememberShellPort } from '../api/workspace-identity'
import { installLastResort } from './guard'
import { startShell } from './server'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const { values } = parseArgs({
  options: {
    workspace: { type: 'string', short: 'w' },
    port: { type: 'string', short: 'p' },
    renderer: { type: 'string' },
  },
})

const rendererDir = path.resolve(values.renderer ?? path.join(root, 'out', 'renderer'))
if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
  console.error(`the renderer is not built (${rendererDir}/index.html missing): run \`npm run build\` first`)
  process.exit(2)
}
const workspace = path.resolve(values.workspace ?? defaultWorkspaceDir())
const services = createAppServices(workspace)
const backend = await initBackend()
// SER_SHELL_TOKEN lets a restarted server keep its token (the end-to-end crash tests); otherwise it is random.
const port = values.port === undefined ? 0 : Number(values.port)
if (values.port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
  console.error(`--port ${values.port}: give a port number from 1 to 65535`)
  process.exit(2)
}
installLastResort()
const shell = await startShell({
  services,
  rendererDir,
  port,
  preferredPort: lastShellPort(services.ws),
  token: process.env.SER_SHELL_TOKEN || undefined,
}).catch((err: Error) => {
  console.error(err.message)
  process.exit(2)
})
rememberShellPort(services.ws, shell.port)
console.log(`Siamese SER browser shell — workspace ${workspace}, compute backend ${backend.name}`)
console.log(`SER_SHELL_URL=${shell.url}`)

let closing = false
async function shutdown(): Promise<void> {
  if (closing) return
  closing = true
  await shell.close()
  disposeAppServices(services)
  process.exit(0)
}
process.on('SIGINT', () => void shutdown())
process.on('SIGTERM', () => void shutdown())
