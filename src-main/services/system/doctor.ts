import { initBackend } from '../engine/backend'
import { appliedMigrations, type Workspace } from '../store/workspace'
import { findChromium, findElectronBinary, findProgram, packageVersion } from './environment'
import type { DoctorReport } from '../../../src-shared/contract/system'

/** Everything a user (or a bug report) needs to know about this installation. */
export async function doctor(ws: Workspace): Promise<DoctorReport> {
  const backend = await initBackend()
  const migrations = appliedMigrations(ws.db)
  return {
    app: packageVersion('../../../package.json') ?? appVersion(),
    node: process.versions.node,
    electron: process.versions.electron ?? null,
    electronPackage: packageVersion('electron'),
    electronBinary: findElectronBinary(),
    chromium: findChromium(),
    platform: `${process.platform}-${process.arch}`,
    backend,
    workspace: { dir: ws.dir, database: ws.dbPath, migrations },
    tools: Object.fromEntries(['ffmpeg', 'praat', 'espeak-ng', 'sox'].map((t) => [t, findProgram(t)])),
  }
}

function appVersion(): string {
  return process.env.npm_package_version ?? '0.1.0'
}
