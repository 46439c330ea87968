import path from 'node:path'
import { Option, type Command } from 'commander'
import { DEFAULT_LOSS, LOSS_NAMES, RECIPES } from '../../../src-shared/losses'
import { initBackend } from '../../services/engine/backend'
import { describeEstimate } from '../../services/model/estimate'
import { closeTrainPool, trainInWorker } from '../../services/model/jobs'
import { runSpecForResume } from '../../services/model/registry'
import { checkTrainRequest } from '../../services/model/request-check'
import { SPEAKER_ROLES } from '../../../src-shared/contract/models'
import type { TrainSpec } from '../../services/model/run'
import type { ModelCardData } from '../../services/model/types'
import { defaultWorkspaceDir } from '../../services/store/workspace'
import { output, withWorkspace, type GlobalOptions } from '../context'

/** What a person reads after training: where it went, the split, and the held-out figure with n, intervals and chance. */
function describeCard(dir: string, backend: string, card: ModelCardData): string {
  const lines = [`saved ${card.name} to ${dir} (backend ${backend}; trained on ${card.sourceCorpus}${card.targetCorpus ? ` -> ${card.targetCorpus}` : ''})`]
  if (card.labelRule) lines.push(`  labels: ${card.labelRule.text}`)
  if (card.recipe) lines.push(`  recipe (recommended): ${card.recipe.label}; ${card.recipe.reason}`)
  if (card.speakers) lines.push(`  speakers: ${SPEAKER_ROLES.map((r) => `${r} ${card.speakers![r].length}`).join(', ')} (held-out speakers are in no other role)`)
  if (card.heldOut) lines.push(`  held-out: ${describeEstimate(card.heldOut)}`, `    on ${card.heldOut.data}`)
  else lines.push('  held-out: none (too few speakers to hold any out)')
  return lines.join('\n')
}

/** `ser train --source D [--target D --shots K --frozen N] --out DIR`, or `ser train --resume RUN`: pre-train (and fine-tune) a Siamese model. */
export function register(program: Command): void {
  program
    .command('train')
    .description('pre-train a Siamese model on a source dataset, optionally fine-tune on a target; resumes from checkpoints after a kill (same --out, or --resume RUN)')
    .option('--source <dataset>', 'source dataset (name or id) in the workspace')
    .option('--target <dataset>', 'target dataset to fine-tune on (K shots per class)')
    .option('--out <dir>', 'model folder to write (TensorFlow.js model + card.json + profile.json)')
    .option('--resume <run>', 'resume an interrupted, failed or cancelled training run (its id, as the Train view lists runs) with its own settings')
    .option('--name <name>', 'model name (a taken name gets the date appended)', 'model')
    .option('--arch <arch>', 'mlp (eGeMAPS) or cnn (log-mel)', 'mlp')
    .addOption(new Option('--loss <loss>', 'metric-learning loss (docs/engine.md)').choices(LOSS_NAMES).default(DEFAULT_LOSS))
    .option('--margin <m>', 'loss margin', parseFloat)
    .option('--epochs <n>', 'pre-training epochs (and fine-tuning epochs unless --finetune-epochs is given)', (v) => parseInt(v, 10), 30)
    .option('--finetune-epochs <n>', 'fine-tuning epochs (1-500; default: --epochs)', (v) => parseInt(v, 10))
    .option('--steps <n>', 'steps per epoch', (v) => parseInt(v, 10), 50)
    .option('--shots <k>', 'labelled examples per class for fine-tuning / enrollment', (v) => parseInt(v, 10), 5)
    .option('--frozen <n>', 'layers frozen while fine-tuning', (v) => parseInt(v, 10), 1)
    .addOption(
      new Option('--recipe <recipe>', 'fixed: fine-tune with --loss and --frozen; recommended: keep the base or fine-tune, the frozen layers and the loss chosen by cross-validation over the target\'s fine-tune and validation speakers (needs --target)')
        .choices(RECIPES)
        .default('fixed'),
    )
    .option('--seed <n>', 'random seed', (v) => parseInt(v, 10), 1)
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>()
      const workspace = opts.workspace ?? defaultWorkspaceDir()
      let spec: TrainSpec
      if (o.resume !== undefined) {
        const id = Number(o.resume)
        if (!Number.isInteger(id) || id <= 0) throw new Error(`--resume takes a training run id (a number), got '${o.resume}'`)
        spec = { ...((await withWorkspace(opts, async (ws) => runSpecForResume(ws, id))) as unknown as TrainSpec), workspace }
      } else {
        if (!o.source || !o.out) throw new Error('give --source and --out (or --resume RUN to continue a run)')
        if (o.recipe === 'recommended' && !o.target) throw new Error('--recipe recommended chooses how to fine-tune on a target: give --target')
        const fe = o.finetuneEpochs as number | undefined
        if (fe !== undefined && (!Number.isInteger(fe) || fe < 1 || fe > 500)) throw new Error(`--finetune-epochs takes a whole number from 1 to 500, got '${fe}'`)
        // the same checks as the Train view's Start (source = target, more shots than the fine-tune speakers have)
        await withWorkspace(opts, async (ws) => checkTrainRequest(ws, { source: o.source, target: o.target ?? null, seed: o.seed, shots: o.target ? o.shots : null }))
        spec = {
          workspace,
          source: o.source,
          target: o.target ?? null,
          out: path.resolve(o.out),
          name: o.name,
          arch: o.arch,
          loss: o.loss,
          margin: o.margin,
          epochs: o.epochs,
          stepsPerEpoch: o.steps,
          shots: o.shots,
          ...(fe !== undefined ? { finetuneEpochs: fe } : {}),
          frozenLayers: o.frozen,
          recipe: o.recipe,
          seed: o.seed,
        }
      }
      const b = await initBackend()
      process.stderr.write(`backend: ${b.name}${b.name === 'wasm' ? ` (threads ${b.threads}, SIMD ${b.simd ? 'on' : 'off'})` : ''}\n`)
      const controller = new AbortController()
      const onSig = () => controller.abort()
      process.once('SIGINT', onSig)
      let lastLine = ''
      try {
        const r = await trainInWorker(spec, {
          signal: controller.signal,
          progress: (_f, message, detail) => {
            const e = detail?.kind === 'train' ? detail.epoch : null
            const line = e ? `${message} loss ${e.trainLoss.toFixed(4)} val acc ${e.valAccuracy?.toFixed(3) ?? '-'}${e.resumed ? ' (resumed from checkpoint)' : ''}` : (message ?? '')
            if (line !== lastLine) process.stderr.write(`${line}\n`)
            lastLine = line
          },
        })
        output(opts, { dir: r.dir, backend: r.backend, card: r.card }, () => describeCard(r.dir, r.backend, r.card))
      } finally {
        process.off('SIGINT', onSig)
        await closeTrainPool()
      }
    })
}
