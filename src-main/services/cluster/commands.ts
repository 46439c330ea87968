/**
 * Running Slurm's own commands (sbatch, squeue, sacct, scontrol): no scheduler of our own.
 * They find the cluster the usual way (SLURM_CONF or /etc/slurm/slurm.conf).
 */
import { execFile } from 'node:child_process'

export class SlurmCommandError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly stderr: string,
  ) {
    super(message)
    this.name = 'SlurmCommandError'
  }
}

/** Runs a Slurm command; its stdout, or an error naming the command and Slurm's own message. */
export function slurm(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout)
      const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number }
      const line = `${command} ${args.join(' ')}`
      if (e.code === 'ENOENT')
        return reject(new SlurmCommandError(`${command} not found: run this on a Slurm login node (Debian/Ubuntu: apt install slurm-client)`, line, ''))
      if (e.killed)
        return reject(new SlurmCommandError(`${line}: no answer after ${(opts.timeoutMs ?? 60_000) / 1000} s (is slurmctld reachable?)`, line, stderr))
      reject(new SlurmCommandError(`${line} failed: ${(stderr || stdout || e.message).trim()}`, line, stderr))
    })
  })
}

/** `sbatch --parsable ...` prints "JOBID" or "JOBID;CLUSTER". */
export function parseJobId(stdout: string): string {
  const id = stdout.trim().split(';')[0]
  if (!/^\d+$/.test(id)) throw new Error(`sbatch --parsable printed '${stdout.trim()}', not a job id`)
  return id
}
