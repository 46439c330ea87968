/**
 * The committed WebAssembly modules (scripts/build-wasm.mjs, `npm run build:wasm`) match their C
 * sources: each generated module records the SHA-256 of its sources and flags, which must equal
 * the hash of the sources now (no compiler needed); where clang and wasm-ld are installed (the unit
 * tier's system packages), a fresh build must give the committed text byte for byte.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { activeTargets, buildModuleText, checkSharedMemoryModule, sourceHash } from '../../../scripts/build-wasm.mjs'

const has = (bin: string) => spawnSync(bin, ['--version'], { encoding: 'utf8' }).status === 0
const clang = has('clang') && has('wasm-ld')

describe('committed wasm modules', () => {
  const targets = activeTargets()
  it('there is one for the MLP training step', () => {
    expect(targets.map((t) => t.generated)).toContain('mlp-step.generated.ts')
  })
  for (const t of targets) {
    const file = path.join(t.dir, t.generated)
    it(`${t.generated} records the hash of its C sources now`, () => {
      const text = fs.readFileSync(file, 'utf8')
      expect(text, `${file} is stale: run npm run build:wasm`).toContain(`${t.prefix}_SOURCE_SHA256 = '${sourceHash(t)}'`)
    })
    it.runIf(clang)(`${t.generated} is what clang builds from them now`, () => {
      expect(buildModuleText(t), `${file} is stale: run npm run build:wasm`).toBe(fs.readFileSync(file, 'utf8'))
    }, 60_000)
  }

  it('a module sharing the tfjs memory may hold no data and no global but a stack pointer at 0', () => {
    const header = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]
    const ok = Uint8Array.from([...header, 6, 6, 1, 0x7f, 1, 0x41, 0, 0x0b])
    expect(() => checkSharedMemoryModule(ok)).not.toThrow()
    expect(() => checkSharedMemoryModule(Uint8Array.from([...header, 6, 7, 1, 0x7f, 1, 0x41, 0x80, 0x08, 0x0b]))).toThrow(/stack pointer at 0/)
    expect(() => checkSharedMemoryModule(Uint8Array.from([...header, 11, 1, 0]))).toThrow(/data section/)
  })
})
