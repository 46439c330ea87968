import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { closeImportPool, detectLayoutHere as detectLayout, importCorpus } from '../../services/corpus/index'
import type { ImportReport, Layout } from '../../../src-shared/contract/datasets'
import { output, progressPrinter, withWorkspace, type GlobalOptions } from '../context'

/** The folders to import: DIR itself when it holds a known layout, else each sub-folder that does. */
function targets(dir: string, layout?: Layout): { dir: string; layout?: Layout }[] {
  if (layout) return [{ dir, layout }]
  const d = detectLayout(dir)
  if (d.layout) return [{ dir }]
  const subs = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => path.join(dir, e.name))
    .filter((s) => detectLayout(s).layout)
  if (subs.length === 0) throw new Error(`cannot import ${dir}: ${d.reason}`)
  return subs.map((s) => ({ dir: s }))
}

export function register(program: Command): void {
  program
    .command('import <dir>')
    .description('import a corpus (RAVDESS, CREMA-D, eNTERFACE\'05, folder per emotion, CSV manifest) into the workspace; a folder of corpora imports each')
    .option('--name <name>', 'dataset name (default: the folder name)')
    .option('--layout <layout>', 'skip detection: ravdess | cremad | enterface | folder | manifest')
    .option('--include-song', 'RAVDESS: import the song files too')
    .action(async (dir: string, _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { name?: string; layout?: Layout; includeSong?: boolean }>()
      const root = path.resolve(dir)
      await withWorkspace(opts, async (ws) => {
        const controller = new AbortController()
        const onSigint = () => controller.abort()
        process.once('SIGINT', onSigint)
        const reports: ImportReport[] = []
        try {
          const list = targets(root, opts.layout)
          for (const t of list) {
            const name = list.length === 1 ? opts.name : opts.name ? `${opts.name}-${path.basename(t.dir)}` : undefined
            reports.push(
              await importCorpus(ws, t.dir, {
                name, layout: t.layout, includeSong: opts.includeSong, signal: controller.signal,
                onProgress: progressPrinter(`import ${path.basename(t.dir)}`),
              }),
            )
            if (controller.signal.aborted) break
          }
        } finally {
          process.off('SIGINT', onSigint)
          await closeImportPool()
        }
        if (reports.some((r) => r.cancelled)) process.exitCode = 130
        output(opts, { imports: reports }, () =>
          reports
            .map((r) =>
              [
                `${r.name} (${r.layout}, dataset ${r.datasetId}): ${r.added} added, ${r.unchanged} unchanged, ${r.relinked} relinked, ` +
                  `${r.rejected.length} rejected, ${r.skipped.length} left out; ${r.totalClips} clips in the dataset; ` +
                  `${r.audioSec.toFixed(1)} s of audio in ${r.elapsedSec.toFixed(1)} s${r.cancelled ? ' (CANCELLED)' : ''}`,
                `  by emotion: ${Object.entries(r.byEmotion).map(([k, v]) => `${k} ${v}`)
                  .join(', ')}`,
                `  by speaker: ${Object.entries(r.bySpeaker).map(([k, v]) => `${k} ${v}`)
                  .join(', ')}`,
                ...r.rejected.map((x) => `  rejected ${x.path}: ${x.reason}`),
                ...r.skipped.slice(0, 20).map((x) => `  left out ${x.path}: ${x.reason}`),
                ...(r.skipped.length > 20 ? [`  ... and ${r.skipped.length - 20} more left out`] : []),
              ].join('\n'),
            )
            .join('\n'),
        )
      })
    })
}
