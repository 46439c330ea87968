/**
 * The preflight of `npm test` / `npm start`, run as a person runs it (a child process), on a
 * PATH made of links to this machine's real tools with one left out at a time.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium } from '../../../src-main/services/system/environment'

const root = path.resolve(__dirname, '../../..')
const script = path.join(root, 'scripts/preflight.mjs')
// Every binary the `test` preflight looks for, and the package that brings it on Debian.
const BINARIES: Record<string, string> = {
  'espeak-ng': 'espeak-ng',
  sox: 'libsox-fmt-all',
  ffmpeg: 'ffmpeg',
  praat: 'praat',
  sbatch: 'slurm-client',
  sinfo: 'slurm-client',
  slurmctld: 'slurmctld',
  slurmd: 'slurmd',
  munged: 'munge',
  mungekey: 'munge',
  'stress-ng': 'stress-ng',
  clang: 'clang',
  'wasm-ld': 'lld',
}

function locate(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin']
  const found = dirs.map((d) => path.join(d, name)).find((p) => fs.existsSync(p))
  if (!found) throw new Error(`${name} is not installed on this machine: the preflight test needs the real tools (npm run setup)`)
  return found
}

let tmp: string
const real: Record<string, string> = {}
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-preflight-'))
  const chromium = findChromium()
  if (!chromium) throw new Error('no Chromium on this machine: the preflight test needs it')
  real.chromium = chromium
  for (const b of Object.keys(BINARIES)) real[b] = locate(b)
})
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

/** A folder of links to the real tools, minus `without`; returns it for use as PATH. */
function binDir(without: string[] = [], extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'bin-'))
  for (const [name, target] of Object.entries(real)) if (!without.includes(name)) fs.symlinkSync(target, path.join(dir, name))
  for (const [name, body] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), body, { mode: 0o755 })
  return dir
}

function preflight(args: string[], env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'SER_CHROMIUM')) as Record<string, string>
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', env: { ...clean, ...env } })
  return { status: r.status, text: `${r.stdout}${r.stderr}` }
}

describe('preflight', () => {
  it('passes, silently, when every tool is there', () => {
    const r = preflight(['test'], { PATH: binDir() })
    expect(r.text).toBe('')
    expect(r.status).toBe(0)
  })

  it.each(Object.keys(BINARIES))('stops and names %s, what it is for and how to get it, when it is missing', (tool) => {
    const r = preflight(['test', '--os', 'debian'], { PATH: binDir([tool]) })
    expect(r.status).toBe(1)
    expect(r.text).toMatch(/`npm test` cannot run: 1 thing is missing/)
    expect(r.text).toContain(tool)
    expect(r.text).toMatch(/used for: \S/)
    // Off PATH but in /usr/sbin (Debian's daemons), the fix is the PATH; otherwise the apt package.
    if (real[tool].includes('/sbin/')) expect(r.text).toContain(`installed in ${path.dirname(real[tool])}, which is not on PATH`)
    else expect(r.text).toMatch(new RegExp(`fix: (sudo )?apt-get install -y --no-install-recommends .*\\b${BINARIES[tool]}\\b`))
  })

  it('names every missing tool at once, with one install command for them all', () => {
    const r = preflight(['test', '--os', 'fedora'], { PATH: binDir(['chromium', 'praat', 'ffmpeg']) })
    expect(r.status).toBe(1)
    expect(r.text).toMatch(/3 things are missing/)
    for (const t of ['chromium', 'praat', 'ffmpeg']) expect(r.text).toContain(`MISSING ${t}`)
    expect(r.text).toMatch(/All at once:\n\s+(sudo )?dnf install -y chromium ffmpeg-free praat/)
  })

  it('looks for Chromium where SER_CHROMIUM points, and names the variable when that is wrong', () => {
    const noChromium = binDir(['chromium'])
    expect(preflight(['test'], { PATH: noChromium, SER_CHROMIUM: real.chromium }).status).toBe(0)
    const wrong = preflight(['test'], { PATH: binDir(), SER_CHROMIUM: path.join(tmp, 'no-such-chrome') })
    expect(wrong.status).toBe(1)
    expect(wrong.text).toContain(`SER_CHROMIUM=${path.join(tmp, 'no-such-chrome')} does not exist`)
    const none = preflight(['test', '--os', 'macos'], { PATH: noChromium })
    expect(none.text).toMatch(/MISSING chromium: none of chromium, .* is on PATH and SER_CHROMIUM is not set/)
    expect(none.text).toContain('brew install --cask chromium')
    expect(none.text).toContain('set SER_CHROMIUM')
  })

  it.each(['chromium-browser', 'google-chrome', 'google-chrome-stable'])('finds Chromium named %s, as the end-to-end tests do', (name) => {
    const dir = binDir(['chromium'])
    fs.symlinkSync(real.chromium, path.join(dir, name))
    expect(preflight(['test'], { PATH: dir }).status).toBe(0)
    const saved = { PATH: process.env.PATH, SER_CHROMIUM: process.env.SER_CHROMIUM }
    try {
      process.env.PATH = dir
      delete process.env.SER_CHROMIUM
      expect(findChromium()).toBe(path.join(dir, name))
    } finally {
      process.env.PATH = saved.PATH
      if (saved.SER_CHROMIUM !== undefined) process.env.SER_CHROMIUM = saved.SER_CHROMIUM
    }
  })

  it('checks the formats sox writes, not only that sox exists', () => {
    // A sox built without the MP3/Ogg handlers (Debian's sox without libsox-fmt-all) lists only these.
    const stub = '#!/bin/sh\necho "AUDIO FILE FORMATS: 8svx aif au flac raw wav"\n'
    const r = preflight(['test', '--os', 'debian'], { PATH: binDir(['sox'], { sox: stub }) })
    expect(r.status).toBe(1)
    expect(r.text).toContain('sox cannot write mp3, ogg')
    expect(r.text).toContain('libsox-fmt-all')
  })

  it('gives Windows users winget or a download page', () => {
    const r = preflight(['test', '--os', 'windows'], { PATH: binDir(['ffmpeg', 'praat']) })
    expect(r.text).toContain('winget install Gyan.FFmpeg')
    expect(r.text).toContain('praat: https://www.fon.hum.uva.nl/praat/')
  })

  it('lets `npm start` run without the test tools and says what an absent one costs', () => {
    const r = preflight(['start'], { PATH: binDir(['ffmpeg', 'sox', 'praat', 'chromium', 'sbatch']) })
    expect(r.status).toBe(0)
    expect(r.text).toMatch(/note: ffmpeg is not installed: needed only for importing eNTERFACE/)
    expect(r.text).not.toContain('MISSING')
  })

  it('refuses an unknown command by name', () => {
    const r = preflight(['tests'], { PATH: binDir() })
    expect(r.status).not.toBe(0)
    expect(r.text).toContain('unknown preflight target "tests"')
  })
})
