import type { Command } from 'commander'
import { synthCorpus, type SynthLayout } from '../../services/synth/index'
import { output, progressPrinter, type GlobalOptions } from '../context'

export function register(program: Command): void {
  program
    .command('synth')
    .description('write a small generated corpus in the exact layout of RAVDESS, CREMA-D or eNTERFACE\'05 (espeak-ng + sox + ffmpeg)')
    .requiredOption('--layout <layout>', 'ravdess | cremad | enterface')
    .requiredOption('--speakers <n>', 'number of speakers', (v) => Number(v))
    .requiredOption('--out <dir>', 'output folder')
    .option('--seed <seed>', 'random seed', 'ser')
    .option('--reps <n>', 'RAVDESS repetitions (1 or 2)', (v) => Number(v))
    .option('--sentences <n>', 'CREMA-D sentence codes (1-12) / eNTERFACE sentences per emotion (1-5)', (v) => Number(v))
    .option('--extras', 'RAVDESS: add song and video-only files (left out on import)')
    .action(async (_o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { layout: SynthLayout; speakers: number; out: string; seed: string; reps?: number; sentences?: number; extras?: boolean }>()
      const progress = progressPrinter('synth')
      const r = await synthCorpus({ ...opts, onProgress: (d, t) => progress(d / t, `${d}/${t} files`) })
      const byEmotion: Record<string, number> = {}
      for (const c of r.clips) byEmotion[c.emotion] = (byEmotion[c.emotion] ?? 0) + 1
      output(opts, { dir: r.dir, layout: r.layout, seed: r.seed, clips: r.clips.length, extras: r.extras.length, byEmotion }, () =>
        `${r.clips.length} clips (+${r.extras.length} extra files) in ${r.dir}: ${Object.entries(byEmotion).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      )
    })
}
