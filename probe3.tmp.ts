import { defaultArchitecture, defaultTrainConfig, finetune, makeRng, pretrain, selectShots } from './src-main/services/model/index'
import { lossConfigFor } from './src-main/services/model/losses'
import { source, target } from './test/unit/model/synthetic'
const base = await pretrain(source(), defaultTrainConfig(defaultArchitecture('mlp', [88]), { epochs: 6, stepsPerEpoch: 30, seed: 1, loss: lossConfigFor('distance', { temperature: 0.1 }) }))
const t = target()
for (const [name, loss] of [['old distance', lossConfigFor('distance', { temperature: 0.1 })], ['old contrastive', lossConfigFor('contrastive', { margin: 0.5 })], ['new distance', lossConfigFor('distance')], ['new contrastive', lossConfigFor('contrastive')]] as const) {
  const out: string[] = []
  for (const shots of [1, 5]) for (const seed of [1, 2, 3]) {
    const split = { train: selectShots(makeRng(`s-${seed}-${shots}`), t.data.labels, t.pool, shots), val: [] }
    const m = await finetune(base, t.data, { frozenLayers: 0, shots, loss, seed, split, overrides: { epochs: 30, stepsPerEpoch: 10, patience: 0, validationSpeakers: 0 } })
    out.push(`${shots}/${seed}:${m.metrics.stoppedTrainingAt ?? '-'}:${m.diagnostics.at(-1)!.active_fraction.toFixed(2)}`)
    m.net.dispose()
  }
  console.log(name, out.join(' '))
}
