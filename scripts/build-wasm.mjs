#!/usr/bin/env node
/**
 * `npm run build:wasm [-- --check]`: compiles the project's WebAssembly SIMD128 kernels in C with
 * clang and wasm-ld (Debian: `apt-get install clang lld`) into committed TypeScript modules that
 * hold the bytes as base64, so the kernels load the same in tsx, worker threads and the bundled
 * Electron main without resolving a file path. One target per `wasm/` folder (TARGETS):
 * - src-main/services/features/wasm/*.c -> kernels.generated.ts (the feature kernels: own memory);
 * - src-main/services/engine/wasm/*.c -> mlp-step.generated.ts (the MLP training step: it imports
 *   tfjs-backend-wasm's memory, so it must hold no data and use no stack; its stack pointer starts
 *   at 0, so any use would trap, and the build refuses a module with a data section or another global).
 * A target whose folder has no C source yet is skipped. `--check` builds into memory and exits 1 if a
 * committed module differs (test/unit/tooling/wasm-build.test.ts does the same). Plain Node, no dependencies.
 */
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const BASE = ['--target=wasm32', '-O3', '-msimd128', '-nostdlib', '-Wl,--no-entry']

/**
 * The targets. No -ffast-math anywhere: every kernel keeps the JavaScript path's order of
 * operations where it claims to. `prefix` names the generated constants (PREFIX_SOURCE_SHA256, PREFIX_WASM_BASE64).
 */
export const TARGETS = [
  {
    dir: path.resolve(here, '../src-main/services/features/wasm'),
    generated: 'kernels.generated.ts',
    prefix: 'KERNELS',
    flags: [...BASE, '-Wl,--export=__heap_base'],
  },
  {
    dir: path.resolve(here, '../src-main/services/engine/wasm'),
    generated: 'mlp-step.generated.ts',
    prefix: 'MLP_STEP',
    // memory.fill for zeroing loops (no libc memset); the imported memory; stack pointer 0 with no stack
    flags: [...BASE, '-mbulk-memory', '-Wl,--import-memory', '-Wl,--stack-first', '-Wl,-z,stack-size=0', '-Wl,--strip-all'],
    importsMemory: true,
  },
]

/** The C sources and headers of a target, sorted, with their contents (what the hash covers). */
function sources(t) {
  if (!fs.existsSync(t.dir)) return []
  return fs
    .readdirSync(t.dir)
    .filter((f) => f.endsWith('.c') || f.endsWith('.h'))
    .sort()
    .map((f) => ({ name: f, text: fs.readFileSync(path.join(t.dir, f), 'utf8') }))
}

/** The targets that have C sources in this checkout. */
export function activeTargets() {
  return TARGETS.filter((t) => sources(t).some((s) => s.name.endsWith('.c')))
}

/** SHA-256 of the flags and every source: the generated module records it. */
export function sourceHash(t) {
  const h = crypto.createHash('sha256')
  h.update(t.flags.join(' '))
  for (const s of sources(t)) h.update(`\0${s.name}\0${s.text}`)
  return h.digest('hex')
}

/** The sections of a wasm binary: [{ id, body }]. */
function sections(bytes) {
  const out = []
  let i = 8
  while (i < bytes.length) {
    const id = bytes[i++]
    let size = 0
    let shift = 0
    for (;;) {
      const c = bytes[i++]
      size |= (c & 127) << shift
      shift += 7
      if (!(c & 128)) break
    }
    out.push({ id, body: bytes.subarray(i, i + size) })
    i += size
  }
  return out
}

/**
 * A module that shares tfjs-backend-wasm's memory may write nowhere but where it is told: no data
 * section (id 11), and at most one global, the linker's stack pointer as a mutable i32 starting at 0.
 */
export function checkSharedMemoryModule(bytes) {
  const secs = sections(bytes)
  if (secs.some((s) => s.id === 11)) throw new Error('a module importing the tfjs memory must have no data section')
  const g = secs.find((s) => s.id === 6)
  // one global: i32 (0x7f), mutable (1), init i32.const 0 (0x41 0x00), end (0x0b)
  if (g && Buffer.compare(Buffer.from(g.body), Buffer.from([1, 0x7f, 1, 0x41, 0, 0x0b])) !== 0) {
    throw new Error(`a module importing the tfjs memory must have no global but a stack pointer at 0, found ${Buffer.from(g.body).toString('hex')}`)
  }
}

/** `// text` as comment lines of at most 160 characters (split at spaces). */
function header(text) {
  const lines = ['//']
  for (const word of text.split(' ')) {
    if (lines[lines.length - 1].length + 1 + word.length > 160) lines.push('//')
    lines[lines.length - 1] += ` ${word}`
  }
  return lines
}

/** The text of a target's generated module built from the sources now (runs clang). */
export function buildModuleText(t, clang = process.env.CLANG ?? 'clang') {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-wasm-'))
  try {
    const out = path.join(tmp, 'kernels.wasm')
    const cs = sources(t).filter((s) => s.name.endsWith('.c')).map((s) => path.join(t.dir, s.name))
    execFileSync(clang, [...t.flags, '-o', out, ...cs], { stdio: ['ignore', 'inherit', 'inherit'] })
    const bytes = fs.readFileSync(out)
    if (t.importsMemory) checkSharedMemoryModule(bytes)
    const b64 = bytes.toString('base64')
    const version = execFileSync(clang, ['--version'], { encoding: 'utf8' }).split('\n')[0].trim()
    const chunks = b64.match(/.{1,120}/g) ?? []
    return [
      '// Generated by scripts/build-wasm.mjs (`npm run build:wasm`) from the C sources in this folder. Do not edit.',
      ...header(`${version}; ${t.flags.join(' ')}`),
      `export const ${t.prefix}_SOURCE_SHA256 = '${sourceHash(t)}'`,
      `export const ${t.prefix}_WASM_BASE64 = [`,
      ...chunks.map((c) => `  '${c}',`),
      "].join('')",
      '',
    ].join('\n')
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let stale = false
  for (const t of activeTargets()) {
    const file = path.join(t.dir, t.generated)
    const text = buildModuleText(t)
    if (process.argv.includes('--check')) {
      const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
      if (old !== text) {
        console.error(`${path.relative(process.cwd(), file)} is stale: run npm run build:wasm`)
        stale = true
      } else console.log(`${path.relative(process.cwd(), file)}: up to date`)
    } else {
      fs.writeFileSync(file, text)
      console.log(`wrote ${path.relative(process.cwd(), file)}`)
    }
  }
  if (stale) process.exit(1)
}
