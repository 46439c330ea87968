import path from 'node:path'
import type { Command } from 'commander'
import { closeImportPool } from '../../services/corpus/index'
import { closeFeaturePool } from '../../services/features/index'
import { JobCancelledError } from '../../services/jobs/registry'
import { defaultWorkspaceDir } from '../../services/store/workspace'
import { runExperiment } from '../../services/experiment/index'
import { withWorkspace } from '../context'
import { addGridOptions, configFromOptions, printOutputs, stderrProgress, type GridOptions } from './experiment-options'
import { registerPlanCommands } from './experiment-plan'
import { registerSlurmCommand } from './experiment-slurm'

/** `ser experiment --source cremad=DIR --target ravdess=DIR ...`: the paper's grid in one process; `plan`/`task`/`merge`/`status` run it as separate tasks. */
export function register(program: Command): void {
  const cmd = addGridOptions(
    program
      .command('experiment')
      .description(
        "run the paper's grid (source x pre-training loss x seed, fine-tuning loss x frozen layers, shots; speaker-independent folds x support draws) " +
          'with the pre-trained-only, target-only and softmax arms; writes results.json, results.csv and report.html; resumes an interrupted run. ' +
          'Subcommands plan/task/merge/status run the same plan as separate tasks (a cluster)',
      ),
  ).action(async (_o, c: Command) => {
    const o = c.optsWithGlobals<GridOptions>()
    const config = configFromOptions(o)
    const wsDir = path.resolve(o.workspace ?? defaultWorkspaceDir())
    const controller = new AbortController()
    const onSigint = () => controller.abort()
    process.once('SIGINT', onSigint)
    process.once('SIGTERM', onSigint)
    let out = o.out
    try {
      const r = await withWorkspace({ ...o, workspace: wsDir }, (ws) =>
        runExperiment(ws, config, { out: o.out, force: o.force, caller: 'cli', signal: controller.signal, progress: stderrProgress() }).then(
          (x) => ((out = x.outDir), x),
        ),
      )
      if (process.stderr.isTTY) process.stderr.write('\n')
      process.stderr.write(
        `${r.resumed ? 'resumed and finished' : 'finished'}: ${r.records.length} evaluations in ${r.outDir} (results.json, results.csv, report.html)\n`,
      )
      printOutputs(r.outDir, r, o.json, { config: r.config })
    } catch (err) {
      if (err instanceof JobCancelledError) {
        process.stderr.write(`\ninterrupted; the finished tasks are kept in ${out ?? 'the output folder'}: run the same command again to resume\n`)
        process.exitCode = 130
        return
      }
      throw err
    } finally {
      process.off('SIGINT', onSigint)
      process.off('SIGTERM', onSigint)
      await closeImportPool()
      await closeFeaturePool()
    }
  })
  registerPlanCommands(cmd)
  registerSlurmCommand(cmd)
}
