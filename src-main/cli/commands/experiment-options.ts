/** The grid options shared by `ser experiment` and `ser experiment plan`, and their parsing into a configuration. */
import path from 'node:path'
import type { Command } from 'commander'
import { PAPER_LOSSES } from '../../../src-shared/losses'
import { ExperimentConfigSchema, type CorpusRef, type ExperimentConfigInput } from '../../../src-shared/contract/experiments'
import { claimsText, parseCorpusArg, parseInteger, parseList, parseLoss, parseShots } from '../../services/experiment/index'
import type { RunOutputs } from '../../services/experiment/finish'
import type { GlobalOptions } from '../context'

export interface GridOptions extends GlobalOptions {
  source?: CorpusRef[]
  target?: CorpusRef
  loss?: string
  pretrainLoss?: string
  finetuneLoss?: string
  pretrainSeeds?: string
  frozen?: string
  shots?: string
  folds?: string
  seeds?: string
  model?: string
  classes?: string
  out?: string
  force?: boolean
  pretrainEpochs?: string
  finetuneEpochs?: string
  steps?: string
  finetuneSteps?: string
  tuneBudget?: string
  tuneEpochs?: string
  recommended?: boolean
  recommendFolds?: string
}

/** The grid's defaults, declared once in the contract (the Experiments form reads the same). */
const D = ExperimentConfigSchema.parse({ sources: [{ name: 's', ref: 's' }], target: { name: 't', ref: 't' } })

export function addGridOptions(cmd: Command): Command {
  return cmd
    .option(
      '--source <name=dir>',
      'source corpus: NAME=FOLDER (imported if needed) or NAME=DATASET; repeat to compare sources',
      (v: string, prev: CorpusRef[] = []) => [...prev, parseCorpusArg(v)],
    )
    .option('--target <name=dir>', 'target corpus: NAME=FOLDER or NAME=DATASET', parseCorpusArg)
    .option(
      '--loss <list>',
      'losses (contrastive, distance, triplet, protonet, supcon): the default of --pretrain-loss and --finetune-loss',
      PAPER_LOSSES.join(','),
    )
    .option('--pretrain-loss <list>', 'losses the bases are pre-trained with (default: --loss); crossed with --finetune-loss')
    .option('--finetune-loss <list>', 'losses of the fine-tuning and of the target-only baseline (default: --loss)')
    .option('--pretrain-seeds <n>', 'pre-trained bases per source x pre-training loss (seeds 1..n)', String(D.pretrainSeeds))
    .option('--frozen <list>', 'frozen layers while fine-tuning', D.frozen.join(','))
    .option('--shots <list>', "labelled target clips per class ('all' = every clip of the training folds)", D.shots.join(','))
    .option('--folds <k>', 'speaker-independent folds of the target', String(D.folds))
    .option('--seeds <n>', 'support draws per fold', String(D.seeds))
    .option('--model <kind>', 'mlp (eGeMAPS) or cnn (log-mel)', D.model)
    .option('--classes <mode>', "common (shared by every source and the target), all (the target's), or a list", 'common')
    .option('--out <dir>', 'output folder (default: <workspace>/experiments/<sources>-to-<target>-<model>-<hash>)')
    .option('--force', "replace a finished (or different) experiment in the output folder (deletes only that experiment's own files)")
    .option('--pretrain-epochs <n>', 'pre-training epochs', String(D.pretrainEpochs))
    .option('--steps <n>', 'pre-training steps per epoch', String(D.stepsPerEpoch))
    .option('--finetune-epochs <n>', 'fine-tuning epochs', String(D.finetuneEpochs))
    .option('--finetune-steps <n>', 'fine-tuning steps per epoch', String(D.finetuneSteps))
    .option('--tune-budget <n>', 'tuning trials per loss (the same for every loss)', String(D.tuneBudget))
    .option('--tune-epochs <n>', 'epochs of each tuning trial', String(D.tuneEpochs))
    .option('--no-recommended', 'leave out the recommended arm (the recipe chosen per fold by cross-validation over its support speakers)')
    .option('--recommend-folds <n>', "rotations of the recommended arm's cross-validation over the support speakers", String(D.recommendFolds))
}

const int = (v: string | undefined, what: string): number => parseList(v ?? '', parseInteger, what)[0]

export function configFromOptions(o: GridOptions): ExperimentConfigInput {
  if (!o.source?.length) throw new Error("required option '--source <name=dir>' not specified")
  if (!o.target) throw new Error("required option '--target <name=dir>' not specified")
  if (o.model !== 'mlp' && o.model !== 'cnn') throw new Error(`--model: expected mlp or cnn, got '${o.model}'`)
  const classes: 'common' | 'all' | string[] = o.classes === 'common' || o.classes === 'all' ? o.classes : parseList(o.classes ?? '', (s) => s, '--classes')
  return {
    sources: o.source,
    target: o.target,
    losses: parseList(o.loss ?? '', parseLoss, '--loss'),
    ...(o.pretrainLoss ? { pretrainLosses: parseList(o.pretrainLoss, parseLoss, '--pretrain-loss') } : {}),
    ...(o.finetuneLoss ? { finetuneLosses: parseList(o.finetuneLoss, parseLoss, '--finetune-loss') } : {}),
    pretrainSeeds: int(o.pretrainSeeds, '--pretrain-seeds'),
    frozen: parseList(o.frozen ?? '', parseInteger, '--frozen'),
    shots: parseList(o.shots ?? '', parseShots, '--shots'),
    folds: int(o.folds, '--folds'),
    seeds: int(o.seeds, '--seeds'),
    model: o.model,
    classes,
    pretrainEpochs: int(o.pretrainEpochs, '--pretrain-epochs'),
    stepsPerEpoch: int(o.steps, '--steps'),
    finetuneEpochs: int(o.finetuneEpochs, '--finetune-epochs'),
    finetuneSteps: int(o.finetuneSteps, '--finetune-steps'),
    tuneBudget: int(o.tuneBudget, '--tune-budget'),
    tuneEpochs: int(o.tuneEpochs, '--tune-epochs'),
    recommended: o.recommended !== false,
    recommendFolds: int(o.recommendFolds, '--recommend-folds'),
  }
}

/** Progress on stderr: redrawn on a terminal; otherwise a line per new message, at most one a second. */
export function stderrProgress(): (fraction: number | null, message: string) => void {
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

/**
 * Prints a run's outputs from its folder `dir`: with `json`, one object (`out`, then `extra`, then the tables); otherwise
 * the summary table, the claims and where the report is.
 */
export function printOutputs(dir: string, r: RunOutputs, json: boolean | undefined, extra: Record<string, unknown>): void {
  if (json) {
    const { headline, claims, recommended, losses, summary, records } = r
    process.stdout.write(JSON.stringify({ out: dir, ...extra, headline, claims, recommended, losses, summary, records }, null, 2) + '\n')
  } else process.stdout.write(`${r.markdown}\n\n${claimsText(r.claims, r.headline, r.recommended)}\n\nReport: ${path.join(dir, 'report.html')}\n`)
}
