/**
 * The state of array elements as Slurm reports it: squeue for jobs slurmctld still holds
 * (queued, running, and finished ones until MinJobAge passes), sacct for the rest where
 * accounting is enabled. Keys are "JOBID_ELEMENT".
 */
import { slurm, SlurmCommandError } from './commands'
import { parseArraySpec } from './options'

export type ElementState = 'queued' | 'running' | 'completed' | 'failed'

export interface ElementInfo {
  state: ElementState
  /** Slurm's own state name (PENDING, RUNNING, TIMEOUT, OUT_OF_MEMORY, CANCELLED, ...). */
  slurmState: string
  /** Why it waits (squeue's reason, e.g. Dependency, Resources) or the exit code when finished. */
  reason: string
}

export interface QueueSnapshot {
  elements: Map<string, ElementInfo>
  /** What could not be asked, one line each (e.g. accounting disabled). */
  notes: string[]
}

const RUNNING = new Set(['RUNNING', 'COMPLETING', 'CONFIGURING', 'SUSPENDED', 'STAGE_OUT', 'RESIZING', 'SIGNALING'])
const QUEUED = new Set(['PENDING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESV_DEL_HOLD'])

export function classify(slurmState: string): ElementState {
  const s = slurmState.split(/\s+/)[0].toUpperCase() // "CANCELLED by 0" -> CANCELLED
  if (RUNNING.has(s)) return 'running'
  if (QUEUED.has(s)) return 'queued'
  if (s === 'COMPLETED') return 'completed'
  return 'failed' // FAILED, TIMEOUT, OUT_OF_MEMORY, CANCELLED, NODE_FAIL, PREEMPTED, BOOT_FAIL, DEADLINE
}

/** Lines "JOBID_ELEMENT|STATE|REASON" (also "JOBID_[0-9%4]" for not yet split pending arrays). */
export function parseStateLines(text: string, into: Map<string, ElementInfo>, overwrite: boolean): void {
  for (const line of text.split('\n')) {
    const [id, st, reason = ''] = line.trim().split('|')
    if (!id || !st) continue
    const m = /^(\d+)_(\[?[\d,%:-]+\]?)$/.exec(id)
    if (!m) continue // a plain job id or a job step (123_4.batch): not an array element
    const info: ElementInfo = { state: classify(st), slurmState: st.split(/\s+/)[0], reason: reason.trim() }
    for (const e of parseArraySpec(m[2])) {
      const key = `${m[1]}_${e}`
      if (overwrite || !into.has(key)) into.set(key, info)
    }
  }
}

/** Asks squeue, then sacct, about these array jobs. Errors of sacct become notes; squeue's are thrown. */
export async function queryElements(jobIds: string[], env?: NodeJS.ProcessEnv): Promise<QueueSnapshot> {
  const elements = new Map<string, ElementInfo>()
  const notes: string[] = []
  if (jobIds.length === 0) return { elements, notes }
  const ids = jobIds.join(',')
  try {
    const out = await slurm('squeue', ['-h', '-r', '-t', 'all', '-j', ids, '-o', '%i|%T|%r'], { env })
    parseStateLines(out, elements, true)
  } catch (err) {
    // every job purged from slurmctld's memory: squeue refuses the ids; sacct still knows them
    if (!(err instanceof SlurmCommandError && /Invalid job id/i.test(err.message))) throw err
  }
  try {
    const out = await slurm('sacct', ['-n', '-P', '-X', '-j', ids, '-o', 'JobID,State,ExitCode'], { env })
    parseStateLines(out, elements, false)
  } catch (err) {
    const msg = (err as Error).message
    notes.push(
      /accounting storage is disabled/i.test(msg)
        ? 'sacct: accounting storage is disabled on this cluster; jobs slurmctld no longer holds show as not run'
        : `sacct: ${msg}`,
    )
  }
  return { elements, notes }
}
