import { openWorkspace, defaultWorkspaceDir, type Workspace } from '../services/store/workspace'

export interface GlobalOptions {
  workspace?: string
  json?: boolean
}

/** Opens the workspace named by --workspace (or the default), runs fn, always closes it. */
export async function withWorkspace<T>(opts: GlobalOptions, fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const ws = openWorkspace(opts.workspace ?? defaultWorkspaceDir())
  try {
    return await fn(ws)
  } finally {
    ws.close()
  }
}

/** Prints either JSON (for scripts) or a human rendering. */
export function output(opts: GlobalOptions, value: unknown, human: () => string): void {
  process.stdout.write(opts.json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n')
}

/** Progress on stderr so stdout stays clean JSON; one line, redrawn, only on a terminal. */
export function progressPrinter(label: string): (fraction: number | null, message?: string) => void {
  let last = ''
  return (fraction, message) => {
    const pct = fraction === null ? '' : `${Math.round(fraction * 100)}% `
    const line = `${label}: ${pct}${message ?? ''}`
    if (line === last) return
    last = line
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`)
    else if (fraction === 1) process.stderr.write(line + '\n')
  }
}
