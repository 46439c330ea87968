/**
 * Training throughput (pairs per second) and peak memory of the Siamese engine's real
 * training loop, for the MLP (eGeMAPS, 64 pairs per step) and the CNN (log-mel
 * 128 frames x 64 mels, 16 pairs per step), each against the same architecture, batch,
 * loss and optimiser (Adam 1e-3) in PyTorch (Debian python3-torch, 2 threads), measured
 * in the same run. Each side runs in its own process (peak RSS is per process), the
 * two alternate, and the best of the rounds is kept so a burst of load from other work
 * on the machine does not decide the ratio. Each round's log line carries the load averages.
 * The CNN's wasm steps are split over min(2, cores) threads (model/data-parallel.ts), as
 * PyTorch uses 2; SER_TRAIN_THREADS=1 measures the single-threaded loop.
 */
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchContext, BenchRow } from './harness'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')

interface Measure {
  pairsPerSecond: number
  peakRssMiB: number
  backend?: string
  threads?: number
  trainThreads?: number
  simd?: boolean
  torch?: string
}

function js(arch: string, pairs: number, steps: number): Measure {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'train_measure.ts'), arch, String(pairs), String(steps)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return JSON.parse(out.trim().split('\n').pop()!)
}

function torch(arch: string, pairs: number, steps: number): Measure {
  const out = execFileSync('/usr/bin/python3', [path.join(here, 'torch_reference.py'), '--arch', arch, '--pairs', String(pairs), '--steps', String(steps), '--warmup', arch === 'cnn' ? '2' : '10', '--threads', '2'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return JSON.parse(out.trim().split('\n').pop()!)
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const plans = [
    { arch: 'mlp', label: 'MLP (88-256-128-64)', pairs: 64, steps: ctx.quick ? 100 : 300, target: 1 },
    { arch: 'cnn', label: 'CNN (log-mel 128x64, conv 16-32-64)', pairs: 16, steps: ctx.quick ? 4 : 20, target: 0.25 },
  ]
  for (const p of plans) {
    const rounds = ctx.quick ? 1 : 3
    let best = undefined as Measure | undefined
    let ref = undefined as Measure | undefined
    const loads: string[] = []
    for (let r = 0; r < rounds; r++) {
      const t = torch(p.arch, p.pairs, p.steps)
      const j = js(p.arch, p.pairs, p.steps)
      loads.push(os.loadavg()[0].toFixed(1))
      ctx.log(
        `${p.arch} round ${r + 1}: tfjs ${j.backend} x${j.trainThreads ?? 1} ${j.pairsPerSecond.toFixed(0)} pairs/s, torch ${t.pairsPerSecond.toFixed(0)} pairs/s (ratio ${(j.pairsPerSecond / t.pairsPerSecond).toFixed(2)}; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`,
      )
      if (!best || j.pairsPerSecond > best.pairsPerSecond) best = { ...j, peakRssMiB: Math.max(j.peakRssMiB, best ? best.peakRssMiB : 0) }
      if (!ref || t.pairsPerSecond > ref.pairsPerSecond) ref = { ...t, peakRssMiB: Math.max(t.peakRssMiB, ref ? ref.peakRssMiB : 0) }
    }
    const b = best!
    const t = ref!
    const tt = b.trainThreads ?? 1
    const backend = `${b.backend}${b.backend === 'wasm' ? ` (SIMD ${b.simd ? 'on' : 'off'}, ${tt > 1 ? `data-parallel over ${tt} threads` : '1 thread'})` : ''}`
    rows.push({
      name: `${p.label} training throughput, ${p.pairs} pairs/step, ${backend}`,
      value: b.pairsPerSecond,
      unit: 'pairs/s',
      reference: { name: `PyTorch ${t.torch} 2 threads`, value: t.pairsPerSecond },
      ratio: b.pairsPerSecond / t.pairsPerSecond,
      target: { op: '>=', value: p.target, of: 'ratio' },
      note: `1-min load average after each round: ${loads.join(', ')} (2 cores; best round of each side kept)`,
    })
    rows.push({
      name: `${p.label} training peak memory (process RSS)`,
      value: b.peakRssMiB,
      unit: 'MiB',
      reference: { name: 'PyTorch process', value: t.peakRssMiB },
      ratio: b.peakRssMiB / t.peakRssMiB,
    })
  }
  return rows
}
