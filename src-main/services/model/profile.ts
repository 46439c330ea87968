/**
 * The enrolled profile and a prediction from it, as types only: inference.ts builds and uses
 * them, unfamiliar.ts judges with them, storage.ts saves and loads them, and none of those
 * imports another for a type (no import circle in the model folder, docs/CONVENTIONS.md).
 */

export interface Profile {
  method: 'prototype' | 'knn'
  k: number
  classes: string[]
  dim: number
  /** [classes * dim] */
  prototypes: number[]
  /** Support embeddings per class (for kNN), flat [n * dim]. */
  support: { label: string; embedding: number[] }[]
  temperature: number
  uncertainDistance: number
  ece: number | null
  /**
   * L2-normalised models: [min, max] of the support items' raw output norms; a clip whose raw
   * norm is more than NORM_OUTLIER (inference.ts) times outside it is 'uncertain'. Absent for older profiles.
   */
  normRange?: [number, number]
  /**
   * Enrolled persons: how far (mean distance to the k nearest takes) a voice may lie from the
   * person's own takes before it "does not sound like the enrolled person's takes" (unfamiliar.ts).
   */
  familiarity?: ProfileFamiliarity
}

export interface Prediction {
  probabilities: Record<string, number>
  top: string
  /** True when no class is close: the clip is unlike every enrolled emotion. */
  uncertain: boolean
  distances: Record<string, number>
  /** Distance to the enrolled takes (profiles with `familiarity` only). */
  takesDistance?: number
}

/** The enrolled-person check of a profile: embedding distance to the person's own takes. */
export interface ProfileFamiliarity {
  k: number
  /** Mean distance to the k nearest takes above which a voice "does not sound like the enrolled takes". */
  threshold: number
  falseAlarmRate: number
  /** Takes it rests on (leave-one-out distances). */
  n: number
}
