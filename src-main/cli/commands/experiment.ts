import path from 'node:path'
import type { Command } from 'commander'
import { closeImportPool } from '../../services/corpus/index'
import { closeFeaturePool } from '../../services/features/index'
import { JobCancelledError } from '../../services/jobs/registry'
import { defaultWorkspaceDir } from '../../services/store/workspace'
import { claimsText, parseCorpusArg, parseInteger, parseList, parseLoss, parseShots, runExperiment } from '../../services/experiment/index'
import type { CorpusRef } from '../../../src-shared/contract/experiments'
import { withWorkspace, type GlobalOptions } from '../context'

interface Options extends GlobalOptions {
  source: CorpusRef[]
  target: CorpusRef
  loss?: string
  frozen?: string
  shots?: string
  folds?: string
  seeds?: string
  model?: 'mlp' | 'cnn'
  classes?: string
  out?: string
  force?: boolean
  pretrainEpochs?: string
  finetuneEpochs?: string
  steps?: string
  finetuneSteps?: string
}

const int = (v: string | undefined, what: string): number => parseList(v ?? '', parseInteger, what)[0]

/** Progress on stderr: redrawn on a terminal; otherwise a line per new message, at most one a second. */
function stderrProgress(): (fraction: number | null, message: string) => void {
  let last = 0
  return (fraction, message) => {
    const line = `${fraction === null ? '' : `${(100 * fraction).toFixed(0).padStart(3)}% `}${message}`
    if (process.stderr.isTTY) return void process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`)
    const now = Date.now()
    if (now - last >= 1000 || fraction === 1) {
      last = now
      process.stderr.write(line + '\n')
    }
  }
}

/** `ser experiment --source cremad=DIR --target ravdess=DIR ...`: the paper's grid, results and report. */
export function register(program: Command): void {
  program
    .command('experiment')
    .description("run the paper's grid (source x loss x frozen layers x shots, speaker-independent folds x seeds) with baselines; writes results.json, results.csv and report.html; resumes an interrupted run")
    .requiredOption('--source <name=dir>', 'source corpus: NAME=FOLDER (imported if needed) or NAME=DATASET; repeat to compare sources', (v: string, prev: CorpusRef[] = []) => [...prev, parseCorpusArg(v)])
    .requiredOption('--target <name=dir>', 'target corpus: NAME=FOLDER or NAME=DATASET', parseCorpusArg)
    .option('--loss <list>', 'losses: contrastive,distance', 'contrastive,distance')
    .option('--frozen <list>', 'frozen layers while fine-tuning', '0,1,2')
    .option('--shots <list>', "labelled target clips per class ('all' = every clip of the training folds)", '1,5,10,all')
    .option('--folds <k>', 'speaker-independent folds of the target', '4')
    .option('--seeds <n>', 'seeds per fold', '3')
    .option('--model <kind>', 'mlp (eGeMAPS) or cnn (log-mel)', 'mlp')
    .option('--classes <mode>', "common (shared by every source and the target), all (the target's), or a list", 'common')
    .option('--out <dir>', 'output folder (default: <workspace>/experiments/<sources>-to-<target>-<model>)')
    .option('--force', 'replace a finished (or different) experiment in the output folder')
    .option('--pretrain-epochs <n>', 'pre-training epochs', '20')
    .option('--steps <n>', 'pre-training steps per epoch', '50')
    .option('--finetune-epochs <n>', 'fine-tuning epochs', '30')
    .option('--finetune-steps <n>', 'fine-tuning steps per epoch', '10')
    .option('--json', 'print the records, summary and verdicts as JSON on stdout')
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<Options>()
      const model: 'mlp' | 'cnn' | undefined = o.model === 'cnn' ? 'cnn' : o.model === 'mlp' ? 'mlp' : undefined
      if (!model) throw new Error(`--model: expected mlp or cnn, got '${o.model}'`)
      const classes: 'common' | 'all' | string[] = o.classes === 'common' || o.classes === 'all' ? o.classes : parseList(o.classes ?? '', (s) => s, '--classes')
      const config = {
        sources: o.source,
        target: o.target,
        losses: parseList(o.loss ?? '', parseLoss, '--loss'),
        frozen: parseList(o.frozen ?? '', parseInteger, '--frozen'),
        shots: parseList(o.shots ?? '', parseShots, '--shots'),
        folds: int(o.folds, '--folds'),
        seeds: int(o.seeds, '--seeds'),
        model,
        classes,
        pretrainEpochs: int(o.pretrainEpochs, '--pretrain-epochs'),
        stepsPerEpoch: int(o.steps, '--steps'),
        finetuneEpochs: int(o.finetuneEpochs, '--finetune-epochs'),
        finetuneSteps: int(o.finetuneSteps, '--finetune-steps'),
      }
      const wsDir = path.resolve(o.workspace ?? defaultWorkspaceDir())
      const out = path.resolve(o.out ?? path.join(wsDir, 'experiments', `${o.source.map((s) => s.name).join('+')}-to-${o.target.name}-${model}`))
      const controller = new AbortController()
      const onSigint = () => controller.abort()
      process.once('SIGINT', onSigint)
      process.once('SIGTERM', onSigint)
      try {
        const r = await withWorkspace({ ...o, workspace: wsDir }, (ws) => runExperiment(ws, config, { out, force: o.force, signal: controller.signal, progress: stderrProgress() }))
        if (process.stderr.isTTY) process.stderr.write('\n')
        process.stderr.write(`${r.resumed ? 'resumed and finished' : 'finished'}: ${r.records.length} evaluations in ${r.outDir} (results.json, results.csv, report.html)\n`)
        if (o.json) process.stdout.write(JSON.stringify({ out: r.outDir, config: r.config, records: r.records, summary: r.summary, claims: r.claims }, null, 2) + '\n')
        else process.stdout.write(`${r.markdown}\n\n${claimsText(r.claims)}\n\nReport: ${path.join(r.outDir, 'report.html')}\n`)
      } catch (err) {
        if (err instanceof JobCancelledError) {
          process.stderr.write(`\ninterrupted; the finished evaluations are kept in ${out}: run the same command again to resume\n`)
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
}
