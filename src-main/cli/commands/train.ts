import path from 'node:path'
import { Option, type Command } from 'commander'
import { DEFAULT_LOSS, LOSS_NAMES } from '../../../src-shared/losses'
import { initBackend } from '../../services/engine/backend'
import { closeTrainPool, trainInWorker } from '../../services/model/jobs'
import { defaultWorkspaceDir } from '../../services/store/workspace'
import { output, type GlobalOptions } from '../context'

/** `ser train --source D [--target D --shots K --frozen N] --out DIR`: pre-train (and fine-tune) a Siamese model. */
export function register(program: Command): void {
  program
    .command('train')
    .description('pre-train a Siamese model on a source dataset, optionally fine-tune on a target; resumes from checkpoints after a kill')
    .requiredOption('--source <dataset>', 'source dataset (name or id) in the workspace')
    .option('--target <dataset>', 'target dataset to fine-tune on (K shots per class)')
    .requiredOption('--out <dir>', 'model folder to write (TensorFlow.js model + card.json + profile.json)')
    .option('--name <name>', 'model name', 'model')
    .option('--arch <arch>', 'mlp (eGeMAPS) or cnn (log-mel)', 'mlp')
    .addOption(new Option('--loss <loss>', 'metric-learning loss (docs/engine.md)').choices(LOSS_NAMES).default(DEFAULT_LOSS))
    .option('--margin <m>', 'loss margin', parseFloat)
    .option('--epochs <n>', 'epochs per phase', (v) => parseInt(v, 10), 30)
    .option('--steps <n>', 'steps per epoch', (v) => parseInt(v, 10), 50)
    .option('--shots <k>', 'labelled examples per class for fine-tuning / enrollment', (v) => parseInt(v, 10), 5)
    .option('--frozen <n>', 'layers frozen while fine-tuning', (v) => parseInt(v, 10), 1)
    .option('--seed <n>', 'random seed', (v) => parseInt(v, 10), 1)
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>()
      const b = await initBackend()
      process.stderr.write(`backend: ${b.name}${b.name === 'wasm' ? ` (threads ${b.threads}, SIMD ${b.simd ? 'on' : 'off'})` : ''}\n`)
      const controller = new AbortController()
      const onSig = () => controller.abort()
      process.once('SIGINT', onSig)
      let lastLine = ''
      try {
        const r = await trainInWorker(
          {
            workspace: opts.workspace ?? defaultWorkspaceDir(),
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
            frozenLayers: o.frozen,
            seed: o.seed,
          },
          {
            signal: controller.signal,
            progress: (_f, message, detail) => {
              const e = detail as { trainLoss?: number; valAccuracy?: number | null; resumed?: boolean } | null
              const line = e?.trainLoss !== undefined ? `${message} loss ${e.trainLoss.toFixed(4)} val acc ${e.valAccuracy?.toFixed(3) ?? '-'}${e.resumed ? ' (resumed from checkpoint)' : ''}` : (message ?? '')
              if (line !== lastLine) process.stderr.write(`${line}\n`)
              lastLine = line
            },
          },
        )
        output(opts, { dir: r.dir, backend: r.backend, card: r.card }, () => `saved ${r.dir} (backend ${r.backend}; ${JSON.stringify(r.card.metrics)})`)
      } finally {
        process.off('SIGINT', onSig)
        await closeTrainPool()
      }
    })
}
