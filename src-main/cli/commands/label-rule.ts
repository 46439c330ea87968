import type { Command } from 'commander'
import { datasetStats } from '../../services/corpus/index'
import { resolveDataset } from '../../services/model/data'
import { setLabelRule } from '../../services/store/label-rule'
import { describeLabelRule, labelRuleKey, parseLabelRule } from '../../../src-shared/label-rule'
import { output, withWorkspace, type GlobalOptions } from '../context'

/** `ser label-rule <dataset> [corpus|majority|annotator:NAME]`: shows or sets which label counts (docs/labelling.md). */
export function register(program: Command): void {
  program
    .command('label-rule <dataset> [rule]')
    .description("show or set which label counts as a clip's label for counts and training: corpus, majority or annotator:NAME")
    .action(async (dataset: string, rule: string | undefined, _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>()
      await withWorkspace(opts, async (ws) => {
        const ds = resolveDataset(ws, dataset)
        if (rule !== undefined) setLabelRule(ws, ds.id, parseLabelRule(rule))
        const s = datasetStats(ws, ds.id)
        output(opts, { dataset: ds.name, labelRule: s.labelRule, byEmotion: s.byEmotion, annotators: s.annotators }, () =>
          [
            `${ds.name}: ${labelRuleKey(s.labelRule)}: ${describeLabelRule(s.labelRule)}`,
            `  by emotion: ${Object.entries(s.byEmotion).map(([k, v]) => `${k} ${v}`).join(', ')}`,
            `  annotators: ${s.annotators.join(', ') || 'none yet'}`,
          ].join('\n'),
        )
      })
    })
}
