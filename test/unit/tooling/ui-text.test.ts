/**
 * What the UI shows speaks to a person, not to a shell: no `--flag` syntax in the renderer's
 * texts or in the experiment report's claims, and no browser dialogs (window.prompt/confirm/
 * alert, which Electron does not support): the in-app dialog asks instead (eslint.config.mjs).
 */
import fs from 'node:fs'
import path from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
import { evaluateClaims } from '../../../src-main/services/experiment/index'
import { recordsFor, smallGrid } from '../experiment/records'

const root = path.resolve(__dirname, '../../..')
const renderer = path.join(root, 'src-renderer/src')

function filesUnder(dir: string, ext: RegExp): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && ext.test(e.name)).map((e) => path.join(e.parentPath, e.name))
}

/** `--name` as a command-line flag: not a CSS custom property (`var(--x)`, a `'--x':` style key) nor a decrement. */
const FLAG = /(?<![\w(-])--[a-z][a-z0-9-]*(?!['"]?\s*:)(?![\w-])/g

function flagsIn(text: string): string[] {
  const code = text.replace(/<style[\s\S]*?<\/style>/g, '').replace(/var\(--[\w-]+/g, '')
  return [...code.matchAll(FLAG)].map((m) => m[0])
}

describe('no command-line syntax in UI text', () => {
  it('the pattern finds a flag and leaves CSS variables alone', () => {
    expect(flagsIn("hint: 'use --source cremad=DIR'")).toEqual(['--source'])
    expect(flagsIn("<p :style=\"{ '--c': colour }\">x</p><style>.a { color: var(--muted); --ok: 1 }</style>")).toEqual([])
  })

  it('the renderer (templates, stores, components) has none', () => {
    const hits = filesUnder(renderer, /\.(vue|ts)$/).flatMap((f) => flagsIn(fs.readFileSync(f, 'utf8')).map((flag) => `${path.relative(root, f)}: ${flag}`))
    expect(hits).toEqual([])
  })

  it('the claims the Experiments report shows have none, for a full grid and for grids that lack comparisons', () => {
    const grid = smallGrid()
    const full = recordsFor(grid, (e) => 6 + (e.fold % 2))
    const texts = [[], full, full.filter((r) => r.method !== 'finetune' || r.finetune_loss !== 'distance'), full.filter((r) => r.method !== 'softmax')]
      .flatMap((records) => evaluateClaims(records, [1]))
      .flatMap((c) => [c.claim, c.rule, c.explanation, c.reason ?? '', ...c.details.map((d) => d.label)])
    expect(texts.some((t) => /fine-tuning loss/.test(t))).toBe(true)
    expect(texts.flatMap(flagsIn)).toEqual([])
  })

  it('claims.ts, whose strings the report shows, has none in its source either', () => {
    expect(flagsIn(fs.readFileSync(path.join(root, 'src-main/services/experiment/claims.ts'), 'utf8'))).toEqual([])
  })
})

describe('no browser dialogs in the renderer', () => {
  const eslint = new ESLint({ cwd: root })
  const restricted = (r: ESLint.LintResult) => r.messages.filter((m) => m.ruleId === 'no-restricted-globals' || m.ruleId === 'no-restricted-properties')

  it.each([
    ["window.prompt('name?')", 'window.prompt'],
    ["window.confirm('sure?')", 'window.confirm'],
    ["alert('done')", 'alert'],
    ["globalThis.alert('done')", 'globalThis.alert'],
  ])('%s fails the lint', async (call, name) => {
    const [r] = await eslint.lintText(`export function f(): void {\n  ${call}\n}\n`, { filePath: path.join(renderer, 'views/probe.ts') })
    expect(restricted(r).map((m) => m.message).join('\n')).toContain(`use the in-app dialog (composables/dialog.ts), not ${name}()`)
  })

  it('the renderer as it is calls none (the dialog replaced every one)', () => {
    const call = /(?<![\w.])(?:(?:window|globalThis|self)\.)?(prompt|confirm|alert)\s*\(/g
    const hits = filesUnder(renderer, /\.(vue|ts)$/).flatMap((f) =>
      fs
        .readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          line.trim().startsWith('*') || line.trim().startsWith('//') ? [] : [...line.matchAll(call)].map((m) => `${path.relative(root, f)}:${i + 1} ${m[0]}`),
        ),
    )
    expect(hits).toEqual([])
  })
})
