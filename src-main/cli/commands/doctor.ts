import type { Command } from 'commander'
import { doctor } from '../../services/system/doctor'
import { output, withWorkspace, type GlobalOptions } from '../context'

export function register(program: Command): void {
  program
    .command('doctor')
    .description('versions, the TensorFlow.js backend in use, the workspace, and which external tools are found')
    .action(async (_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>()
      await withWorkspace(opts, async (ws) => {
        const r = await doctor(ws)
        output(opts, r, () =>
          [
            `siamese-ser ${r.app} on node ${r.node} (${r.platform})`,
            `compute backend: ${r.backend.name} (available: ${r.backend.available.join(', ')}; tfjs ${r.backend.tfjsVersion})`,
            ...r.backend.notes.map((n) => `  note: ${n}`),
            `workspace: ${r.workspace.dir}`,
            `  database: ${r.workspace.database} (migrations: ${r.workspace.migrations.join(', ')})`,
            `electron package: ${r.electronPackage ?? 'not installed'}; binary: ${r.electronBinary ?? 'not found (the app runs as a browser shell)'}`,
            `chromium: ${r.chromium ?? 'not found (needed for end-to-end tests)'}`,
            ...Object.entries(r.tools).map(([k, v]) => `${k}: ${v ?? 'not found'}`),
          ].join('\n'),
        )
      })
    })
}
