/**
 * Import throughput on a generated 1000-clip corpus (CREMA-D layout, 16 kHz WAV:
 * 13 actors x 82 clips = 1066 files; --quick: 2 actors). The corpus is cached
 * under os.tmpdir() (test/helpers/corpora.ts), so only the first run generates it.
 * Reference: real time (audio seconds imported per wall second).
 */
import path from 'node:path'
import { syntheticCorpus } from '../test/helpers/corpora'
import { openWorkspace } from '../src-main/services/store/workspace'
import { closeImportPool, importCorpus } from '../src-main/services/corpus/index'
import { defaultThreads } from '../src-main/services/workers'
import type { BenchContext, BenchRow } from './harness'

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const speakers = ctx.quick ? 2 : 13
  const t0 = performance.now()
  const corpus = await syntheticCorpus('cremad', { speakers })
  ctx.log(`corpus: ${corpus.clips.length} clips in ${corpus.dir} (ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)`)
  const ws = openWorkspace(path.join(ctx.tmpDir, 'ws'))
  try {
    // Warm the worker pool (thread start + tsx) so it is not counted as import time.
    await importCorpus(ws, corpus.dir, { name: 'warm', layout: 'cremad' }).then(() => ws.db.exec("DELETE FROM datasets WHERE name = 'warm'"))
    const r = await importCorpus(ws, corpus.dir, { name: 'bench' })
    const again = await importCorpus(ws, corpus.dir, { name: 'bench' })
    const files = r.added / r.elapsedSec
    const audio = r.audioSec / r.elapsedSec
    ctx.log(
      `${r.added} files, ${r.audioSec.toFixed(0)} s of audio in ${r.elapsedSec.toFixed(2)} s on ${defaultThreads()} thread(s); ` +
        `re-import ${again.elapsedSec.toFixed(2)} s`,
    )
    return [
      { name: `import throughput, ${r.added} CREMA-D files (files/s)`, value: files, unit: 'files/s', target: { op: '>=', value: 100, of: 'value' } },
      {
        name: 'import throughput (audio s/s)',
        value: audio,
        unit: 'x real time',
        reference: { name: 'real time', value: 1 },
        ratio: audio,
        target: { op: '>=', value: 100, of: 'ratio' },
      },
      { name: 're-import, nothing new (files/s)', value: again.unchanged / again.elapsedSec, unit: 'files/s' },
    ]
  } finally {
    await closeImportPool()
    ws.close()
  }
}
