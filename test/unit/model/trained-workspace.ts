/**
 * A workspace with a tiny generated CREMA-D-layout corpus imported (real files, real
 * import, real features on first use), for the tests that run `runTraining` or `ser train`.
 */
import { closeImportPool, importCorpus } from '../../../src-main/services/corpus/index'
import { syntheticCorpus } from '../../helpers/corpora'
import { tempWorkspace } from '../../helpers/workspace'

export const TINY = { speakers: 8, sentences: 1 } as const

export async function tinyWorkspace(name = 'tiny-cremad'): Promise<ReturnType<typeof tempWorkspace> & { dataset: string }> {
  const corpus = await syntheticCorpus('cremad', TINY)
  const ws = tempWorkspace('ser-heldout-')
  await importCorpus(ws, corpus.dir, { name })
  await closeImportPool()
  return Object.assign(ws, { dataset: name })
}
