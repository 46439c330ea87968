/**
 * Checks the Train view makes on what it shows: a validation-accuracy curve that falls
 * while a phase trains (the K shots being over-fitted), and the name the next run gets
 * once the one in the form has been used by the run that just finished.
 */
import type { EpochPoint } from '../../../../src-shared/contract/models'

type Point = Pick<EpochPoint, 'phase' | 'epoch' | 'valAccuracy'>

/** A fall of at least this much (absolute, on 0..1) from the best epoch to the last is worth a warning. */
export const FALL_WARN = 0.1

export interface Fall {
  phase: 'pretrain' | 'finetune'
  best: { epoch: number; value: number }
  last: { epoch: number; value: number }
}

/** The fall of a phase's validation accuracy from its best epoch to its latest one, when it is at least FALL_WARN. */
export function fallingValidation(points: Point[], phase: 'pretrain' | 'finetune'): Fall | null {
  const pts = points.filter((p) => p.phase === phase && p.valAccuracy !== null).sort((a, b) => a.epoch - b.epoch)
  if (pts.length < 2) return null
  const last = pts.at(-1)!
  const best = pts.slice(0, -1).reduce((a, b) => (b.valAccuracy! > a.valAccuracy! ? b : a))
  if (best.valAccuracy! - last.valAccuracy! < FALL_WARN - 1e-9) return null
  return { phase, best: { epoch: best.epoch, value: best.valAccuracy! }, last: { epoch: last.epoch, value: last.valAccuracy! } }
}

/** The warning the view shows for a fall. */
export function fallWarning(f: Fall): string {
  const what = f.phase === 'finetune' ? 'Fine-tuning' : 'Pre-training'
  const advice =
    f.phase === 'finetune'
      ? 'the network is fitting the K shots and losing what carries over to other clips (over-fitting): try fewer fine-tuning epochs, ' +
        'more frozen layers or more shots'
      : 'the network is over-fitting its pre-training speakers: try fewer epochs or another loss'
  return (
    `${what} validation accuracy fell from ${f.best.value.toFixed(2)} (epoch ${f.best.epoch}) to ${f.last.value.toFixed(2)} (epoch ${f.last.epoch}): ` +
    `${advice}. The weights kept are those of the best validation epoch; judge the model by its held-out figures.`
  )
}

/** `name-2`, `name-3`, ...: the first that no model has (case ignored, as the server compares). */
export function freeName(name: string, taken: string[]): string {
  const used = new Set(taken.map((t) => t.toLowerCase()))
  const stem = name.trim().replace(/-\d+$/, '')
  for (let i = 2; ; i++) if (!used.has(`${stem}-${i}`.toLowerCase())) return `${stem}-${i}`
}
