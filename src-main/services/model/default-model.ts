/** Where the shipped default model lives (built by scripts/build-default-model.ts). */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export function defaultModelDir(): string {
  if (process.env.SER_DEFAULT_MODEL) return path.resolve(process.env.SER_DEFAULT_MODEL)
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    const cand = path.join(dir, 'resources', 'models', 'default')
    if (fs.existsSync(cand)) return cand
    dir = path.dirname(dir)
  }
  // Electron's packaged resources
  const res = (process as unknown as { resourcesPath?: string }).resourcesPath
  if (res) return path.join(res, 'models', 'default')
  throw new Error('the default model was not found (resources/models/default); build it with `npx tsx scripts/build-default-model.ts`')
}
