/**
 * Synthetic feature corpora for tests and benchmarks: Gaussian emotion clusters in a
 * low-dimensional latent space, mapped to `dim` features by a fixed random projection
 * (shared by all corpora of one `world` seed, so source and target have the same
 * structure), plus a per-speaker offset and per-item noise. The speaker offset is what
 * makes few-shot learning hard and pre-training useful: a network that has seen many
 * speakers learns to ignore the directions speakers vary in.
 */
import { makeRng } from './sampling'
import type { ItemSet } from './types'

export interface SyntheticOptions {
  classes: string[]
  speakers: number
  perSpeakerPerClass: number
  dim?: number
  latent?: number
  /** Seed of the shared structure (class means, projection, speaker subspace). */
  world?: number
  /** Seed of this corpus's speakers and items. */
  seed: number
  speakerScale?: number
  noise?: number
  speakerPrefix?: string
}

function gauss(rng: () => number): number {
  const u = Math.max(rng(), 1e-12)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng())
}

export function makeSyntheticCorpus(o: SyntheticOptions): ItemSet {
  const dim = o.dim ?? 88
  const latent = o.latent ?? 8
  const w = makeRng(`world-${o.world ?? 1}`)
  const allClasses = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised', ...o.classes]
  const means = new Map<string, number[]>()
  for (const c of allClasses) if (!means.has(c)) means.set(c, Array.from({ length: latent }, () => gauss(w) * 1.0))
  const proj = Array.from({ length: latent * dim }, () => gauss(w) / Math.sqrt(latent))
  const spkDirs = 6
  const spkProj = Array.from({ length: spkDirs * dim }, () => gauss(w))
  const r = makeRng(`corpus-${o.seed}`)
  const n = o.speakers * o.classes.length * o.perSpeakerPerClass
  const x = new Float32Array(n * dim)
  const labels: string[] = []
  const speakers: string[] = []
  let row = 0
  for (let s = 0; s < o.speakers; s++) {
    const off = Array.from({ length: spkDirs }, () => gauss(r) * (o.speakerScale ?? 1.5))
    const spk = `${o.speakerPrefix ?? 's'}${o.seed}-${s}`
    for (const c of o.classes) {
      for (let k = 0; k < o.perSpeakerPerClass; k++) {
        const z = means.get(c)!.map((m) => m + gauss(r) * (o.noise ?? 0.6))
        for (let d = 0; d < dim; d++) {
          let v = 0
          for (let l = 0; l < latent; l++) v += z[l] * proj[l * dim + d]
          v = Math.tanh(v) * 2
          for (let q = 0; q < spkDirs; q++) v += off[q] * spkProj[q * dim + d]
          x[row * dim + d] = v + gauss(r) * 0.3
        }
        labels.push(c)
        speakers.push(spk)
        row++
      }
    }
  }
  return { x, itemShape: [dim], labels, speakers }
}
