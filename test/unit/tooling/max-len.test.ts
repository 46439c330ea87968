/**
 * No source line is wider than 160 characters (issue 23, docs/CONVENTIONS.md): eslint.config.mjs
 * sets `max-len` with nothing exempt (comments, strings, template literals and .vue templates
 * count too). These cases show the rule fires one character past the limit and stays quiet at it
 * (`npm run lint`, a step of `npm test`, holds today's tree to it).
 */
import path from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
import { MAX_LINE } from '../../../eslint.config.mjs'

const root = path.resolve(__dirname, '../../..')
const eslint = new ESLint({ cwd: root })

async function widthMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) })
  return result.messages.filter((m) => m.ruleId === 'max-len').map((m) => `${m.line}: ${m.message}`)
}

/** A line of exactly `n` characters of the given kind. */
const lines = {
  code: (n: number) => `export const ${'v'.repeat(n - 17)} = 1\n`,
  comment: (n: number) => `// ${'a'.repeat(n - 3)}\nexport const y = 1\n`,
  string: (n: number) => `export const s = '${'b'.repeat(n - 19)}'\n`,
  template: (n: number) => `export const t = (v: number) => \`\${v}${'c'.repeat(n - 38)}\`\n`,
}

describe(`no line wider than ${MAX_LINE} characters (eslint.config.mjs)`, () => {
  it('the limit is 160', () => expect(MAX_LINE).toBe(160))

  it.each(Object.entries(lines))('%s: 161 characters fail the lint, 160 pass', async (_kind, make) => {
    expect(make(161).split('\n')[0]).toHaveLength(161)
    expect(make(160).split('\n')[0]).toHaveLength(160)
    for (const file of ['src-main/services/labels/probe.ts', 'src-renderer/src/probe.ts', 'test/unit/probe.test.ts', 'scripts/probe.ts']) {
      expect(await widthMessages(file, make(161))).toEqual(['1: This line has a length of 161. Maximum allowed is 160.'])
      expect(await widthMessages(file, make(160))).toEqual([])
    }
  })

  it('a .vue template line counts too', async () => {
    const vue = (n: number) => `<template>\n  <p>${'d'.repeat(n - 9)}</p>\n</template>\n\n<script setup lang="ts">\nconst a = 1\n</script>\n`
    expect(vue(161).split('\n')[1]).toHaveLength(161)
    expect(await widthMessages('src-renderer/src/components/Probe.vue', vue(161))).toEqual(['2: This line has a length of 161. Maximum allowed is 160.'])
    expect(await widthMessages('src-renderer/src/components/Probe.vue', vue(160))).toEqual([])
  })
})
