/**
 * The unfamiliarity score: how far an input lies outside what the model learned from.
 *
 * Descriptors are the model's own normalised input (eGeMAPS: the 88 functionals; log-mel: each
 * band's mean and sd over frames). The reference is each descriptor's central range (1st-99th
 * percentile) over the model's training clips. A range score over a group of descriptors is the sum
 * of how far the clip lies outside each range, in units of the descriptor's interquartile range,
 * each capped at `cap` = 0.25 (so one odd descriptor cannot decide alone): a familiar clip scores
 * near 0, a voice or channel the model never heard lies outside many ranges at once.
 *
 * Two range scores (descriptor-range/2, eGeMAPS models): over all descriptors, and over the
 * voice-quality descriptors alone (jitter, shimmer, HNR, harmonic differences, formant amplitudes,
 * spectral tilt: VOICE_QUALITY). New speakers of the training generator differ from its training
 * speakers mostly in pitch, loudness and tempo, which fill the all-descriptor score and so raise its
 * threshold; the voice-quality group leaves those out, so a voice produced differently (a real
 * larynx against a generator's source model) is not drowned by them. Log-mel models have one part.
 *
 * Each part's threshold is a conformal quantile of the scores of speakers not in the reference (the
 * calibration and validation speakers): the ceil((n+1)(1-a))-th smallest of n, so that a new clip
 * from the same population exceeds it with probability <= a. With two parts each gets a/2
 * (Bonferroni), so a new clip is flagged by either with probability <= a, the stated rate. The
 * combined score is the largest part score over its threshold (unfamiliar above 1). The held-out
 * speakers then measure the rate actually flagged; they set nothing.
 *
 * Why not the embedding: measured on the shipped model, the (L2-normalised) embedding places
 * real human speech as close to the training speakers as new generated speakers (docs/live.md);
 * the embedding keeps what separates emotions, not what tells a new kind of voice. Enrolled
 * profiles do use the embedding, against the person's own takes (profileCheck below).
 */
import { wilson } from '../../../src-shared/wilson'
import type { DescriptorPart, DescriptorReference, UnfamiliarityCard, UnfamiliarVerdict } from '../../../src-shared/contract/unfamiliar'
import { EGEMAPS_NAMES } from '../features/names'
import { dist, quantile } from './inference-core'
import { applyNormaliser } from './normalise'
import { recordingReasons, type RecordingReport } from './recording-checks'
import type { ItemSet, ModelCardData, Normaliser } from './types'
import type { Prediction, Profile, ProfileFamiliarity } from './profile'

export type { DescriptorPart, DescriptorReference, UnfamiliarityCard, UnfamiliarVerdict }

export const DEFAULT_FALSE_ALARM_RATE = 0.05
const QUANTILES: [number, number] = [0.01, 0.99]
/**
 * Each descriptor counts at most a quarter of an IQR: the score measures how many descriptors are
 * out (breadth) more than how far one is (depth). Compared on the shipped model's speakers with caps
 * 0.1, 0.25, 0.5, 1 and 2 (docs/live.md, Unfamiliar): smaller caps flagged more real speech at the
 * same held-out false-alarm rate; that comparison included the real prompts, so it is stated.
 */
const CAP = 0.25

/**
 * eGeMAPS voice-quality and spectral-shape descriptors (28 of 88): how the voice is produced, not
 * its pitch, loudness, tempo or words. Chosen by acoustic meaning (issue 21 named jitter, shimmer and
 * HNR), not fitted to any data; docs/live.md says what was measured with it and on what.
 */
const VOICE_QUALITY_RE = /^(jitterLocal|shimmerLocaldB|HNRdBACF|logRelF0-H1-H2|logRelF0-H1-A3|F[123]amplitudeLogRelF0|alphaRatio|hammarbergIndex|slope)/
export const VOICE_QUALITY: number[] = EGEMAPS_NAMES.flatMap((n, i) => (VOICE_QUALITY_RE.test(n) ? [i] : []))
/** A part's threshold is at least this (a part on which no calibration clip left its ranges still needs a positive excess to flag). */
const MIN_PART_THRESHOLD = 1e-3

