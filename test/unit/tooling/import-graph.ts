/**
 * The import graph of the TypeScript sources, read from the files themselves: every import
 * TypeScript's own pre-processor finds (`import`, `import type`, `export ... from`, `import()`
 * in code and in type positions, `require`), comments and strings left out. Relative
 * specifiers are resolved to files (x.ts, x/index.ts); package imports are not followed.
 */
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

export const root = path.resolve(import.meta.dirname, '../../..')

/** Repository-relative path with forward slashes. */
export const rel = (file: string) => path.relative(root, file).replace(/\\/g, '/')

/** The file a relative specifier names, or null (a package, or a file that is not TypeScript). */
export function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null
  const base = path.resolve(path.dirname(from), spec)
  const candidates = [base, `${base}.ts`, `${base}.mts`, path.join(base, 'index.ts')]
  if (base.endsWith('.js')) candidates.push(base.replace(/\.js$/, '.ts'))
  return candidates.find((c) => /\.m?ts$/.test(c) && fs.existsSync(c) && fs.statSync(c).isFile()) ?? null
}

/** The files `file` imports (resolved relative imports only, type-only ones included). */
export function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true)
  const out = info.importedFiles.map((f) => resolveImport(file, f.fileName)).filter((f): f is string => f !== null)
  return [...new Set(out)]
}

/** Every file reachable from `entries` through relative imports. */
export function importClosure(entries: string[]): Set<string> {
  const seen = new Set<string>()
  const todo = [...entries]
  while (todo.length) {
    const f = todo.pop()!
    if (seen.has(f)) continue
    seen.add(f)
    todo.push(...importsOf(f))
  }
  return seen
}

/** One import path from `from` to `to` (breadth-first, so a shortest one), as repository paths; null when none. */
export function importPath(from: string, to: string): string[] | null {
  const prev = new Map<string, string | null>([[from, null]])
  const queue = [from]
  while (queue.length) {
    const f = queue.shift()!
    if (f === to) {
      const chain: string[] = []
      for (let x: string | null = f; x !== null; x = prev.get(x)!) chain.unshift(rel(x))
      return chain
    }
    for (const g of importsOf(f)) if (!prev.has(g)) prev.set(g, f), queue.push(g)
  }
  return null
}

/**
 * The import circles among `files` (edges to files outside the set are ignored): one line per
 * strongly connected component of more than one file (or a file importing itself), naming one
 * concrete circle through it and all the files it holds, as repository paths.
 */
export function importCycles(files: string[]): string[] {
  const inSet = new Set(files)
  const edges = new Map(files.map((f) => [f, importsOf(f).filter((g) => inSet.has(g))]))
  // Tarjan's strongly connected components.
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  const visit = (v: string) => {
    index.set(v, counter)
    low.set(v, counter++)
    stack.push(v)
    onStack.add(v)
    for (const w of edges.get(v)!) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        c.push(w)
      } while (w !== v)
      if (c.length > 1 || edges.get(v)!.includes(v)) components.push(c)
    }
  }
  for (const f of [...files].sort()) if (!index.has(f)) visit(f)
  // Name each component by one concrete cycle through its first file, for a readable failure.
  return components.map((c) => {
    const member = new Set(c)
    const start = [...c].sort()[0]
    const prev = new Map<string, string>()
    const queue = edges.get(start)!.filter((w) => member.has(w))
    queue.forEach((w) => prev.set(w, start))
    while (queue.length && !prev.has(start)) {
      const f = queue.shift()!
      for (const g of edges.get(f)!) if (member.has(g) && !prev.has(g)) prev.set(g, f), queue.push(g)
    }
    const chain: string[] = []
    for (let x = prev.get(start)!; x !== start; x = prev.get(x)!) chain.unshift(x)
    return `${[start, ...chain, start].map(rel).join(' -> ')} (the circle's component: ${c.map(rel).sort().join(', ')})`
  })
}

/** The .ts files directly in `dir` and below it. */
export function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return tsFiles(p)
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : []
  })
}
