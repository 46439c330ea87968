/**
 * The Train form's values: its initial values are the train-spec schema's defaults
 * (src-shared/contract/train-spec.ts, the ones `ser train` and the server use), and Start sends
 * the request built from them. The form names no default of its own.
 */
import { finetuneEpochsOf, trainDefaults, type TrainRequest } from '../../../../src-shared/contract/train-spec'
import type { ArchitectureKind, LossName } from '../../../../src-shared/losses'

export interface TrainForm {
  name: string
  source: string
  /** '' : none (pre-train only) */
  target: string
  arch: ArchitectureKind
  loss: LossName
  epochs: number
  /** Shown filled in: the schema's fine-tune length for its defaults (its pre-training epochs). */
  finetuneEpochs: number
  shots: number
  frozenLayers: number
  seed: number
}

/** The form as the view opens it. */
export function initialTrainForm(): TrainForm {
  const d = trainDefaults()
  return {
    name: d.name,
    source: '',
    target: d.target ?? '',
    arch: d.arch,
    loss: d.loss,
    epochs: d.epochs,
    finetuneEpochs: finetuneEpochsOf(d),
    shots: d.shots!, // the schema's default is a number (null: every clip, which the form does not offer)
    frozenLayers: d.frozenLayers,
    seed: d.seed,
  }
}

/** What Start sends (the server's TrainRequestSchema checks it). */
export function trainRequestOf(form: TrainForm): TrainRequest {
  return {
    name: form.name,
    source: form.source,
    target: form.target || null,
    arch: form.arch,
    loss: form.loss,
    epochs: form.epochs,
    finetuneEpochs: form.finetuneEpochs,
    shots: form.shots,
    frozenLayers: form.frozenLayers,
    seed: form.seed,
  }
}