export interface Descriptors {
  kind: DescriptorReference['descriptors']
  dim: number
  /** [n * dim] */
  d: Float32Array
  n: number
}

/** The descriptors of `items` (raw features) in the model's normalised input space. */
export function descriptorsOf(normaliser: Normaliser | null, items: ItemSet): Descriptors {
  const n = items.labels.length
  const x = applyNormaliser(items.x, normaliser)
  if (items.itemShape.length === 1) return { kind: 'egemaps', dim: items.itemShape[0], d: x, n }
  const [frames, mels] = items.itemShape
  const d = new Float32Array(n * mels * 2)
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < mels; m++) {
      let s = 0
      let sq = 0
      for (let f = 0; f < frames; f++) {
        const v = x[i * frames * mels + f * mels + m]
        s += v
        sq += v * v
      }
      const mean = s / frames
      d[i * mels * 2 + m] = mean
      d[i * mels * 2 + mels + m] = Math.sqrt(Math.max(0, sq / frames - mean * mean))
    }
  }
  return { kind: 'logmel-bands', dim: mels * 2, d, n }
}

export function concatDescriptors(parts: Descriptors[]): Descriptors {
  const n = parts.reduce((a, p) => a + p.n, 0)
  const d = new Float32Array(n * parts[0].dim)
  let at = 0
  for (const p of parts) {
    d.set(p.d, at)
    at += p.d.length
  }
  return { kind: parts[0].kind, dim: parts[0].dim, d, n }
}

export function fitReference(desc: Descriptors, speakers: number): DescriptorReference {
  const lo: number[] = []
  const hi: number[] = []
  const scale: number[] = []
  for (let k = 0; k < desc.dim; k++) {
    const v: number[] = []
    for (let i = 0; i < desc.n; i++) v.push(desc.d[i * desc.dim + k])
    lo.push(quantile(v, QUANTILES[0]))
    hi.push(quantile(v, QUANTILES[1]))
    scale.push(Math.max(quantile(v, 0.75) - quantile(v, 0.25), 1e-3))
  }
  return { descriptors: desc.kind, quantiles: QUANTILES, lo, hi, scale, cap: CAP, clips: desc.n, speakers }
}

/** Range score of descriptor row `i` over `only` (all descriptors when absent). */
export function descriptorScore(ref: DescriptorReference, desc: Descriptors, i: number, only?: number[]): number {
  let s = 0
  const one = (k: number) => {
    const v = desc.d[i * desc.dim + k]
    const e = Math.max(0, (v - ref.hi[k]) / ref.scale[k], (ref.lo[k] - v) / ref.scale[k])
    s += Math.min(e, ref.cap)
  }
  if (only) only.forEach(one)
  else for (let k = 0; k < desc.dim; k++) one(k)
  return s
}

export function descriptorScores(ref: DescriptorReference, desc: Descriptors, only?: number[]): number[] {
  if (desc.dim !== ref.lo.length) throw new Error(`the unfamiliarity reference has ${ref.lo.length} descriptors, the input ${desc.dim}`)
  return Array.from({ length: desc.n }, (_, i) => descriptorScore(ref, desc, i, only))
}

/** Each part's raw score per row: [part][row]. A /1 card has one part, all descriptors, at its threshold. */
export function partScores(card: UnfamiliarityCard, desc: Descriptors): number[][] {
  if (!card.parts) return [descriptorScores(card.reference, desc)]
  return card.parts.map((p) => descriptorScores(card.reference, desc, p.name === 'all' ? undefined : p.descriptors))
}

const partsOf = (card: UnfamiliarityCard): { name: string; threshold: number }[] => card.parts ?? [{ name: 'all', threshold: card.threshold }]

