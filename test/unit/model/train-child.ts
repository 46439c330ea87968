/** Child process for resume.test.ts: pre-trains with a checkpoint folder, one JSON line per epoch. */
import { initBackend } from '../../../src-main/services/engine/backend'
import { defaultArchitecture, defaultTrainConfig, pretrain } from '../../../src-main/services/model/index'
import { source } from './synthetic'

const [dir, epochs] = process.argv.slice(2)
await initBackend()
const m = await pretrain(source(), defaultTrainConfig(defaultArchitecture('mlp', [88]), { epochs: Number(epochs), stepsPerEpoch: 60, patience: 0, seed: 5 }), {
  checkpointDir: dir,
  onEpoch: (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
})
process.stdout.write(`${JSON.stringify({ done: true, epochs: m.history.length })}\n`)
