/**
 * The labelling desk's write path: how long one acknowledged label takes (the
 * SQLite transaction with synchronous=FULL that must end before the page may
 * show "saved"), an undo, and a CSV export + re-import of a dataset's labels.
 * The target is the keyboard: a fast annotator presses a key every ~150 ms,
 * so the 95th percentile of a write must stay well under that (50 ms).
 */
import path from 'node:path'
import { openWorkspace } from '../src-main/services/store/workspace'
import { exportLabels, importLabels, setLabel, undo } from '../src-main/services/labels/index'
import { EMOTIONS } from '../src-shared/emotions'
import type { BenchContext, BenchRow } from './harness'

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const n = ctx.quick ? 300 : 3000
  const ws = openWorkspace(path.join(ctx.tmpDir, 'ws'))
  try {
    const datasetId = Number(ws.db.prepare("INSERT INTO datasets (name, layout, root_path) VALUES ('bench', 'folder', '/tmp/x')").run().lastInsertRowid)
    const ins = ws.db.prepare(
      "INSERT INTO clips (dataset_id, path, rel_path, content_hash, duration_sec, sample_rate, channels, format) VALUES (?, ?, ?, ?, 3, 16000, 1, 'wav')",
    )
    const clipIds = ws.db.transaction(() => Array.from({ length: n }, (_, i) => Number(ins.run(datasetId, `/tmp/x/c${i}.wav`, `c${i}.wav`, `h${i}`).lastInsertRowid)))()
    const writes: number[] = []
    clipIds.forEach((clipId, i) => {
      const t = performance.now()
      setLabel(ws, { clipId, emotion: EMOTIONS[i % 8], annotator: 'bench', requestId: `bench-req-${i}` })
      writes.push(performance.now() - t)
    })
    const undos: number[] = []
    for (let i = 0; i < Math.min(200, n); i++) {
      const t = performance.now()
      undo(ws, 'bench', `bench-undo-${i}`)
      undos.push(performance.now() - t)
    }
    let t = performance.now()
    const csv = exportLabels(ws, { format: 'csv', datasetId })
    const exportMs = performance.now() - t
    ws.db.prepare("UPDATE labels SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE deleted_at IS NULL").run()
    t = performance.now()
    const back = importLabels(ws, { format: 'csv', text: csv.text, datasetId, annotator: 'bench' })
    const importMs = performance.now() - t
    if (back.added !== csv.labels) throw new Error(`re-import added ${back.added} of ${csv.labels} labels`)
    ctx.log(`${n} label writes: median ${quantile(writes, 0.5).toFixed(2)} ms, p95 ${quantile(writes, 0.95).toFixed(2)} ms; CSV of ${csv.labels} labels out ${exportMs.toFixed(0)} ms, in ${importMs.toFixed(0)} ms`)
    return [
      { name: 'label write, acknowledged after commit (median ms)', value: quantile(writes, 0.5), unit: 'ms' },
      { name: 'label write, acknowledged after commit (p95 ms)', value: quantile(writes, 0.95), unit: 'ms', target: { op: '<=', value: 50, of: 'value' } },
      { name: 'undo (p95 ms)', value: quantile(undos, 0.95), unit: 'ms', target: { op: '<=', value: 50, of: 'value' } },
      { name: `CSV export + re-import of ${csv.labels} labels (ms)`, value: exportMs + importMs, unit: 'ms' },
    ]
  } finally {
    ws.close()
  }
}
