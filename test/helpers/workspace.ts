import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openWorkspace, type Workspace } from '../../src-main/services/store/workspace'

/** A fresh workspace in a temp folder; call cleanup() in afterAll/afterEach. */
export function tempWorkspace(prefix = 'ser-test-'): Workspace & { cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  const ws = openWorkspace(dir)
  return Object.assign(ws, {
    cleanup() {
      ws.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  })
}

export function tempDir(prefix = 'ser-tmp-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}
