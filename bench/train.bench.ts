/**
 * Training throughput (pairs per second) and peak memory of the Siamese engine's real
 * training loop, for the MLP (eGeMAPS, 64 pairs per step) and the CNN (log-mel
 * 128 frames x 64 mels, 16 pairs per step), each against the same architecture, batch,
 * loss and optimiser (Adam 1e-3) in PyTorch at its best on this CPU, measured in the same
 * run: Debian python3-torch with an optimised BLAS (the bench refuses to give a ratio against
 * the reference Netlib BLAS, which Debian's libblas.so.3 is unless OpenBLAS is installed:
 * `npm run setup` installs libopenblas0-pthread), run at 1 and at 2 threads every round, the
 * faster kept (for these small networks one thread is usually faster). The reference command
 * alone runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (some machines set them for
 * old OpenBLAS builds; they slow a current one) and OMP/OPENBLAS threads = the thread count.
 * Each side runs in its own process (peak RSS is per process), they alternate, and the best
 * of the rounds is kept so a burst of load from other work does not decide the ratio. Each
 * round's log line carries the load averages. Our side is treated the same way: every round
 * runs the engine at 1 thread and data-parallel over 2 (model/data-parallel.ts) and keeps the
 * faster; SER_TRAIN_THREADS=N pins it to N (the product's defaults: MLP 1, CNN min(2, cores)).
 */
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchContext, BenchRow } from './harness'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')

export interface BlasInfo {
  libs: string[]
  kind: string
  config: string | null
  core: string | null
  threads: number | null
}

interface Measure {
  pairsPerSecond: number
  /** Pairs per CPU-second of the measuring process (warm-up included): less sensitive to other work on the machine. */
  cpuPairsPerSecond?: number | null
  peakRssMiB: number
  backend?: string
  threads?: number
  trainThreads?: number
  simd?: boolean
  torch?: string
  blas?: BlasInfo
}

/** Why a PyTorch measurement is no fair reference (null when it is): a reference or unknown BLAS. */
export function unfairReference(blas: BlasInfo | undefined): string | null {
  if (!blas) return 'the reference did not report which BLAS it loaded'
  if (!['OpenBLAS', 'MKL', 'BLIS'].includes(blas.kind)) {
    return (
      `PyTorch multiplies with ${blas.kind} BLAS (${blas.libs.join(', ') || 'no BLAS library mapped'}), not an optimised one: ` +
      `install libopenblas0-pthread (npm run setup)`
    )
  }
  return null
}

/** "OpenBLAS 0.3.21 (Cooperlake, 1 thread)": what the reference ran on. */
export function describeBlas(b: BlasInfo): string {
  return `${b.config ?? b.kind}${b.core ? `, core ${b.core}` : ''}${b.threads !== null ? `, ${b.threads} BLAS thread${b.threads === 1 ? '' : 's'}` : ''}`
}

function js(arch: string, pairs: number, steps: number, threads: number | null): Measure {
  const env: NodeJS.ProcessEnv = threads === null ? process.env : { ...process.env, SER_TRAIN_THREADS: String(threads) }
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'train_measure.ts'), arch, String(pairs), String(steps)], {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return JSON.parse(out.trim().split('\n').pop()!)
}

