/**
 * One naming scheme for worker threads (docs/CONVENTIONS.md): every worker module is
 * services/<folder>/<task>-worker.ts and is listed in WORKER_ENTRIES; no other file is
 * named *worker.ts.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { WORKER_ENTRIES } from '../../../src-main/services/workers'

const services = path.resolve(import.meta.dirname, '../../../src-main/services')

function workerFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return workerFiles(p)
    return /worker\.ts$/.test(e.name) ? [path.relative(services, p).replace(/\\/g, '/').replace(/\.ts$/, '')] : []
  })
}

describe('worker files', () => {
  it('are named <folder>/<task>-worker.ts and exist', () => {
    for (const [name, rel] of Object.entries(WORKER_ENTRIES)) {
      expect(rel, name).toMatch(/^[a-z]+\/[a-z]+-worker$/)
      expect(fs.existsSync(path.join(services, `${rel}.ts`)), rel).toBe(true)
    }
  })
  it('every *worker.ts under services is in WORKER_ENTRIES', () => {
    expect(workerFiles(services).sort()).toEqual(Object.values(WORKER_ENTRIES).sort())
  })
})
