/** What scripts/readme-check.mjs (a CI step) runs: the README's set-up block as written. */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
// @ts-expect-error -- plain JS script without type declarations
import { readmeSetupCommands } from '../../../scripts/readme-check.mjs'

const root = path.resolve(__dirname, '../../..')
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')

describe('README set-up block', () => {
  it('is read line by line as written, comments dropped', () => {
    const commands = readmeSetupCommands(readme) as string[]
    expect(commands).toContain('npm ci && npm start')
    expect(commands).toContain('npm test')
    // Whatever the README says is what CI runs: a changed line is a changed check.
    const changed = readme.replace('npm ci && npm start ', 'npm install && npm start ')
    expect(readmeSetupCommands(changed)).toContain('npm install && npm start')
  })

  it('refuses a README without the block, by name', () => {
    expect(() => readmeSetupCommands(readme.replace(/^## Set-up/m, '## Installing'))).toThrow(/no ```bash block under a "## Set-up" heading/)
  })

  it('has a Troubleshooting row for every tool the preflight can name', async () => {
    const trouble = /^## Troubleshooting\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? ''
    // @ts-expect-error -- plain JS script without type declarations
    const { NEEDS } = await import('../../../scripts/system-packages.mjs')
    const tools = new Set([...Object.values(NEEDS as Record<string, string[]>).flat(), 'node', 'npm dependencies', 'better-sqlite3'])
    for (const t of tools) expect(trouble, `Troubleshooting has no "MISSING ${t}:" row`).toContain(`\`MISSING ${t}: `)
  })
})