function torch(arch: string, pairs: number, steps: number, threads: number): Measure {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) }
  delete env.OPENBLAS_CORETYPE
  delete env.OPENBLAS_L2_SIZE
  const args = ['--arch', arch, '--pairs', String(pairs), '--steps', String(steps), '--warmup', arch === 'cnn' ? '2' : '10', '--threads', String(threads)]
  const out = execFileSync('/usr/bin/python3', [path.join(here, 'torch_reference.py'), ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return JSON.parse(out.trim().split('\n').pop()!)
}

/** "tfjs 40 000 vs torch 52 000 pairs/CPU-s (0.77)", or "n/a" where a side did not report CPU time. */
function cpuRatio(j: Measure, t: Measure): string {
  if (!j.cpuPairsPerSecond || !t.cpuPairsPerSecond) return 'n/a'
  return `tfjs ${j.cpuPairsPerSecond.toFixed(0)} vs torch ${t.cpuPairsPerSecond.toFixed(0)} (${(j.cpuPairsPerSecond / t.cpuPairsPerSecond).toFixed(2)})`
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const plans = [
    { arch: 'mlp', label: 'MLP (88-256-128-64)', pairs: 64, steps: ctx.quick ? 100 : 300, target: 1 },
    { arch: 'cnn', label: 'CNN (log-mel 128x64, conv 16-32-64)', pairs: 16, steps: ctx.quick ? 4 : 20, target: 1 },
  ]
  const pinned = Number(process.env.SER_TRAIN_THREADS) > 0
  for (const p of plans) {
    const rounds = ctx.quick ? 1 : 3
    let best = undefined as Measure | undefined
    let ref = undefined as Measure | undefined
    const loads: string[] = []
    for (let r = 0; r < rounds; r++) {
      const t1 = torch(p.arch, p.pairs, p.steps, 1)
      const t2 = torch(p.arch, p.pairs, p.steps, 2)
      const t = t1.pairsPerSecond >= t2.pairsPerSecond ? t1 : t2
      // Our side at its best too: 1 and 2 threads (data-parallel) unless SER_TRAIN_THREADS pins it.
      const js1 = js(p.arch, p.pairs, p.steps, pinned ? null : 1)
      const js2 = pinned ? null : js(p.arch, p.pairs, p.steps, 2)
      const j = js2 && js2.pairsPerSecond > js1.pairsPerSecond ? js2 : js1
      loads.push(os.loadavg()[0].toFixed(1))
      const ours = js2 ? `x1 ${js1.pairsPerSecond.toFixed(0)} / x2 ${js2.pairsPerSecond.toFixed(0)}` : `x${j.trainThreads ?? 1} ${j.pairsPerSecond.toFixed(0)}`
      ctx.log(
        `${p.arch} round ${r + 1}: tfjs ${j.backend} ${ours} pairs/s, ` +
          `torch 1 thr ${t1.pairsPerSecond.toFixed(0)} / 2 thr ${t2.pairsPerSecond.toFixed(0)} pairs/s (${t.blas ? describeBlas(t.blas) : 'BLAS unknown'}; ` +
          `ratio to the faster ${(j.pairsPerSecond / t.pairsPerSecond).toFixed(2)}; per CPU-second ${cpuRatio(j, t)}; ` +
          `load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`,
      )
      for (const m of [t1, t2]) {
        const why = unfairReference(m.blas)
        if (why) throw new Error(`refusing a ratio against this PyTorch: ${why}`)
      }
      if (!best || j.pairsPerSecond > best.pairsPerSecond) best = { ...j, peakRssMiB: Math.max(j.peakRssMiB, best ? best.peakRssMiB : 0) }
      if (!ref || t.pairsPerSecond > ref.pairsPerSecond) ref = { ...t, peakRssMiB: Math.max(t.peakRssMiB, ref ? ref.peakRssMiB : 0) }
    }
    const b = best!
    const t = ref!
    const tt = b.trainThreads ?? 1
    const how = pinned ? 'SER_TRAIN_THREADS' : 'best of 1 and 2 threads'
    const threadsText = tt > 1 ? `data-parallel over ${tt} threads` : '1 thread'
    const backend = `${b.backend}${b.backend === 'wasm' ? ` (SIMD ${b.simd ? 'on' : 'off'}, ${how}: ${threadsText})` : ''}`
    rows.push({
      name: `${p.label} training throughput, ${p.pairs} pairs/step, ${backend}`,
      value: b.pairsPerSecond,
      unit: 'pairs/s',
      reference: { name: `PyTorch ${t.torch}, ${describeBlas(t.blas!)}, best of 1 and 2 threads: ${t.threads}`, value: t.pairsPerSecond },
      ratio: b.pairsPerSecond / t.pairsPerSecond,
      target: { op: '>=', value: p.target, of: 'ratio' },
      note:
        `1-min load average after each round: ${loads.join(', ')} (${os.cpus().length} cores; best round of each side kept; reference env: ` +
        `OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset)`,
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
