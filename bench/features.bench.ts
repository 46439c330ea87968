/**
 * eGeMAPS extraction speed on one thread (no pool), as times real time, measured in its own
 * process (bench/features_measure.ts) with that process's peak RSS, and the ratio to Praat
 * doing pitch (ac), formant (burg) and harmonicity (cc) analysis of the same files in the
 * same run (one Praat process for all files, so its start-up is paid once; the time of an
 * empty Praat run is subtracted). The Praat reference is named with its version (`praat
 * --version`) and the settings of each command (PRAAT_SETTINGS), as every bench reference is.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchContext, BenchRow } from './harness'

const here = path.dirname(fileURLToPath(import.meta.url))

/** What the reference runs: Praat's commands with their settings (the script below uses exactly these). */
export const PRAAT_SETTINGS = {
  pitch: 'To Pitch (ac): 0.01, 75, 15, "no", 0.03, 0.45, 0.01, 0.35, 0.14, 600',
  formant: 'To Formant (burg): 0.01, 5, 5500, 0.025, 50',
  harmonicity: 'To Harmonicity (cc): 0.01, 75, 0.1, 1.0',
}

const VOICES = [
  ['en+m3', 40, 160], ['en+f2', 75, 180], ['en+m1', 60, 200], ['en+f4', 30, 120],
] as const
const TEXT = 'The quick brown fox jumps over the lazy dog, and then it runs back home across the wide green field before the evening rain begins.'

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const files: string[] = []
  for (const [v, p, s] of VOICES.slice(0, ctx.quick ? 2 : 4)) {
    const raw = path.join(ctx.tmpDir, `${v}-raw.wav`)
    const out = path.join(ctx.tmpDir, `${v.replace('+', '_')}.wav`)
    execFileSync('espeak-ng', ['-v', v, '-p', String(p), '-s', String(s), '-w', raw, TEXT])
    execFileSync('sox', [raw, '-D', '-r', '16000', '-c', '1', '-b', '16', out])
    files.push(out)
  }
  // Own process: its peak RSS is the extraction's (plus Node's own ~90 MiB, reported apart).
  const m = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'features_measure.ts'), ...files], { cwd: path.resolve(here, '..'), encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!,
  ) as { seconds: number; path: string; best: number; realTime: number; bestCpu: number; realTimePerCpu: number; baseRssMiB: number; peakRssMiB: number }
  const seconds = m.seconds
  const ours = m.realTime
  ctx.log(
    `eGeMAPS: ${seconds.toFixed(1)} s of audio in ${(m.best * 1000).toFixed(1)} ms wall, ${(m.bestCpu * 1000).toFixed(1)} ms CPU (${ours.toFixed(0)}x / ` +
      `${m.realTimePerCpu.toFixed(0)}x real time, one thread, ${m.path === 'wasm' ? 'WebAssembly kernels' : 'JavaScript path'}; ` +
      `peak RSS ${m.peakRssMiB.toFixed(0)} MiB, ${m.baseRssMiB.toFixed(0)} MiB before the first clip)`,
  )
  const praatVersion = execFileSync('praat', ['--version'], { encoding: 'utf8' }).trim()
  ctx.log(`reference: ${praatVersion}; ${Object.values(PRAAT_SETTINGS).join('; ')}`)

  const script = path.join(ctx.tmpDir, 'bench.praat')
  const list = path.join(ctx.tmpDir, 'files.txt')
  fs.writeFileSync(list, files.join('\n') + '\n')
  fs.writeFileSync(
    script,
    `form Bench
  sentence list
  integer work
endform
if work
  strings = Read Strings from raw text file: list$
  n = Get number of strings
  for i to n
    selectObject: strings
    f$ = Get string: i
    s = Read from file: f$
    p = ${PRAAT_SETTINGS.pitch}
    selectObject: s
    fm = ${PRAAT_SETTINGS.formant}
    selectObject: s
    h = ${PRAAT_SETTINGS.harmonicity}
    removeObject: s, p, fm, h
  endfor
endif
`,
  )
  const run = (work: number) => {
    const t0 = process.hrtime.bigint()
    execFileSync('praat', ['--run', script, list, String(work)])
    return Number(process.hrtime.bigint() - t0) / 1e9
  }
  let praatBest = Infinity, emptyBest = Infinity
  for (let rep = 0; rep < 3; rep++) {
    emptyBest = Math.min(emptyBest, run(0))
    praatBest = Math.min(praatBest, run(1))
  }
  const praatWork = Math.max(1e-3, praatBest - emptyBest)
  const praatX = seconds / praatWork
  ctx.log(
    `Praat pitch+formant+harmonicity: ${(praatWork * 1000).toFixed(1)} ms (${praatX.toFixed(0)}x real time; ` +
      `start-up ${(emptyBest * 1000).toFixed(0)} ms excluded)`,
  )
  return [
    {
      name: 'eGeMAPS 88 extraction speed, one thread (x real time)',
      value: ours,
      unit: 'x real time',
      ratio: ours,
      target: { op: '>=', value: 500, of: 'ratio' },
      note: `${seconds.toFixed(1)} s of 16 kHz speech, ${files.length} voices; best of 7 passes after 2 warm-up passes; load ${os.loadavg()[0].toFixed(1)}`,
    },
    {
      name: 'eGeMAPS 88 extraction speed per core: audio seconds per CPU second of the extracting process (x real time)',
      value: m.realTimePerCpu,
      unit: 'x real time',
      ratio: m.realTimePerCpu,
      target: { op: '>=', value: 500, of: 'ratio' },
      note: 'CPU time is less inflated than wall time by other work on a shared machine, not immune to it (caches, frequency)',
    },
    {
      name: 'eGeMAPS 88 extraction peak memory (process RSS; Node alone before the first clip in the note)',
      value: m.peakRssMiB,
      unit: 'MiB',
      note: `${m.baseRssMiB.toFixed(0)} MiB before the first extraction`,
    },
    {
      name: 'eGeMAPS 88 vs Praat pitch+formant+harmonicity (speed ratio)',
      value: ours,
      unit: 'x real time',
      reference: { name: `${praatVersion}, pitch ac + formant burg + harmonicity cc (settings in the log), x real time`, value: praatX },
      ratio: ours / praatX,
      target: { op: '>=', value: 1, of: 'ratio' },
    },
  ]
}
