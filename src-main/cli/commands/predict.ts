import path from 'node:path'
import type { Command } from 'commander'
import { initBackend } from '../../services/engine/backend'
import { EXTRACTOR_VERSION } from '../../services/features/index'
import { filesToItems } from '../../services/model/clip-features'
import { predict } from '../../services/model/inference'
import { loadModel, loadProfile } from '../../services/model/storage'
import { defaultModelDir } from '../../services/model/default-model'
import { verdictsFor } from '../../services/model/unfamiliar'

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
      const verdicts = verdictsFor(card, profile, items, preds, items.recordings)
      // Unfamiliar: no estimate (top 'unfamiliar', probabilities null); the nearest class is kept for inspection.
      const out = files.map((file, i) => {
        const v = verdicts[i]
        const top = v.unfamiliar ? 'unfamiliar' : preds[i].uncertain ? 'uncertain' : preds[i].top
        return {
          file,
          top,
          nearest: preds[i].top,
          uncertain: preds[i].uncertain,
          unfamiliar: v.unfamiliar,
          unfamiliarity: { score: v.score, threshold: v.threshold, falseAlarmRate: v.falseAlarmRate, recording: items.recordings[i] },
          reasons: v.reasons,
          probabilities: v.unfamiliar ? null : preds[i].probabilities,
        }
      })
      const u = card.unfamiliarity
      const about = u ? { threshold: u.threshold, falseAlarmRate: u.falseAlarmRate, n: u.n, speakers: u.speakers, heldOut: u.heldOut } : null
      process.stdout.write(JSON.stringify({ model: card.name, backend: info.name, unfamiliarity: about, predictions: out }, null, 2) + '\n')
    })
}
