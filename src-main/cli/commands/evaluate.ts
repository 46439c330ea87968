import path from 'node:path'
import type { Command } from 'commander'
import { initBackend } from '../../services/engine/backend'
import { EXTRACTOR_VERSION } from '../../services/features/index'
import { describeEstimate } from '../../services/model/estimate'
import { evaluateModel } from '../../services/model/evaluate'
import { loadModel } from '../../services/model/storage'
import { output, withWorkspace, type GlobalOptions } from '../context'

/** `ser evaluate --model M --dataset D`: few-shot, speaker-independent evaluation (services/model/evaluate.ts). */
export function register(program: Command): void {
  program
    .command('evaluate')
    .description(
      'speaker-independent few-shot evaluation of a model on a dataset: K support shots per class from some speakers, test on speakers it never used',
    )
    .requiredOption('--model <dir>', 'model folder')
    .requiredOption('--dataset <dataset>', 'dataset (name or id) in the workspace')
    .option('--shots <k>', 'support examples per class', (v) => parseInt(v, 10), 5)
    .option('--seeds <list>', 'comma-separated seeds', '1,2,3')
    .option('--test-speakers <f>', 'fraction of speakers held out for testing (datasets the model never saw)', parseFloat, 0.33)
    .option('--method <m>', 'prototype or knn', 'prototype')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>()
      const info = await initBackend()
      const { model, card } = await loadModel(path.resolve(o.model), { extractorVersion: EXTRACTOR_VERSION })
      const seeds = String(o.seeds).split(',').map(Number)
      const r = await withWorkspace(opts, (ws) =>
        evaluateModel(ws, model, card, o.dataset, { shots: o.shots, seeds, testSpeakers: o.testSpeakers, method: o.method }),
      )
      output(opts, { ...r, backend: info.name }, () =>
        [
          `${r.model} on ${r.dataset} (${r.shots} shots/class, backend ${info.name})`,
          `  protocol: ${r.protocol}`,
          ...(r.warning ? [`  warning: ${r.warning}`] : []),
          ...r.runs.map((x) => `  seed ${x.seed}: ${describeEstimate(x.estimate)}`),
          ...r.runs.map(
            (x) =>
              `  seed ${x.seed}: unfamiliar ${x.unfamiliar.flagged} of ${x.unfamiliar.n} test clips withheld` +
              (x.unfamiliar.threshold === null
                ? ' (the card has no unfamiliarity reference)'
                : ` (threshold ${x.unfamiliar.threshold.toFixed(2)}, set for ${Math.round((x.unfamiliar.falseAlarmRate ?? 0) * 100)}% false alarms)`) +
              `; accuracy on answered ${x.unfamiliar.accuracyAnswered === null ? '-' : x.unfamiliar.accuracyAnswered.toFixed(3)} (n ` +
              `${x.unfamiliar.answered}) vs all ${x.unfamiliar.accuracyAll.toFixed(3)}`,
          ),
          `  over ${r.runs.length} seed(s): accuracy ${r.accuracy.mean.toFixed(3)} ± ${r.accuracy.std.toFixed(3)}, ` +
            `UAR ${r.uar.mean.toFixed(3)} ± ${r.uar.std.toFixed(3)} (mean ± sd of the seeds)`,
        ].join('\n'),
      )
    })
}
