/**
 * Writes fixtures/training-reference.json: the epoch figures of the PLANS trainings on the
 * wasm backend. Run once on the training code before the speed work (commit 25e4049):
 *   npx tsx test/unit/model/capture-training-reference.ts
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { initBackend } from '../../../src-main/services/engine/backend'
import { PLANS, referenceRun } from './training-reference'

const info = await initBackend()
if (info.name !== 'wasm') throw new Error(`the reference is captured on wasm, got ${info.name}`)
const runs = []
for (const p of PLANS) runs.push(await referenceRun(p))
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'training-reference.json')
fs.writeFileSync(out, JSON.stringify({ capturedFrom: process.env.CAPTURED_FROM ?? 'unknown commit', backend: info.name, runs }, null, 1) + '\n')
console.log(`wrote ${out}`)
