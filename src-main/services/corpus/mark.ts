/**
 * Reads a corpus folder's mark (`ser-corpus.json`, src-shared/corpus-mark.ts): what made the audio. `ser synth`
 * writes it; a folder without it is taken as recorded speech. A mark that cannot be read is an error naming the file.
 */
import fs from 'node:fs'
import path from 'node:path'
import { CORPUS_MARK_FILE, CorpusMarkSchema, type CorpusMark } from '../../../src-shared/corpus-mark'

export function readCorpusMark(root: string): CorpusMark | null {
  const file = path.join(root, CORPUS_MARK_FILE)
  if (!fs.existsSync(file)) return null
  let json: unknown
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    throw new Error(`the corpus mark ${file} is not JSON: ${(err as Error).message}`)
  }
  const r = CorpusMarkSchema.safeParse(json)
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
    throw new Error(`the corpus mark ${file} is not a ser-corpus/1 mark: ${issues}`)
  }
  return r.data
}