/** The score compared with `card.threshold`: /1, the range score; /2, the largest part score over its threshold. */
export function modelScores(card: UnfamiliarityCard, desc: Descriptors, raw = partScores(card, desc)): number[] {
  if (!card.parts) return raw[0]
  const parts = card.parts
  return Array.from({ length: desc.n }, (_, i) => Math.max(...parts.map((p, j) => raw[j][i] / Math.max(p.threshold, MIN_PART_THRESHOLD))))
}

/**
 * Conformal threshold: the ceil((n+1)(1-a))-th smallest score. With too few scores for the
 * rate (n < 1/a - 1) it is the largest score and the rate it guarantees is 1/(n+1).
 */
export function conformalThreshold(scores: number[], rate: number): { threshold: number; rate: number } {
  if (scores.length === 0) return { threshold: Infinity, rate }
  const s = [...scores].sort((a, b) => a - b)
  const rank = Math.ceil((s.length + 1) * (1 - rate))
  if (rank > s.length) return { threshold: s[s.length - 1], rate: 1 / (s.length + 1) }
  return { threshold: s[rank - 1], rate }
}

export interface UnfamiliarityInput {
  normaliser: Normaliser | null
  /** Training clips (pre-training and shots): the reference. */
  reference: ItemSet
  /** Clips of speakers not in the reference (calibration + validation): the threshold. */
  calibration: ItemSet
  /** Held-out speakers: the measured false-alarm rate. */
  heldOut: ItemSet | null
  falseAlarmRate?: number
}

const speakerCount = (s: ItemSet) => new Set(s.speakers).size

/** Items of several sets of the same shape, one after the other. */
export function concatItems(parts: ItemSet[]): ItemSet {
  const per = parts[0].itemShape.reduce((a, b) => a * b, 1)
  const x = new Float32Array(parts.reduce((a, p) => a + p.labels.length, 0) * per)
  let at = 0
  for (const p of parts) {
    x.set(p.x.subarray(0, p.labels.length * per), at)
    at += p.labels.length * per
  }
  return { x, itemShape: parts[0].itemShape, labels: parts.flatMap((p) => p.labels), speakers: parts.flatMap((p) => p.speakers) }
}

/** The parts a reference of this kind is scored on (names and descriptor groups). */
function partGroups(ref: DescriptorReference): { name: string; descriptors: number[] }[] {
  const all = { name: 'all', descriptors: ref.lo.map((_, k) => k) }
  return ref.descriptors === 'egemaps' && ref.lo.length === EGEMAPS_NAMES.length ? [all, { name: 'voice quality', descriptors: VOICE_QUALITY }] : [all]
}

/** The card's unfamiliarity section (null when no speaker was left to calibrate on). */
export function buildUnfamiliarity(o: UnfamiliarityInput): UnfamiliarityCard | null {
  if (o.calibration.labels.length === 0 || o.reference.labels.length === 0) return null
  const reference = fitReference(descriptorsOf(o.normaliser, o.reference), speakerCount(o.reference))
  const calDesc = descriptorsOf(o.normaliser, o.calibration)
  const groups = partGroups(reference)
  const a = (o.falseAlarmRate ?? DEFAULT_FALSE_ALARM_RATE) / groups.length
  const parts: DescriptorPart[] = groups.map((g) => {
    const c = conformalThreshold(descriptorScores(reference, calDesc, g.name === 'all' ? undefined : g.descriptors), a)
    return { ...g, threshold: c.threshold, falseAlarmRate: c.rate }
  })
  const card: UnfamiliarityCard = {
    method: 'descriptor-range/2',
    reference,
    threshold: 1,
    falseAlarmRate: Math.min(1, parts.reduce((s, p) => s + p.falseAlarmRate, 0)),
    n: calDesc.n,
    speakers: speakerCount(o.calibration),
    heldOut: null,
    parts,
  }
  if (o.heldOut && o.heldOut.labels.length) {
    const scores = modelScores(card, descriptorsOf(o.normaliser, o.heldOut))
    const flagged = scores.filter((s) => s > card.threshold).length
    const w = wilson(flagged, scores.length)
    card.heldOut = { flagged, n: scores.length, speakers: speakerCount(o.heldOut), low: w.low, high: w.high }
  }
  return card
}

