import path from 'node:path'
import type { Command } from 'commander'
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
import { addTrainOptions, settingsFromOptions } from './train-options'

/** What a person reads after training: where it went, the split, and the held-out figure with n, intervals and chance. */
function describeCard(dir: string, backend: string, card: ModelCardData): string {
  const lines = [`saved ${card.name} to ${dir} (backend ${backend}; trained on ${card.sourceCorpus}${card.targetCorpus ? ` -> ${card.targetCorpus}` : ''})`]
  if (card.labelRule) lines.push(`  labels: ${card.labelRule.text}`)
  if (card.recipe) lines.push(`  recipe (recommended): ${card.recipe.label}; ${card.recipe.reason}`)
  if (card.speakers)
    lines.push(`  speakers: ${SPEAKER_ROLES.map((r) => `${r} ${card.speakers![r].length}`).join(', ')} (held-out speakers are in no other role)`)
  if (card.heldOut) lines.push(`  held-out: ${describeEstimate(card.heldOut)}`, `    on ${card.heldOut.data}`)
  else lines.push('  held-out: none (too few speakers to hold any out)')
  return lines.join('\n')
}

/** `ser train --source D [--target D --shots K --frozen N] --out DIR`, or `ser train --resume RUN`: pre-train (and fine-tune) a Siamese model. */
export function register(program: Command): void {
  const command = program
    .command('train')
    .description(
      'pre-train a Siamese model on a source dataset, optionally fine-tune on a target; resumes from checkpoints after a kill (same --out, or --resume RUN)',
    )
  addTrainOptions(command)
    .option('--out <dir>', 'model folder to write (TensorFlow.js model + card.json + profile.json)')
    .option('--resume <run>', 'resume an interrupted, failed or cancelled training run (its id, as the Train view lists runs) with its own settings')
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
        const settings = settingsFromOptions(o)
        if (settings.recipe === 'recommended' && !settings.target) throw new Error('--recipe recommended chooses how to fine-tune on a target: give --target')
        // the same checks as the Train view's Start (source = target, more shots than the fine-tune speakers have)
        await withWorkspace(opts, async (ws) => checkTrainRequest(ws, { ...settings, shots: settings.target ? settings.shots : null }))
        spec = { ...settings, workspace, out: path.resolve(o.out) }
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
            const line = e
              ? `${message} loss ${e.trainLoss.toFixed(4)} val acc ${e.valAccuracy?.toFixed(3) ?? '-'}${e.resumed ? ' (resumed from checkpoint)' : ''}`
              : (message ?? '')
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
