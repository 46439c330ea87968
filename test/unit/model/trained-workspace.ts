/**
 * A workspace with a tiny generated CREMA-D-layout corpus imported (real files, real
 * import, real features on first use), for the tests that run `runTraining` or `ser train`.
 */
import { closeImportPool, importCorpus } from '../../../src-main/services/corpus/index'
import { syntheticCorpus } from '../../helpers/corpora'
export { runCli } from '../../helpers/cli'
import { tempWorkspace } from '../../helpers/workspace'

export const TINY = { speakers: 8, sentences: 1 } as const

export async function tinyWorkspace(name = 'tiny-cremad'): Promise<ReturnType<typeof tempWorkspace> & { dataset: string }> {
  const corpus = await syntheticCorpus('cremad', TINY)
  const ws = tempWorkspace('ser-heldout-')
  await importCorpus(ws, corpus.dir, { name })
  await closeImportPool()
  return Object.assign(ws, { dataset: name })
}

/** The tiny source workspace with a 5-speaker RAVDESS-layout target dataset `target` imported next to it. */
export async function tinyWithTarget(target: string, seed: string = target): Promise<Awaited<ReturnType<typeof tinyWorkspace>>> {
  const w = await tinyWorkspace()
  await importCorpus(w, (await syntheticCorpus('ravdess', { speakers: 5, sentences: 1, seed })).dir, { name: target })
  await closeImportPool()
  return w
}

/** `ser train` arguments: the workspace's source dataset, `target` with 2 shots, then `more`. */
export function trainArgs(ws: { dir: string; dataset: string }, target: string, ...more: string[]): string[] {
  return ['--workspace', ws.dir, 'train', '--source', ws.dataset, '--target', target, '--shots', '2', ...more]
}
