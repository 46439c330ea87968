/**
 * The recommended recipe: for one pre-trained base and the labelled target clips a caller may
 * use, choose between the unchanged base (prototypes only) and fine-tuning, the number of
 * frozen layers and the fine-tuning loss, by cross-validation over those clips' groups only
 * (speakers; or clip folds when every clip is one person's). The experiment's `recommended`
 * arm, `ser train --recipe recommended` and Enroll's "recommended" all call chooseRecipe, so
 * they choose the same way (docs/method.md, "The recommended recipe").
 *
 * Rotation r: the groups are shuffled once (seeded) and dealt into R query sets; the query
 * set's clips are scored, and the inner support is K clips per class drawn from the other
 * groups' clips (all of them when K is null). Every candidate is trained on the same inner
 * support as the final model would be on the real one (same epochs, steps, loss settings and
 * seed; no early stopping) and scored by nearest-prototype UAR on the query clips of the
 * classes the inner support holds. The candidate with the highest mean UAR over the rotations
 * is chosen; a tie goes to the earlier candidate (the unchanged base comes first). When no
 * rotation can be scored (fewer than 2 groups, or no class on both sides), the fallback is
 * used and the reason says so. The caller decides which clips the chooser sees: never a test
 * or held-out speaker's.
 */
import type { LossName } from '../../../src-shared/losses'
import { throwIfCancelled } from '../jobs/registry'
import type { RecipeCandidate, RecipeChoice } from '../../../src-shared/contract/recipe'
import { dist, prototypes } from './inference-core'
import { classificationMetrics } from './metrics'
import { makeRng, selectShots, shuffle } from './sampling'
import { embedAll, type TrainedModel } from './trained'
import { finetune } from './train'
import type { Architecture, ItemSet, LossConfig } from './types'

export type { RecipeChoice, RecipeCandidate }

/** One recipe the chooser may pick. */
export type Candidate = { finetune: false } | { finetune: true; loss: LossName; frozen: number }

