/**
 * Starts the real browser-shell server as a child process (the same command
 * `npm start` uses without Electron) and reads the URL it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface ShellProcess {
  url: string
  origin: string
  port: number
  token: string
  workspace: string
  child: ChildProcess
  /** SIGKILL: no shutdown handlers run, like a crash or a power cut. */
  kill(): Promise<void>
  stop(): Promise<void>
  output(): string
}

const root = path.resolve(import.meta.dirname, '..', '..')

export interface ShellProcessOptions {
  workspace?: string
  token?: string
  port?: number
  env?: Record<string, string>
  /** A renderer folder other than out/renderer (the fault tests serve a stub, no build needed). */
  renderer?: string
  /** Run from the TypeScript sources even when the bundle exists (the unit tests: no stale build). */
  fromSources?: boolean
}

export async function startShellProcess(opts: ShellProcessOptions = {}): Promise<ShellProcess> {
  const workspace = opts.workspace ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ser-e2e-ws-'))
  // The built bundle (out/main/shell.js, the same chunks Electron's main runs) unless SER_E2E_FROM_SOURCES=1;
  // from sources with tsx's loader in this process, not its CLI (it would leave a grandchild kill() orphans).
  const bundle = path.join(root, 'out/main/shell.js')
  const fromSources = opts.fromSources || process.env.SER_E2E_FROM_SOURCES === '1' || !fs.existsSync(bundle)
  const args = [...(fromSources ? ['--import', 'tsx', path.join(root, 'src-main/shell/main.ts')] : [bundle]), '--workspace', workspace]
  if (opts.port) args.push('--port', String(opts.port))
  if (opts.renderer) args.push('--renderer', opts.renderer)
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...(opts.token ? { SER_SHELL_TOKEN: opts.token } : {}), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`shell did not start in 60 s:\n${out}`)), 60_000)
    const check = () => {
      const m = /SER_SHELL_URL=(\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    }
    child.stdout!.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`shell exited with ${code} before starting:\n${out}`))
    })
  })
  const u = new URL(url)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    url,
    origin: u.origin,
    port: Number(u.port),
    token: /token=([^&]+)/.exec(u.hash)![1],
    workspace,
    child,
    async kill() {
      child.kill('SIGKILL')
      await exited
    },
    async stop() {
      child.kill('SIGTERM')
      await exited
    },
    output: () => out,
  }
}
