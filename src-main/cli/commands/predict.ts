import path from 'node:path'
import type { Command } from 'commander'
import { initBackend } from '../../services/engine/backend'
import { EXTRACTOR_VERSION } from '../../services/features/index'
import { filesToItems } from '../../services/model/clip-features'
import { predict } from '../../services/model/inference'
import { loadModel, loadProfile } from '../../services/model/storage'
import { defaultModelDir } from '../../services/model/default-model'

/** `ser predict FILE... --model M`: per-class probabilities (JSON) from the model's profile. */
export function register(program: Command): void {
  program
    .command('predict')
    .description('emotion probabilities of audio files, from a model and its enrolled profile (JSON on stdout)')
    .argument('<files...>', 'audio files')
    .option('--model <dir>', 'model folder (default: the shipped default model)')
    .option('--profile <file>', 'profile.json to compare with (default: <model>/profile.json)')
    .action(async (files: string[], o) => {
      const info = await initBackend()
      const dir = path.resolve(o.model ?? defaultModelDir())
      const { model, card } = await loadModel(dir, { extractorVersion: EXTRACTOR_VERSION })
      const profile = loadProfile(o.profile ?? path.join(dir, 'profile.json'), card)
      const items = await filesToItems(files, card)
      const preds = predict(model, profile, items)
      const out = files.map((file, i) => ({ file, top: preds[i].uncertain ? 'uncertain' : preds[i].top, nearest: preds[i].top, uncertain: preds[i].uncertain, probabilities: preds[i].probabilities }))
      process.stdout.write(JSON.stringify({ model: card.name, backend: info.name, predictions: out }, null, 2) + '\n')
    })
}
