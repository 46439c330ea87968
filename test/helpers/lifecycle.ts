/**
 * What a vitest file does before and after its tests: a fresh workspace per test, and the end of a file that made
 * a workspace, folders and worker pools. (test/helpers/workspace.ts stays free of vitest: Playwright specs use it.)
 */
import fs from 'node:fs'
import { afterEach, beforeEach } from 'vitest'
import { tempWorkspace } from './workspace'

export type TempWorkspace = ReturnType<typeof tempWorkspace>

/** A fresh workspace for each test of the file: `use` receives it before the test; it is removed after the test. */
export function workspaceEachTest(prefix: string, use: (ws: TempWorkspace) => void): void {
  let ws: TempWorkspace | undefined
  beforeEach(() => use((ws = tempWorkspace(prefix))))
  afterEach(() => ws?.cleanup())
}

/**
 * The end of a test file (its afterAll): first the worker pools close (a worker may still hold a file open), then
 * the workspace and the folders go. Any of them may be unset (a beforeAll that failed early): it is skipped.
 */
export async function tearDown(o: { pools?: (() => Promise<void>)[]; ws?: { cleanup(): void }; dirs?: (string | undefined)[] }): Promise<void> {
  for (const close of o.pools ?? []) await close()
  o.ws?.cleanup()
  for (const d of o.dirs ?? []) if (d) fs.rmSync(d, { recursive: true, force: true })
}
