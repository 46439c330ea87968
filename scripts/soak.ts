#!/usr/bin/env -S npx tsx
/**
 * `npm run soak [-- --requests N --kills N --seed S]`: the long fault and abuse run,
 * against real shell processes on 127.0.0.1 only, printing its figures:
 *   (a) hostile HTTP/WebSocket requests through raw sockets (default 20 000), then a check
 *       that the server is alive and answers correctly;
 *   (b) kill -9 of the server at random moments during label writes (default 50 kills):
 *       acknowledged labels against labels present, doubles, PRAGMA integrity_check;
 *   (c) kill -9 during import and training, (d) hostile audio files: run from
 *       scripts/soak-import-train.ts and scripts/soak-hostile-files.ts when those exist
 *       (each prints its own figures; exit status 0 = passed).
 * The bounded versions of (a) and (b) run in `npm test` (test/unit/fault/).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { abuse, answersCorrectly, killDuringWrites, oversizedFrame, peakRssMiB, rendererFiles, stubRenderer } from '../test/helpers/abuse'
import { startShellProcess } from '../test/helpers/shell-process'

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '20000' }, kills: { type: 'string', default: '50' }, seed: { type: 'string', default: String(Date.now()) } },
})
const requests = Math.min(1_000_000, Math.max(1, Number(values.requests)))
const kills = Math.min(1_000, Math.max(1, Number(values.kills)))
const root = path.resolve(import.meta.dirname, '..')
const lines: string[] = []
let failed = false
const row = (part: string, measure: string, value: string, ok: boolean) => {
  lines.push(`| ${part} | ${measure} | ${value} | ${ok ? 'ok' : 'FAILED'} |`)
  if (!ok) failed = true
}

console.error(`soak: seed ${values.seed}, ${requests} requests, ${kills} kills`)

// (a) abuse
{
  const renderer = stubRenderer()
  const shell = await startShellProcess({ renderer, fromSources: true })
  try {
    const t0 = Date.now()
    const f = await abuse(shell.port, shell.token, {
      n: requests,
      seed: values.seed!,
      concurrency: 32,
      frames: Math.min(20_000, requests / 10),
      rendererFiles: rendererFiles(renderer),
    })
    const close = await oversizedFrame(shell.port, shell.token)
    const after = await answersCorrectly(shell.port, shell.token)
    const alive =
      shell.child.exitCode === null && after.page === 'HTTP/1.1 200 OK' && after.refused === 'HTTP/1.1 401 Unauthorized' && after.echo === 'still here'
    row(
      '(a) abuse',
      'requests tried (raw sockets)',
      `${f.requests} in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${Object.keys(f.byKind).length} kinds`,
      f.requests === requests,
    )
    row('(a) abuse', 'hostile WebSocket frames', `${f.frames} (+1 over the limit: closed with ${close})`, close === 1009)
    row('(a) abuse', 'answers by status', JSON.stringify(f.byStatus), true)
    row('(a) abuse', 'files served that are not the renderer', String(f.leaked), f.leaked === 0)
    row('(a) abuse', 'alive and answering correctly afterwards', alive ? 'yes' : `no: ${JSON.stringify(after)}`, alive)
    row(
      '(a) abuse',
      'faults logged by the last-resort handler',
      String((shell.output().match(/uncaught exception|unhandled rejection/g) ?? []).length),
      !/uncaught exception|unhandled rejection/.test(shell.output()),
    )
    row('(a) abuse', 'server peak memory (VmHWM)', `${peakRssMiB(shell.child.pid!)?.toFixed(0) ?? '?'} MiB`, true)
  } finally {
    await shell.stop()
    fs.rmSync(shell.workspace, { recursive: true, force: true })
    fs.rmSync(renderer, { recursive: true, force: true })
  }
}

// (b) kill -9 during label writes
{
  const t0 = Date.now()
  const f = await killDuringWrites({ kills, seed: values.seed!, fromSources: false, log: (s) => console.error(`  ${s}`) })
  row('(b) kill -9', 'kills survived', `${f.kills} in ${((Date.now() - t0) / 1000).toFixed(0)} s`, f.kills === kills)
  row(
    '(b) kill -9',
    'labels acknowledged / present',
    `${f.acknowledged} / ${f.present} (sent ${f.sent}, ${f.retried} retried after a kill)`,
    f.present === f.acknowledged && f.missing === 0 && f.acknowledged === f.sent,
  )
  row('(b) kill -9', 'labels doubled', String(f.doubled), f.doubled === 0)
  row('(b) kill -9', 'PRAGMA integrity_check', f.integrity, f.integrity === 'ok')
  row('(b) kill -9', 'server peak memory (VmHWM, last run)', `${f.peakRssMiB?.toFixed(0) ?? '?'} MiB`, true)
}

// (c), (d): other parts' scripts, when present
for (const [part, file] of [['(c) kill -9 import/training', 'scripts/soak-import-train.ts'], ['(d) hostile files', 'scripts/soak-hostile-files.ts']] as const) {
  if (!fs.existsSync(path.join(root, file))) {
    lines.push(`| ${part} | not run | ${file} is not there | - |`)
    continue
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, file)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 3_600_000,
  })
  process.stdout.write(r.stdout ?? '')
  row(part, file, `exit ${r.status}`, r.status === 0)
}

console.log('\n| part | measure | value | result |\n|---|---|---|---|')
for (const l of lines) console.log(l)
process.exit(failed ? 1 : 0)
