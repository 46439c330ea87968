/**
 * The one speaker split of a model. Every use of labelled data in a training run takes
 * its items from here: pre-training and its early stopping, the K shots (fine-tuning and
 * the profile's support are the same clips), fine-tuning's early stopping, calibration,
 * and the held-out estimate. Held-out speakers are in no other role, and calibration
 * speakers are not scored, so the held-out ECE is measured on data the temperature never saw.
 *
 * Speakers are qualified by their dataset ('<dataset>:<speaker>') so a source and a target
 * that both number their speakers from 1 never look alike.
 */
import type { SpeakerRoles } from '../../../src-shared/contract/models'
import { makeRng, selectShots, shuffle } from './sampling'
import type { ItemSet } from './types'

export type { SpeakerRoles }

/** Shares of the speakers of the corpus that ends the run (the target, or the source alone). */
export const ROLE_SHARES = { heldOut: 0.2, calibration: 0.125, validation: 0.125 } as const
/** Share of the source's speakers that watch pre-training's early stopping when a target ends the run. */
export const SOURCE_VALIDATION_SHARE = 0.2

export interface RunSplit {
  roles: SpeakerRoles
  /** Item indices into the source: pre-training and its early stopping. */
  pretrain: { train: number[]; val: number[] }
  /** Item indices into the target: the K shots and fine-tuning's early stopping (null without a target). */
  finetune: { train: number[]; val: number[] } | null
  /** Item indices into the corpus the profile is enrolled from (target, else source). */
  shots: number[]
  calibration: number[]
  heldOut: number[]
}

export const qualify = (dataset: string, speaker: string) => `${dataset}:${speaker}`

const count = (n: number, share: number, min: number) => Math.max(min, Math.round(n * share))

/** Deals sorted, shuffled speakers into roles in order; the last role takes the rest. */
function deal(rng: () => number, speakers: string[], sizes: number[]): string[][] {
  const order = shuffle(rng, [...new Set(speakers)].sort())
  const out: string[][] = []
  let at = 0
  for (const k of sizes) {
    out.push(order.slice(at, at + k).sort())
    at += k
  }
  out.push(order.slice(at).sort())
  return out
}

/**
 * Sizes for n speakers of the final corpus: held-out, calibration, validation, rest. The rest
 * (pre-training, or the fine-tuning shots) keeps at least one speaker; roles are dropped
 * from validation first, then calibration, then held-out, when there are too few speakers.
 */
function finalSizes(n: number): [number, number, number] {
  if (n < 2) return [0, 0, 0]
  if (n === 2) return [1, 0, 0]
  if (n === 3) return [1, 1, 0]
  const held = count(n, ROLE_SHARES.heldOut, 1)
  const cal = count(n, ROLE_SHARES.calibration, 1)
  const val = Math.min(count(n, ROLE_SHARES.validation, 1), n - held - cal - 1)
  return [held, cal, Math.max(0, val)]
}

const indicesOf = (d: ItemSet, set: string[]) => {
  const s = new Set(set)
  return d.speakers.flatMap((sp, i) => (s.has(sp) ? [i] : []))
}

export interface SplitOptions {
  seed: number
  /** K shots per class (null: every clip of the shot speakers). */
  shots: number | null
  sourceName: string
  targetName?: string | null
}

/**
 * The split of a run. Without a target the source's speakers get all five roles (the
 * shots come from pre-training speakers, which is allowed: they are not scored). With a
 * target the source gives pre-training and its validation speakers, the target the rest.
 */
export function planSplit(source: ItemSet, target: ItemSet | null, o: SplitOptions): RunSplit {
  if (target && o.targetName === o.sourceName)
    throw new Error(`the target dataset must differ from the source ('${o.sourceName}'): its speakers would be both trained on and held out`)
  const rng = makeRng(`${o.seed}-roles`)
  const q = (ds: string, list: string[]) => list.map((s) => qualify(ds, s))
  const shotsOf = (d: ItemSet, idx: number[]) => selectShots(makeRng(`${o.seed}-shots`), d.labels, idx, o.shots ?? Number.MAX_SAFE_INTEGER)
  const speakersOf = (d: ItemSet, idx: number[]) => [...new Set(idx.map((i) => d.speakers[i]))].sort()
  if (!target) {
    const n = new Set(source.speakers).size
    const [held, cal, val] = finalSizes(n)
    const [heldOut, calibration, validation, pretrain] = deal(rng, source.speakers, [held, cal, val])
    const train = indicesOf(source, pretrain)
    const shots = shotsOf(source, train)
    const name = o.sourceName
    return {
      roles: {
        pretrain: q(name, pretrain),
        validation: q(name, validation),
        finetune: q(name, speakersOf(source, shots)),
        calibration: q(name, calibration),
        heldOut: q(name, heldOut),
      },
      pretrain: { train, val: indicesOf(source, validation) },
      finetune: null,
      shots,
      calibration: indicesOf(source, calibration),
      heldOut: indicesOf(source, heldOut),
    }
  }
  const ns = new Set(source.speakers).size
  const [srcVal, srcTrain] = deal(rng, source.speakers, [ns >= 2 ? count(ns, SOURCE_VALIDATION_SHARE, 1) : 0])
  const nt = new Set(target.speakers).size
  const [held, cal, val] = finalSizes(nt)
  const [heldOut, calibration, validation, finetune] = deal(rng, target.speakers, [held, cal, val])
  const shots = shotsOf(target, indicesOf(target, finetune))
  const tn = o.targetName ?? 'target'
  return {
    roles: {
      pretrain: q(o.sourceName, srcTrain),
      validation: [...q(o.sourceName, srcVal), ...q(tn, validation)],
      finetune: q(tn, speakersOf(target, shots)),
      calibration: q(tn, calibration),
      heldOut: q(tn, heldOut),
    },
    pretrain: { train: indicesOf(source, srcTrain), val: indicesOf(source, srcVal) },
    finetune: { train: shots, val: indicesOf(target, validation) },
    shots,
    calibration: indicesOf(target, calibration),
    heldOut: indicesOf(target, heldOut),
  }
}

/** Every speaker that appears both in held-out and in another role (empty when the split is sound). */
export function heldOutLeaks(roles: SpeakerRoles): { speaker: string; role: keyof SpeakerRoles }[] {
  const held = new Set(roles.heldOut)
  const out: { speaker: string; role: keyof SpeakerRoles }[] = []
  for (const role of ['pretrain', 'validation', 'finetune', 'calibration'] as const)
    for (const s of roles[role]) if (held.has(s)) out.push({ speaker: s, role })
  return out
}
