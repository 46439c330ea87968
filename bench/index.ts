import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { meets, type BenchModule, type BenchRow } from './harness'

const here = path.dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const only = args.filter((a) => !a.startsWith('--'))

const files = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()

const all: { file: string; rows: BenchRow[] }[] = []
let failed = 0
for (const file of files) {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-bench-'))
  console.error(`\n== ${file}`)
  try {
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as BenchModule
    const rows = await mod.bench({ tmpDir, quick, log: (m) => console.error(`   ${m}`) })
    all.push({ file, rows })
  } catch (err) {
    failed++
    console.error(`   FAILED: ${(err as Error).stack ?? err}`)
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true })
  }
}

const fmt = (v: number | undefined) => (v === undefined ? '' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3))
console.log('\n| bench | measure | value | unit | reference | ratio | target | met |')
console.log('|---|---|---|---|---|---|---|---|')
for (const { file, rows } of all) {
  for (const r of rows) {
    const ok = meets(r)
    const target = r.target ? `${r.target.of} ${r.target.op} ${r.target.value}` : ''
    const ref = r.reference ? `${r.reference.name}: ${fmt(r.reference.value)}` : ''
    console.log(
      `| ${file.replace('.bench.ts', '')} | ${r.name} | ${fmt(r.value)} | ${r.unit} | ${ref} | ${fmt(r.ratio)} | ${target} | ` +
        `${ok === null ? '' : ok ? 'yes' : 'NO'} |`,
    )
    if (r.note) console.log(`|  | ${r.note} | | | | | | |`)
  }
}
if (failed) {
  console.error(`\n${failed} bench file(s) failed`)
  process.exitCode = 1
}
