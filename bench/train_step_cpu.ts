/**
 * CPU time of one MLP training step (64 contrastive pairs, Adam, the step's diagnostics) through
 * pairStep, the function the training loop calls: `tsx bench/train_step_cpu.ts` (on wasm the whole
 * step is one WebAssembly call, engine/mlp-step.ts), with SER_WASM_STEP=0 for the fused tfjs ops,
 * and with SER_FUSED_KERNELS=0 for the composed ops. CPU time of this process (process.cpuUsage), which
 * other work on a shared machine inflates far less than wall time. 50 warm-up steps, then
 * 5 rounds of 100 steps; prints the fastest round and all of them.
 */
import * as tf from '@tensorflow/tfjs'
import { initBackend } from '../src-main/services/engine/backend'
import { buildNetwork, defaultArchitecture } from '../src-main/services/model/networks'
import { pairStep } from '../src-main/services/model/step'
import { lossConfigFor } from '../src-main/services/model/losses'
import { makeRng } from '../src-main/services/model/sampling'
await initBackend()
const net = buildNetwork(defaultArchitecture('mlp', [88]), 1)
const vars = net.trainableVariables(0)
const opt = tf.train.adam(1e-3)
const rng = makeRng(1)
const x = Float32Array.from({ length: 128 * 88 }, () => rng() * 2 - 1)
const same = Float32Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? 1 : 0))
const loss = lossConfigFor('contrastive')
const run = () => { const r = pairStep(net, opt, vars, x, same, [88], loss); tf.dispose([r.loss, r.active, r.gradNorm]) }
for (let i = 0; i < 50; i++) run()
const best: number[] = []
for (let rep = 0; rep < 5; rep++) {
  const c0 = process.cpuUsage()
  for (let i = 0; i < 100; i++) run()
  const c = process.cpuUsage(c0); best.push((c.user + c.system) / 1000 / 100)
}
console.log(
  `fused=${process.env.SER_FUSED_KERNELS ?? '1'} wasm step=${process.env.SER_WASM_STEP ?? '1'} ` +
    `cpu ms/step min ${Math.min(...best).toFixed(3)} all ${best.map((b) => b.toFixed(2)).join(' ')} -> ` +
    `${(64000 / Math.min(...best)).toFixed(0)} pairs/cpu-s`,
)
