/**
 * A real single-node Slurm cluster for tests and benches: scripts/slurm-local.sh writes its
 * own slurm.conf in a temporary folder, runs munged, slurmctld and slurmd as its children and
 * stops them on SIGTERM. startLocalSlurm() throws with the reason (and the daemons' logs)
 * when the cluster cannot start: a test using it fails, it is never skipped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..', '..')
const script = path.join(root, 'scripts', 'slurm-local.sh')

export interface LocalSlurm {
  dir: string
  conf: string
  /** process.env plus SLURM_CONF: pass to every Slurm command. */
  env: NodeJS.ProcessEnv
  /** Stops the daemons (and any job still running) and waits until they are gone. */
  stop(): Promise<void>
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n')
  } catch {
    return '(none)'
  }
}

const live = new Set<ChildProcess>()
// a test runner that exits without the afterAll hook still takes the cluster down
process.once('exit', () => {
  for (const c of live) c.kill('SIGTERM')
})

export async function startLocalSlurm(opts: { timeoutMs?: number } = {}): Promise<LocalSlurm> {
  if (process.platform !== 'linux') throw new Error(`the local Slurm cluster needs Linux (this is ${process.platform})`)
  if (process.getuid?.() !== 0)
    throw new Error('the local Slurm cluster needs root (slurmd runs jobs as their user, munged as the munge user): run the tests as root, as .ci/run does')
  // /tmp, not $TMPDIR: the munge user must be able to reach the folder (a private TMPDIR would stop munged)
  const dir = fs.mkdtempSync(path.join(fs.existsSync('/tmp') ? '/tmp' : os.tmpdir(), 'ser-slurm-'))
  const child = spawn('bash', [script, 'run', dir], { stdio: ['ignore', 'pipe', 'pipe'] })
  live.add(child)
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const conf = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the local Slurm cluster did not start within ${(opts.timeoutMs ?? 60_000) / 1000} s`)),
      opts.timeoutMs ?? 60_000,
    )
    const onData = () => {
      const m = /^SLURM_CONF=(.+)$/m.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1].trim())
      }
    }
    child.stdout!.on('data', onData)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`scripts/slurm-local.sh exited with ${code} before the cluster was up`))
    })
  }).catch(async (err: Error) => {
    await stopChild(child, exited, dir)
    throw new Error(
      `${err.message}\n--- slurm-local.sh\n${out.trim()}\n` +
        `--- slurmctld.log\n${tail(path.join(dir, 'log/slurmctld.log'))}\n` +
        `--- slurmd.log\n${tail(path.join(dir, 'log/slurmd.log'))}\n` +
        `--- munged.log\n${tail(path.join(dir, 'munge/munged.log'))}`,
    )
  })
  return {
    dir,
    conf,
    env: { ...process.env, SLURM_CONF: conf },
    stop: () => stopChild(child, exited, dir),
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))])
  if (!done) child.kill('SIGKILL')
  // whatever the script could not stop (it was killed, say) goes by the pid files
  spawnSync('bash', [script, 'stop', dir], { stdio: 'ignore' })
  live.delete(child)
  fs.rmSync(dir, { recursive: true, force: true })
}

/** Waits until none of these jobs is queued or running any more (squeue -t all shows finished ones too). */
export async function waitForJobs(env: NodeJS.ProcessEnv, jobIds: string[], timeoutMs: number): Promise<void> {
  const t0 = Date.now()
  for (;;) {
    const r = spawnSync('squeue', ['-h', '-r', '-j', jobIds.join(','), '-t', 'PENDING,RUNNING,COMPLETING,CONFIGURING,SUSPENDED', '-o', '%i %T %r'], {
      env,
      encoding: 'utf8',
    })
    if (r.status !== 0) throw new Error(`squeue failed: ${r.stderr.trim()}`)
    if (r.stdout.trim() === '') return
    if (Date.now() - t0 > timeoutMs) throw new Error(`Slurm jobs ${jobIds.join(',')} still not finished after ${timeoutMs / 1000} s:\n${r.stdout.trim()}`)
    await new Promise((res) => setTimeout(res, 250))
  }
}
