import * as tf from '@tensorflow/tfjs'
import { makeRng, sampleClassBalanced } from './src-main/services/model/sampling'
import { activeFraction, balancedLoss, batchMasks, lossConfigFor } from './src-main/services/model/losses'
// separated batch: C classes at random unit directions in 32-D? use simplex-like: one-hot class directions + noise
function sep(C: number, K: number, dim: number, spread: number) {
  const rng = makeRng('sep'); const ids: number[] = []; const x: number[] = []
  for (let c = 0; c < C; c++) for (let k = 0; k < K; k++) { ids.push(c); const v = Array.from({length: dim}, (_, j) => (j === c ? 1 : 0) + spread * (rng() - 0.5)); const n = Math.hypot(...v); x.push(...v.map((a) => a / n)) }
  return { e: tf.tensor2d(x, [C * K, dim]), ids }
}
for (const spread of [0.05, 0.3]) {
const { e, ids } = sep(6, 8, 32, spread)
const m = batchMasks(ids)
console.log('spread', spread)
for (const [name, ms, ts] of [['distance',[0,0.5,1],[0.02,0.031,0.1,0.2,0.3,0.5]],['protonet',[0],[0.02,0.1,0.2,0.3,0.5,1]],['supcon',[0],[0.03,0.1,0.2,0.3,0.5]],['triplet',[0],[1]]] as const) {
  for (const mg of ms) console.log(name, mg, ts.map((t) => `${t}:${activeFraction(balancedLoss(e, m, lossConfigFor(name as any, { margin: mg, temperature: t }))).dataSync()[0].toFixed(2)}`).join(' '))
}}
