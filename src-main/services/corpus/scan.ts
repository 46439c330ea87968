/**
 * Walking a corpus folder and recognising its layout. The walk never leaves the
 * folder: symbolic links are listed only when they resolve (realpath) to a regular
 * file inside it, links to folders are not followed, and devices, FIFOs, sockets and
 * links leading out are reported as refused entries instead of being read.
 * detectLayout/scanCorpus run this in the 'corpus-scan' worker (scan-worker.ts) so a
 * big tree never blocks the server's main thread.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileKind } from '../audio/limits'
import { ADAPTERS, AUDIO_EXT, isInside } from './adapters'
import type { Layout, LayoutDetection } from '../../../src-shared/contract/datasets'

export interface Refused {
  rel: string
  abs: string
  reason: string
}

export interface Tree {
  /** regular files (and links to regular files inside the folder), relative with '/', sorted */
  files: string[]
  /** entries that are listed but never read: devices, FIFOs, links out of the folder */
  refused: Refused[]
}


/** Every entry under root; hidden entries are left out. See the module comment for links and special files. */
export function listTree(root: string): Tree {
  const files: string[] = []
  const refused: Refused[] = []
  const realRoot = fs.realpathSync(root)
  const refuse = (rel: string, abs: string, reason: string) => refused.push({ rel, abs, reason: `${rel}: ${reason}` })
  const walk = (dir: string, rel: string) => {
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true })
    } catch (err) {
      // named relative to the chosen folder, as every other import message
      throw new Error(`cannot read the folder ${rel || '.'} (in ${root}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue
      const r = rel ? `${rel}/${e.name}` : e.name
      const abs = path.join(dir, e.name)
      if (e.isDirectory()) walk(abs, r)
      else if (e.isFile()) files.push(r)
      else if (e.isSymbolicLink()) {
        let real: string
        try {
          real = fs.realpathSync(abs)
        } catch {
          refuse(r, abs, 'broken symbolic link (its target does not exist)')
          continue
        }
        if (!isInside(realRoot, real)) refuse(r, abs, 'symbolic link leading out of the corpus folder (not followed)')
        else {
          const st = fs.statSync(real)
          if (st.isFile()) files.push(r)
          else if (st.isDirectory()) refuse(r, abs, 'symbolic link to a folder (not followed)')
          else refuse(r, abs, `symbolic link to ${fileKind(st)}, not a regular file`)
        }
      } else if (AUDIO_EXT.test(e.name) || /\.csv$/i.test(e.name)) {
        let kind = 'not a regular file'
        try {
          kind = `not a regular file (${fileKind(fs.lstatSync(abs))})`
        } catch {
          // vanished meanwhile: the generic reason stands
        }
        refuse(r, abs, kind)
      }
    }
  }
  walk(root, '')
  files.sort()
  refused.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))
  return { files, refused }
}

/** The reason for a folder without audio, naming a few of the files it does hold (relative paths). */
function noAudio(files: string[]): string {
  if (!files.length) return 'the folder is empty (hidden files are not read)'
  const shown = files.slice(0, 3).join(', ')
  return (
    `no audio files (.wav, .flac, .mp3, .ogg, .avi) in this folder or below it; it holds ${files.length} other file(s): ` +
    `${shown}${files.length > 3 ? ', ...' : ''}`
  )
}

/** The regular files of listTree. */
export function listFiles(root: string): string[] {
  return listTree(root).files
}

/**
 * Which layout a folder holds, from the names alone. A manifest at the top level
 * wins; otherwise the adapter that explains the largest share of the audio files
 * (at least half) wins, the more specific corpus layouts before the generic folder one.
 */
export function detectLayoutFromFiles(root: string, files: string[]): LayoutDetection {
  const candidates = ADAPTERS.map((a) => ({ layout: a.layout as Layout, ...a.detect(root, files) }))
  const best = candidates.filter((c) => c.score >= 0.5).sort((a, b) => b.score - a.score)[0]
  if (!best && !files.some((f) => AUDIO_EXT.test(f))) return { layout: null, score: 0, reason: noAudio(files), candidates }
  if (!best)
    return {
      layout: null,
      score: 0,
      reason: `no known layout explains at least half of the files (${candidates.map((c) => `${c.layout}: ${c.reason}`).join('; ')})`,
      candidates,
    }
  return { layout: best.layout, score: best.score, reason: best.reason, candidates }
}

export function requireFolder(dir: string): string {
  const root = path.resolve(dir)
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new Error(`not a folder: ${root}`)
  return root
}

/** Detection on this thread (the worker and the CLI use it; the server goes through detectLayout). */
export function detectLayoutHere(dir: string): LayoutDetection {
  const root = requireFolder(dir)
  return detectLayoutFromFiles(root, listFiles(root))
}