function nearestMean(emb: ArrayLike<number>, i: number, support: number[][], dim: number, k: number, skip = -1): number {
  const ds = support.flatMap((s, j) => (j === skip ? [] : [dist(emb, i, s, 0, dim)])).sort((a, b) => a - b)
  const near = ds.slice(0, Math.max(1, Math.min(k, ds.length)))
  return near.reduce((a, b) => a + b, 0) / Math.max(1, near.length)
}

/** Leave-one-take-out distances of the takes, and their conformal threshold. */
export function profileFamiliarity(support: number[][], dim: number, rate = DEFAULT_FALSE_ALARM_RATE, k = 3): ProfileFamiliarity | null {
  if (support.length < 3) return null
  const loo = support.map((s, i) => nearestMean(s, 0, support.map((t, j) => (j === i ? [] : t)).filter((t) => t.length), dim, k))
  const c = conformalThreshold(loo, rate)
  return { k, threshold: c.threshold, falseAlarmRate: c.rate, n: support.length }
}

export function profileDistance(emb: ArrayLike<number>, i: number, support: number[][], dim: number, k: number): number {
  return nearestMean(emb, i, support, dim, k)
}

const f2 = (v: number) => v.toFixed(2)

/** The verdict on one input from the model's score, the recording checks and the profile's check. */
export function judge(
  card: UnfamiliarityCard | null | undefined,
  score: number | null,
  recording: RecordingReport | null,
  person: { distance: number; check: ProfileFamiliarity } | null = null,
  /** Each part's raw score (descriptor-range/2), to name the parts that exceed. */
  parts: number[] | null = null,
): UnfamiliarVerdict {
  const reasons = recording ? recordingReasons(recording) : []
  if (card && score !== null && score > card.threshold) {
    const partName = (name: string) => (name === 'all' ? 'all descriptors' : name)
    const over = partsOf(card).flatMap((p, j) => (parts && parts[j] > p.threshold ? [`${partName(p.name)} ${f2(parts[j])} > ${f2(p.threshold)}`] : []))
    reasons.push(
      `unlike the model's training voices: score ${f2(score)} above its threshold ${f2(card.threshold)}${over.length ? ` (${over.join('; ')})` : ''}` +
        ` (set for ${Math.round(card.falseAlarmRate * 100)}% false alarms on ${card.n} clips of ${card.speakers} speakers it never trained on)`,
    )
  }
  if (person && person.distance > person.check.threshold)
    reasons.push(
      `does not sound like the enrolled person's takes: distance ${f2(person.distance)} above ${f2(person.check.threshold)} (from ${person.check.n} takes)`,
    )
  return {
    unfamiliar: reasons.length > 0,
    score: card && score !== null ? score : null,
    threshold: card ? card.threshold : null,
    falseAlarmRate: card ? card.falseAlarmRate : null,
    reasons,
  }
}

/** The share of scores above a threshold (for reports). */
export function flaggedShare(scores: number[], threshold: number): number {
  return scores.length ? scores.filter((s) => s > threshold).length / scores.length : 0
}

export { quantile }

/** Verdicts for predictions of `items` (raw features) by a model with `card` and `profile`; recordings when the audio was at hand. */
export function verdictsFor(
  card: ModelCardData,
  profile: Profile,
  items: ItemSet,
  preds: Prediction[],
  recordings: (RecordingReport | null)[] | null,
): UnfamiliarVerdict[] {
  const u = card.unfamiliarity ?? null
  const desc = u ? descriptorsOf(card.normaliser, items) : null
  const parts = u && desc ? partScores(u, desc) : null
  const scores = u && desc && parts ? modelScores(u, desc, parts) : null
  return preds.map((p, i) =>
    judge(
      u,
      scores ? scores[i] : null,
      recordings?.[i] ?? null,
      profile.familiarity && p.takesDistance !== undefined ? { distance: p.takesDistance, check: profile.familiarity } : null,
      parts ? parts.map((s) => s[i]) : null,
    ),
  )
}
