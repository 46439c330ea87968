/**
 * The model folder's import rules (docs/CONVENTIONS.md, "The model folder"):
 * - no import circle inside src-main/services/model, type-only imports included;
 * - inference does not load the trainer: the live worker, `ser predict` and label suggestions
 *   reach train.ts (and the modules only training needs) through no import, type-only ones
 *   included; the trained model and its embedding functions live in model/trained.ts.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { importClosure, importCycles, importPath, importsOf, rel, root, tsFiles } from './import-graph'

const modelDir = path.join(root, 'src-main/services/model')
/** train.ts and the modules only training needs: the loop, its steps and callbacks, checkpoints, losses, the data-parallel step. */
const TRAINER = [
  'train.ts',
  'train-loop.ts',
  'train-steps.ts',
  'train-callbacks.ts',
  'train-worker.ts',
  'checkpoint.ts',
  'losses.ts',
  'step.ts',
  'data-parallel.ts',
  'grad-worker.ts',
]

describe('the import graph reader', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'import-graph-'))
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
  const write = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(tmp, name)), { recursive: true })
    fs.writeFileSync(path.join(tmp, name), text)
    return path.join(tmp, name)
  }

  it('finds type-only, re-exported and inline type imports, resolves folders to index.ts, skips comments and packages', () => {
    const a = write(
      'a.ts',
      "import type { B } from './b'\nexport * from './c'\nexport const f = (x: import('./d').D): B => x\n// import x from './e'\nimport fs from 'node:fs'\n",
    )
    for (const n of ['b.ts', 'c.ts', 'd/index.ts', 'e.ts']) write(n, 'export type B = number\nexport type D = number\n')
    expect(importsOf(a).map((f) => path.relative(tmp, f).replace(/\\/g, '/')).sort()).toEqual(['b.ts', 'c.ts', 'd/index.ts'])
  })

  it('names a circle made only of type imports, and none where the edges run one way', () => {
    const x = write('cyc/x.ts', "import type { Y } from './y'\nexport interface X { y: Y }\n")
    const y = write('cyc/y.ts', "import type { Z } from './z'\nexport interface Y { z: Z }\n")
    const z = write('cyc/z.ts', "export interface Z { x: import('./x').X }\n")
    const cycles = importCycles([x, y, z])
    expect(cycles).toHaveLength(1)
    expect(cycles[0]).toMatch(/cyc\/x\.ts -> .*cyc\/y\.ts -> .*cyc\/z\.ts -> .*cyc\/x\.ts/)
    fs.writeFileSync(z, 'export interface Z { n: number }\n')
    expect(importCycles([x, y, z])).toEqual([])
  })
})

describe('src-main/services/model', () => {
  const files = tsFiles(modelDir)

  it('reads the folder', () => {
    expect(files.length).toBeGreaterThan(30)
    for (const f of TRAINER) expect(files).toContain(path.join(modelDir, f))
  })

  it('has no import circle (type-only imports count)', () => {
    expect(importCycles(files)).toEqual([])
  })

  it.each([
    ['the live worker', 'src-main/services/live/session-worker.ts'],
    ['ser predict', 'src-main/cli/commands/predict.ts'],
    ['label suggestions', 'src-main/services/labels/suggest-worker.ts'],
  ])('%s does not load the trainer', (_what, entry) => {
    const closure = importClosure([path.join(root, entry)])
    expect(closure.has(path.join(modelDir, 'inference.ts'))).toBe(true)
    expect(closure.has(path.join(modelDir, 'trained.ts'))).toBe(true)
    for (const f of TRAINER) expect(importPath(path.join(root, entry), path.join(modelDir, f)), `${entry} reaches model/${f}`).toBeNull()
    expect([...closure].map(rel).filter((f) => TRAINER.some((t) => f === `src-main/services/model/${t}`))).toEqual([])
  })
})
