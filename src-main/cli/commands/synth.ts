import type { Command } from 'commander'
import { DEFAULT_PRESET, PRESET_NAMES, parseKnob, resolveRealism, synthCorpus, type RealismOverrides, type SynthLayout } from '../../services/synth/index'
import { output, progressPrinter, type GlobalOptions } from '../context'

interface SynthFlags {
  layout: SynthLayout
  speakers: number
  out?: string
  seed: string
  preset: string
  set: RealismOverrides
  showKnobs?: boolean
  reps?: number
  sentences?: number
  extras?: boolean
}

export function register(program: Command): void {
  program
    .command('synth')
    .description("write a small generated corpus in the exact layout of RAVDESS, CREMA-D or eNTERFACE'05 (espeak-ng + sox + ffmpeg)")
    .requiredOption('--layout <layout>', 'ravdess | cremad | enterface')
    .requiredOption('--speakers <n>', 'number of speakers', (v) => Number(v))
    .option('--out <dir>', 'output folder (required unless --show-knobs)')
    .option('--seed <seed>', 'random seed', 'ser')
    .option('--preset <name>', `realism preset: ${PRESET_NAMES.join(' | ')}`, DEFAULT_PRESET)
    .option(
      '--set <group.knob=value>',
      'override one knob of the preset, e.g. channel.snrDb=5,20 (repeatable; docs/corpora.md lists them)',
      (v, prev: RealismOverrides) => parseKnob(v, prev),
      {},
    )
    .option('--show-knobs', 'print the resolved knobs (preset + --set) as JSON and exit')
    .option('--reps <n>', 'RAVDESS repetitions (1 or 2)', (v) => Number(v))
    .option('--sentences <n>', 'CREMA-D sentence codes (1-12) / eNTERFACE sentences per emotion (1-5)', (v) => Number(v))
    .option('--extras', 'RAVDESS: add song and video-only files (left out on import)')
    .action(async (_o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & SynthFlags>()
      const realism = resolveRealism(opts.preset, opts.set)
      if (opts.showKnobs) return void process.stdout.write(JSON.stringify({ preset: opts.preset, realism }, null, 2) + '\n')
      if (!opts.out) throw new Error('synth: --out <dir> is required')
      const progress = progressPrinter('synth')
      const t0 = performance.now()
      const r = await synthCorpus({ ...opts, out: opts.out, realism: opts.set, onProgress: (d, t) => progress(d / t, `${d}/${t} files`) })
      const sec = (performance.now() - t0) / 1000
      const byEmotion: Record<string, number> = {}
      for (const c of r.clips) byEmotion[c.emotion] = (byEmotion[c.emotion] ?? 0) + 1
      const files = r.clips.length + r.extras.length
      output(
        opts,
        {
          dir: r.dir,
          layout: r.layout,
          seed: r.seed,
          preset: r.preset,
          clips: r.clips.length,
          extras: r.extras.length,
          byEmotion,
          seconds: +sec.toFixed(1),
          filesPerSecond: +(files / sec).toFixed(2),
        },
        () =>
          `${r.clips.length} clips (+${r.extras.length} extra files) in ${r.dir}, preset ${r.preset}, seed ${r.seed}: ` +
          `${Object.entries(byEmotion).map(([k, v]) => `${k} ${v}`).join(', ')} (${(files / sec).toFixed(1)} files/s)`,
      )
    })
}
