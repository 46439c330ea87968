import type { Command } from 'commander'
import { EGEMAPS_NAMES, extractEgemaps } from '../../services/features/index'
import { loadAnalysisAudio } from '../../services/features/audio-input'
import { output, type GlobalOptions } from '../context'

/** `ser features FILE... [--json]`: duration and the 88 eGeMAPS v02 functionals of each file. */
export function register(program: Command): void {
  program
    .command('features')
    .description('eGeMAPS v02: duration and the 88 functionals (openSMILE names) of each audio file')
    .argument('<files...>', 'audio files')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (files: string[], _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>()
      const results: { file: string; duration: number; features: Record<string, number> }[] = []
      for (const file of files) {
        const { samples, sampleRate } = await loadAnalysisAudio(file)
        const v = extractEgemaps(samples, sampleRate)
        results.push({
          file,
          duration: samples.length / sampleRate,
          features: Object.fromEntries(EGEMAPS_NAMES.map((n, i) => [n, v[i]])),
        })
      }
      output(opts, results, () =>
        results
          .map((r) =>
            [`${r.file}`, `  duration: ${r.duration.toFixed(3)} s`, ...Object.entries(r.features).map(([n, v]) => `  ${n}: ${v.toPrecision(6)}`)].join('\n'),
          )
          .join('\n\n'),
      )
    })
}
