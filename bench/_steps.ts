import * as tf from '@tensorflow/tfjs'
import { initBackend } from '../src-main/services/engine/backend'
import { buildNetwork, defaultArchitecture } from '../src-main/services/model/networks'
import { pairStep } from '../src-main/services/model/step'
import { lossConfigFor } from '../src-main/services/model/losses'
await initBackend()
const net = buildNetwork(defaultArchitecture('mlp', [88]), 1)
const vars = net.trainableVariables(0)
const opt = tf.train.adam(1e-3)
const x = Float32Array.from({ length: 128 * 88 }, () => Math.random() * 2 - 1)
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
console.log(`fused=${process.env.SER_FUSED_KERNELS ?? '1'} cpu ms/step min ${Math.min(...best).toFixed(3)} all ${best.map((b) => b.toFixed(2)).join(' ')} -> ${(64000 / Math.min(...best)).toFixed(0)} pairs/cpu-s`)
