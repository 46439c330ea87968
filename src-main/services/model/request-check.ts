/**
 * What the server checks in a training request before a job starts, so a bad request is
 * refused with its reason instead of training silently on less than was asked: the target
 * must differ from the source, and K shots per class must exist among the speakers the
 * shots come from (the fine-tune speakers of roles.ts: the same split training draws).
 */
import type { ShotBudget } from '../../../src-shared/contract/models'
import type { Workspace } from '../store/workspace'
import { labelledClips } from './data'
import { ModelRegistryError } from './registry'
import { planSplit } from './roles'

type Labelled = { labels: string[]; speakers: string[] }

/** Per-class clips of the shot speakers (shots = every clip there), from labels and speakers alone. */
export function shotBudget(source: Labelled, target: Labelled | null, o: { seed: number; sourceName: string; targetName: string | null }): ShotBudget {
  const none = new Float32Array(0)
  const split = planSplit({ ...source, x: none, itemShape: [0] }, target && { ...target, x: none, itemShape: [0] }, {
    seed: o.seed,
    shots: null,
    sourceName: o.sourceName,
    targetName: o.targetName,
  })
  const from = target ?? source
  const classes = [...new Set(from.labels)].sort()
  const perClass: Record<string, number> = Object.fromEntries(classes.map((c) => [c, 0]))
  for (const i of split.shots) perClass[from.labels[i]]++
  return { dataset: o.targetName ?? o.sourceName, speakers: split.roles.finetune.length, perClass, max: Math.min(...Object.values(perClass)) }
}

const labelled = (ws: Workspace, name: string): Labelled => {
  const { clips } = labelledClips(ws, name)
  return { labels: clips.map((c) => c.emotion), speakers: clips.map((c) => c.speaker) }
}

const bad = (message: string) => new ModelRegistryError(message, 'invalid')

function sameDataset(source: string, target: string | null): void {
  if (target !== null && target === source)
    throw bad(`the target dataset must differ from the source ('${source}'): choose another target, or none to pre-train only`)
}

/** The shot budget of a request's datasets (what the Train form shows beside "Shots per class"). */
export function shotBudgetOf(ws: Workspace, q: { source: string; target: string | null; seed: number }): ShotBudget {
  sameDataset(q.source, q.target)
  try {
    return shotBudget(labelled(ws, q.source), q.target ? labelled(ws, q.target) : null, { seed: q.seed, sourceName: q.source, targetName: q.target })
  } catch (err) {
    throw err instanceof ModelRegistryError ? err : bad((err as Error).message)
  }
}

/** Refuses source = target and more shots than every class of the shot speakers has. */
export function checkTrainRequest(ws: Workspace, r: { source: string; target: string | null; seed: number; shots: number | null }): ShotBudget {
  const b = shotBudgetOf(ws, r)
  if (r.shots !== null && r.shots > b.max) {
    const short = Object.entries(b.perClass).filter(([, n]) => n < r.shots!).map(([c, n]) => `${c} ${n}`).join(', ')
    throw bad(
      `${r.shots} shots per class asked, but the ${b.speakers} fine-tune speakers of '${b.dataset}' have fewer clips of: ${short}. ` +
        (b.max > 0 ? `Choose at most ${b.max} shots per class.` : 'Some class has no clip there: label more clips or choose another dataset.'),
    )
  }
  return b
}
