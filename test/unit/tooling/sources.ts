/** The project's own source files, for the tooling tests that look for a pattern in every one of them. */
import fs from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '../../..')
const DIRS = ['src-main', 'src-renderer/src', 'src-shared', 'bench', 'scripts']

function sources(dir: string, ext: RegExp): string[] {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p, ext)
    return ext.test(e.name) ? [p] : []
  })
}

/** Every file whose name matches `ext` under src-main, the renderer, src-shared, bench and scripts: its path from the repository root, and its text. */
export function readSources(ext = /\.(ts|vue|mjs)$/): { rel: string; text: string }[] {
  return DIRS.flatMap((d) => sources(path.join(ROOT, d), ext)).map((f) => ({
    rel: path.relative(ROOT, f).replace(/\\/g, '/'),
    text: fs.readFileSync(f, 'utf8'),
  }))
}
