/**
 * The layer rules of docs/CONVENTIONS.md as eslint.config.mjs enforces them: each rule broken
 * on purpose must fail the lint, the allowed directions must pass, and the table in the docs
 * must be the table in the config.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const root = path.resolve(__dirname, '../../..')
const eslint = new ESLint({ cwd: root })

async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) })
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`)
}

describe('layers (eslint.config.mjs)', () => {
  it.each([
    ['src-main/services/store/probe.ts', "import { app } from 'electron'\nexport const a = app", /only src-main\/electron and src-preload import electron/],
    ['src-main/services/features/probe.ts', "import { app } from 'electron'\nexport const a = app", /import electron/],
    ['src-main/api/probe.ts', "import { app } from 'electron'\nexport const a = app", /import electron/],
    ['src-main/services/store/probe.ts', "import { x } from '../model/index'\nexport const a = x", /services\/store may import only no other service folder/],
    [
      'src-main/services/corpus/probe.ts',
      "import { x } from '../features/index'\nexport const a = x",
      /services\/corpus may import only store, jobs, audio, engine/,
    ],
    ['src-main/services/engine/kernels/probe.ts', "import { x } from '../../corpus/index'\nexport const a = x", /services\/engine may import only/],
    ['src-main/services/model/probe.ts', "import { x } from '../experiment/index'\nexport const a = x", /services\/model may import only/],
    [
      'src-main/services/model/probe.ts',
      "import type { AppRouter } from '../../api/router'\nexport type A = AppRouter",
      /services never import api, shell, electron or cli/,
    ],
    ['src-main/services/live/probe.ts', "export { x } from '../../shell/server'", /services never import api/],
    ['src-main/api/routers/probe.ts', "import { x } from '../../shell/server'\nexport const a = x", /src-main\/api may not import shell/],
    [
      'src-renderer/src/views/probe.ts',
      "import { x } from '../../../src-main/services/store/workspace'\nexport const a = x",
      /src-renderer never imports src-main/,
    ],
    [
      'src-renderer/src/views/Probe.vue',
      '<script setup lang="ts">\nimport { x } from \'../../../src-main/api/router\'\nconsole.log(x)\n</script>\n',
      /src-renderer never imports src-main/,
    ],
    ['src-renderer/src/probe.ts', "import fs from 'node:fs'\nexport const a = fs", /runs in the browser: no Node modules/],
    ['src-shared/contract/probe.ts', "import { appRouter } from '../../src-main/api/router'\nexport const a = appRouter", /src-shared never imports src-main/],
  ])('%s: a broken rule fails the lint', async (file, code, message) => {
    const messages = await lint(file, code)
    expect(messages.join('\n')).toMatch(message)
  })

  it.each([
    [
      'src-main/services/model/probe.ts',
      "import { x } from '../features/index'\nimport { y } from '../../services/store/workspace'\nexport const a = [x, y]\n",
    ],
    ['src-main/services/experiment/probe.ts', "import { x } from '../model/index'\nimport { w } from '../workers'\nexport const a = [x, w]\n"],
    ['src-main/electron/probe.ts', "import { app } from 'electron'\nimport { r } from '../api/router'\nexport const a = [app, r]\n"],
    ['src-preload/probe.ts', "import { contextBridge } from 'electron'\nexport const a = contextBridge\n"],
    ['src-shared/contract/probe.ts', "export type { AppRouter } from '../../src-main/api/router'\n"],
    ['src-renderer/src/probe.ts', "import { EMOTIONS } from '../../src-shared/emotions'\nexport const a = EMOTIONS\n"],
  ])('%s: an allowed import passes', async (file, code) => {
    expect(await lint(file, code)).toEqual([])
  })

  it('fails on a correctness bug and on the house format, not on taste', async () => {
    const messages = (await lint('src-main/services/store/probe.ts', 'export const a = "x";\nexport const b = (n: number) => n === n\n')).join('\n')
    expect(messages).toMatch(/^quotes: /m)
    expect(messages).toMatch(/^semi: /m)
    expect(messages).toMatch(/^no-self-compare: /m)
    expect(await lint('src-main/services/store/probe.ts', "export const a = 'x'\n")).toEqual([])
  })

  it('names every service folder in the layer table, and the docs show the same table', async () => {
    const { SERVICE_LEVELS } = (await import(path.join(root, 'eslint.config.mjs'))) as { SERVICE_LEVELS: string[][] }
    const onDisk = fs.readdirSync(path.join(root, 'src-main/services'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)
    // Every folder is placed (a folder may be listed before the branch that adds it lands).
    for (const folder of onDisk) expect(SERVICE_LEVELS.flat(), `src-main/services/${folder} is not in SERVICE_LEVELS`).toContain(folder)
    // docs/CONVENTIONS.md, section Layers: "| N | folder, folder | ..." rows, level 0 first.
    const docs = fs.readFileSync(path.join(root, 'docs/CONVENTIONS.md'), 'utf8')
    const rows = [...docs.matchAll(/^\| (\d) \| ([a-z, ]+) \|/gm)].map((m) => m[2].split(',').map((s) => s.trim()))
    expect(rows).toEqual(SERVICE_LEVELS)
  })

  it('`npm run lint` exits non-zero on a file that breaks a layer', () => {
    const probe = path.join(root, `src-main/services/store/lint-probe-${process.pid}.ts`)
    fs.writeFileSync(probe, "import { app } from 'electron'\nexport const probe = app\n")
    try {
      const r = spawnSync(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), path.relative(root, probe)], { cwd: root, encoding: 'utf8' })
      expect(r.status).toBe(1)
      expect(r.stdout).toContain('only src-main/electron and src-preload import electron')
    } finally {
      fs.rmSync(probe, { force: true })
    }
  })
})
