/**
 * Where an experiment may read and write. The CLI's folders are the user's choice (given
 * on the command line). Through the API (UI), corpora and outputs must lie inside the
 * workspace, inside a folder the user picked with the folder picker, or inside the root
 * of a dataset the user imported. Paths are compared after resolving symlinks, so a link
 * cannot lead out.
 */
import fs from 'node:fs'
import path from 'node:path'

const chosen = new Set<string>()

/** Called when the user picks a folder through the UI's picker. */
export function rememberChosenFolder(dir: string): void {
  chosen.add(realish(dir))
}
export function chosenFolders(): string[] {
  return [...chosen]
}

/** The real path of `p`, or of its nearest existing parent joined with the rest (for folders not created yet). */
export function realish(p: string): string {
  const abs = path.resolve(p)
  let head = abs
  const tail: string[] = []
  while (!fs.existsSync(head)) {
    const up = path.dirname(head)
    if (up === head) break
    tail.unshift(path.basename(head))
    head = up
  }
  return path.join(fs.existsSync(head) ? fs.realpathSync(head) : head, ...tail)
}

export function isInside(p: string, root: string): boolean {
  const rel = path.relative(realish(root), realish(p))
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

/** Throws unless `p` lies inside one of `roots`; names the path and the allowed places. */
export function checkAllowed(p: string, roots: string[], what: string): void {
  if (roots.some((r) => isInside(p, r))) return
  throw new Error(
    `${what} ${path.resolve(p)} lies outside the workspace and every folder you chose; pick it with the folder picker or use a folder inside the workspace ` +
      `(${roots.slice(0, 3).join(', ')}${roots.length > 3 ? ', …' : ''})`,
  )
}
