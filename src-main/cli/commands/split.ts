import type { Command } from 'commander'
import { makeSplits } from '../../services/corpus/index'
import { output, withWorkspace, type GlobalOptions } from '../context'

export function register(program: Command): void {
  program
    .command('split <datasetId>')
    .description('make (and store) k speaker-independent folds of a dataset, stratified by emotion')
    .option('-k, --folds <k>', 'number of folds', (v) => Number(v), 5)
    .option('--seed <seed>', 'random seed', '0')
    .action(async (datasetId: string, _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { folds: number; seed: string }>()
      await withWorkspace(opts, async (ws) => {
        const s = makeSplits(ws, Number(datasetId), { k: opts.folds, seed: opts.seed })
        output(opts, s, () =>
          [
            `split ${s.splitId}: ${s.k} folds of dataset ${s.datasetId} (seed ${s.seed})`,
            ...s.folds.map((f) => `  fold ${f.fold}: ${f.clips} clips, speakers ${f.speakers.join(' ')}`),
          ].join('\n'),
        )
      })
    })
}