export interface ChooseOptions {
  /** Per item of `data`: the unit rotated between inner support and query (a speaker, or a clip fold). */
  groups: string[]
  unit: RecipeChoice['unit']
  /** Rotations (at most the number of groups). */
  folds: number
  /** Clips per class drawn for each rotation's inner support; null: every clip of the inner support groups. */
  shots: number | null
  /** In order of preference on a tie; the unchanged base should come first. */
  candidates: Candidate[]
  /** The loss settings and learning rate a fine-tuning with `loss` uses (the same as the final model's). */
  lossFor(loss: LossName): { loss: LossConfig; learningRate: number }
  /** Fine-tuning length, the same as the final model's. */
  epochs: number
  stepsPerEpoch: number
  /** Training seed of each candidate's fine-tuning (the final model's seed). */
  seed: number
  /** Seeds the rotations and the inner draws. */
  key: string
  /** Used when no rotation can be scored (default: the unchanged base). */
  fallback?: Candidate
  /** Query clips scored per rotation at most (a seeded subsample beyond). */
  maxQuery?: number
  signal?: AbortSignal
  onProgress?(done: number, total: number, label: string): void
  /** Each rotation's groups on either side (tests check that they never overlap). */
  onRotation?(r: { rotation: number; support: string[]; query: string[] }): void
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`

export function candidateLabel(c: Candidate): string {
  return c.finetune ? `fine-tune with ${c.loss}, ${plural(c.frozen, 'frozen layer')}` : 'unchanged base (prototypes only)'
}

/** Weighted layers of a network (the frozen settings a fine-tuning may use are 0..layers-1). */
export function weightedLayers(arch: Architecture): number {
  return arch.kind === 'mlp' ? arch.hidden.length + 1 : arch.channels.length + 1
}

/** The candidates of `ser train` and Enroll: the unchanged base, and each loss with 0 or 1 frozen layers. */
export function defaultCandidates(arch: Architecture, losses: readonly LossName[]): Candidate[] {
  const frozen = [0, 1].filter((f) => f < weightedLayers(arch))
  return [{ finetune: false }, ...[...new Set(losses)].flatMap((loss) => frozen.map((f) => ({ finetune: true as const, loss, frozen: f })))]
}

/** Nearest-prototype UAR of `query` items, prototypes from `support` items, both rows of `emb`. */
function prototypeUar(emb: Float32Array, dim: number, labels: string[], support: number[], query: number[]): number {
  const sup = new Float32Array(support.length * dim)
  support.forEach((i, r) => sup.set(emb.subarray(i * dim, (i + 1) * dim), r * dim))
  const p = prototypes(sup, support.map((i) => labels[i]), dim)
  const predicted = query.map((q) => {
    let best = 0
    let bestD = Infinity
    for (let c = 0; c < p.classes.length; c++) {
      const d = dist(emb, q, p.protos, c, dim)
      if (d < bestD) [best, bestD] = [c, d]
    }
    return p.classes[best]
  })
  // no class list: summed in the query's order of first appearance, as every recorded choice was
  return classificationMetrics(null, query.map((q) => labels[q]), predicted).uar
}

interface Rotation {
  support: number[]
  pool: number[]
  query: number[]
}

function rotations(data: ItemSet, o: ChooseOptions): Rotation[] {
  const unique = [...new Set(o.groups)].sort()
  if (unique.length < 2) return []
  const order = shuffle(makeRng(`${o.key}-recipe-groups`), unique)
  const R = Math.min(Math.max(2, o.folds), unique.length)
  const out: Rotation[] = []
  for (let r = 0; r < R; r++) {
    const queryGroups = new Set(order.filter((_, i) => i % R === r))
    const pool = o.groups.flatMap((g, i) => (queryGroups.has(g) ? [] : [i]))
    const support = o.shots === null ? pool : selectShots(makeRng(`${o.key}-recipe-shots-${r}`), data.labels, pool, o.shots)
    const known = new Set(support.map((i) => data.labels[i]))
    let query = o.groups.flatMap((g, i) => (queryGroups.has(g) && known.has(data.labels[i]) ? [i] : []))
    const max = o.maxQuery ?? 1500
    if (query.length > max) query = shuffle(makeRng(`${o.key}-recipe-query-${r}`), query).slice(0, max).sort((a, b) => a - b)
    o.onRotation?.({ rotation: r, support: [...new Set(pool.map((i) => o.groups[i]))].sort(), query: [...queryGroups].sort() })
    if (known.size >= 2 && query.length) out.push({ support, pool, query })
  }
  return out
}

/** Chooses a recipe for `base` on `data` (the clips the caller may use: never a test speaker's). */
export async function chooseRecipe(base: TrainedModel, data: ItemSet, o: ChooseOptions): Promise<RecipeChoice> {
  if (o.groups.length !== data.labels.length) throw new Error(`chooseRecipe: ${o.groups.length} groups for ${data.labels.length} clips`)
  if (!o.candidates.length) throw new Error('chooseRecipe: no candidate recipe')
  const speakers = [...new Set(data.speakers)].sort()
  const rots = rotations(data, o)
  const dim = base.net.embeddingDim
  const total = rots.length * o.candidates.filter((c) => c.finetune).length
  let done = 0
  const baseEmb = rots.length ? embedAll(base, data) : null
  const scored: RecipeCandidate[] = []
  for (const c of o.candidates) {
    const scores: number[] = []
    for (const [r, rot] of rots.entries()) {
      if (o.signal) throwIfCancelled(o.signal)
      if (!c.finetune) {
        scores.push(prototypeUar(baseEmb!, dim, data.labels, rot.support, rot.query))
        continue
      }
      const t = o.lossFor(c.loss)
      o.onProgress?.(done, total, `${candidateLabel(c)}, rotation ${r + 1}/${rots.length}`)
      const model = await finetune(
        base,
        data,
        {
          frozenLayers: c.frozen,
          shots: null,
          loss: t.loss,
          seed: o.seed,
          split: { train: rot.support, val: [], pool: rot.pool },
          overrides: { epochs: o.epochs, stepsPerEpoch: o.stepsPerEpoch, learningRate: t.learningRate, validationSpeakers: 0, patience: 0 },
        },
        { signal: o.signal },
      )
      try {
        scores.push(prototypeUar(embedAll(model, data), dim, data.labels, rot.support, rot.query))
      } finally {
        model.net.dispose()
      }
      done++
    }
    const mean = scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null
    scored.push({ label: candidateLabel(c), finetune: c.finetune, loss: c.finetune ? c.loss : null, frozen: c.finetune ? c.frozen : null, scores, mean })
  }
  o.onProgress?.(total, total, 'recipe chosen')
  const unit = o.unit === 'speaker' ? 'speakers' : 'clip folds'
  if (!rots.length) {
    const f = o.fallback ?? { finetune: false }
    const groups = new Set(o.groups).size
    return {
      ...pick(f),
      reason:
        `cross-validation impossible (${groups < 2 ? `${plural(groups, o.unit)} only` : 'no rotation leaves two classes on both sides'}); ` +
        `the fallback, ${candidateLabel(f)}, was used`,
      rotations: 0,
      shots: o.shots,
      unit: o.unit,
      speakers,
      candidates: scored,
    }
  }
  let best = 0
  scored.forEach((s, i) => {
    if ((s.mean ?? -Infinity) > (scored[best].mean ?? -Infinity) + 1e-12) best = i
  })
  const win = o.candidates[best]
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(1)}%`)
  const runnerUp = scored.filter((_, i) => i !== best).sort((a, b) => (b.mean ?? -Infinity) - (a.mean ?? -Infinity))[0]
  return {
    ...pick(win),
    reason:
      `highest mean cross-validated UAR, ${pct(scored[best].mean)} over ${plural(rots.length, 'rotation')} of the ${new Set(o.groups).size} ${unit} ` +
      `(${o.shots === null ? 'every clip' : `${o.shots} per class`} of the other ${unit} as support)` +
      (runnerUp ? `; next best ${runnerUp.label} ${pct(runnerUp.mean)}` : ''),
    rotations: rots.length, shots: o.shots, unit: o.unit, speakers, candidates: scored,
  }
}

function pick(c: Candidate): Pick<RecipeChoice, 'label' | 'finetune' | 'loss' | 'frozen'> {
  return { label: candidateLabel(c), finetune: c.finetune, loss: c.finetune ? c.loss : null, frozen: c.finetune ? c.frozen : null }
}

/** The candidate a choice names (to train the final model with). */
export function chosenCandidate(c: Pick<RecipeChoice, 'finetune' | 'loss' | 'frozen'>): Candidate {
  return c.finetune && c.loss !== null && c.frozen !== null ? { finetune: true, loss: c.loss, frozen: c.frozen } : { finetune: false }
}
