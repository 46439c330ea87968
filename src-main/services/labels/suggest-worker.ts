/**
 * Piscina worker ('suggest'): "label next" scoring (suggest.ts) on its own workspace
 * connection, off the server's main thread. Progress goes out through the MessagePort.
 */
import type { MessagePort } from 'node:worker_threads'
import { closeFeaturePool } from '../features/index'
import { openWorkspace } from '../store/workspace'
import type { SuggestResult } from '../../../src-shared/contract/labels'
import { suggestHere, type SuggestMessage, type SuggestOptions } from './suggest'

export interface SuggestTask {
  workspace: string
  options: Omit<SuggestOptions, 'signal' | 'onProgress'>
  port: MessagePort
}

export default async function suggest(task: SuggestTask): Promise<SuggestResult> {
  const ws = openWorkspace(task.workspace)
  try {
    return await suggestHere(ws, { ...task.options, onProgress: (fraction, message) => task.port.postMessage({ fraction, message } satisfies SuggestMessage) })
  } finally {
    ws.close()
    task.port.close()
    await closeFeaturePool()
  }
}
