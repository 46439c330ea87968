/**
 * Selective prediction (issue 21): for the shipped default model and a model trained here on a
 * generated corpus, the AUROC of the unfamiliarity score between generated speakers the model never
 * used and real human speech (Debian's asterisk prompts: 60 telephone 8 kHz files, the same 60 as
 * wideband G.722), the share withheld on each at the calibrated threshold (score and recording
 * checks together), and the accuracy on the generated clips it answers against all of them.
 * Other real voices, never looked at while choosing the method (Spanish, Canadian French, Italian and
 * Russian prompts: test/helpers/real-speech.ts OTHER_VOICES, found under $SER_ASTERISK_ROOT or
 * /usr/share/asterisk/sounds; a voice whose packages are absent gives a "not installed" row).
 * Runs with `npm run bench -- unfamiliar`. SER_UNFAMILIAR_FRESH=<model folder> measures that folder
 * as the freshly trained model instead of training one; SER_UNFAMILIAR_MODELS=<dir>[,<dir>] adds
 * other model folders (e.g. one trained with `ser train` on another generator's corpus).
 */
import path from 'node:path'
import { closeImportPool, importCorpus } from '../src-main/services/corpus/index'
import { initBackend } from '../src-main/services/engine/backend'
import { closeFeaturePool, EXTRACTOR_VERSION } from '../src-main/services/features/index'
import { defaultModelDir, loadModel, loadProfile, predict, runTraining } from '../src-main/services/model/index'
import { descriptorsOf, modelScores, verdictsFor } from '../src-main/services/model/unfamiliar'
import type { ItemSet, ModelCardData } from '../src-main/services/model/types'
import type { RecordingReport } from '../src-main/services/model/recording-checks'
import { openWorkspace } from '../src-main/services/store/workspace'
import { wilson } from '../src-shared/wilson'
import { syntheticCorpus } from '../test/helpers/corpora'
import { ASTERISK_ROOT, OTHER_VOICES, otherVoicePrompts, telephonePrompts, widebandPrompts } from '../test/helpers/real-speech'
import type { BenchContext, BenchRow } from './harness'
import { cachedFilesToItems } from './unfamiliar-features'

/** Mann-Whitney AUROC: P(score of a positive > score of a negative), ties counted half. */
export function auroc(neg: number[], pos: number[]): number {
  let s = 0
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0
  return s / Math.max(1, pos.length * neg.length)
}

const pct = (k: number, n: number) => {
  const w = wilson(k, n)
  return `${((k / Math.max(1, n)) * 100).toFixed(1)}% [${(w.low * 100).toFixed(1)}, ${(w.high * 100).toFixed(1)}] (${k}/${n})`
}

interface RealSets {
  /** The 60 prompts the method was chosen on (wideband: odd-numbered files the development half, even-numbered the check). */
  tel: string[]
  wide: string[]
  /** The other prompts, never looked at while choosing the method. */
  telRest: string[]
  wideRest: string[]
  /** Other voices (languages), never looked at; null: not installed. */
  others: { language: string; voice: string; packages: string; files: { wideband: string[]; telephone: string[]; empty: number } | null }[]
}

type Features = (files: string[], card: ModelCardData) => Promise<ItemSet & { recordings: RecordingReport[] }>

async function measure(
  ctx: BenchContext,
  label: string,
  dir: string,
  gen: { files: string[]; truth: string[] },
  real: RealSets,
  features: Features = cachedFilesToItems,
): Promise<BenchRow[]> {
  const { model, card } = await loadModel(dir, { extractorVersion: EXTRACTOR_VERSION })
  const profile = loadProfile(path.join(dir, 'profile.json'), card)
  const u = card.unfamiliarity!
  const run = async (files: string[]) => {
    const items = await features(files, card)
    const preds = predict(model, profile, items)
    return { preds, v: verdictsFor(card, profile, items, preds, items.recordings), scores: modelScores(u, descriptorsOf(card.normaliser, items)) }
  }
  type Run = Awaited<ReturnType<typeof run>>
  const g = await run(gen.files)
  const t = await run(real.tel)
  const w = await run(real.wide)
  const tr = await run(real.telRest)
  const wr = await run(real.wideRest)
  const withheld = (r: Run) => r.v.filter((x) => x.unfamiliar).length
  const right = g.preds.map((p, i) => p.top === gen.truth[i])
  const kept = g.v.flatMap((x, i) => (x.unfamiliar ? [] : [i]))
  const accAll = right.filter(Boolean).length / right.length
  const accAnswered = kept.filter((i) => right[i]).length / Math.max(1, kept.length)
  const calmOf = (r: Run, only?: (i: number) => boolean) =>
    r.v.filter((x, i) => (!only || only(i)) && (x.unfamiliar || r.preds[i].top === 'neutral' || r.preds[i].top === 'calm')).length
  const calm = (r: Run) => calmOf(r)
  /** Prompts given an emotion other than neutral/calm, and how many of those `predict` marks 'uncertain' (between emotions: no percentages shown). */
  const misses = (r: Run) => {
    const idx = r.v.flatMap((x, i) => (x.unfamiliar || r.preds[i].top === 'neutral' || r.preds[i].top === 'calm' ? [] : [i]))
    return `${idx.filter((i) => r.preds[i].uncertain).length} of the ${idx.length} given an emotion are 'uncertain'`
  }
  const odd = (i: number) => i % 2 === 0 // the 1st, 3rd, ... file
  const wDev = calmOf(w, odd)
  const wDevN = w.v.filter((_, i) => odd(i)).length
  const wChk = calmOf(w, (i) => !odd(i))
  const aTel = auroc(g.scores, t.scores)
  const aWide = auroc(g.scores, w.scores)
  const aAll = auroc(g.scores, [...t.scores, ...w.scores])
  const aRest = auroc(g.scores, wr.scores)
  const partText = (p: NonNullable<typeof u.parts>[number]) => `${p.name} (threshold ${p.threshold.toFixed(3)} at ${(p.falseAlarmRate * 100).toFixed(1)}%)`
  const parts = u.parts ? ` = max over ${u.parts.map(partText).join(', ')}` : ''
  ctx.log(
    `${label}: ${u.method}, threshold ${u.threshold.toFixed(3)}${parts} (set for ${u.falseAlarmRate * 100}% false alarms on ${u.n} clips of ` +
      `${u.speakers} speakers; card's held-out ${u.heldOut ? pct(u.heldOut.flagged, u.heldOut.n) : '-'})`,
  )
  ctx.log(
    `  AUROC of the score, generated (n ${g.scores.length}) vs real: telephone ${aTel.toFixed(3)}, wideband ${aWide.toFixed(3)}, both ${aAll.toFixed(3)}; ` +
      `wideband never looked at ${aRest.toFixed(3)}`,
  )
  ctx.log(`  withheld: generated ${pct(withheld(g), g.v.length)}; telephone ${pct(withheld(t), t.v.length)}; wideband ${pct(withheld(w), w.v.length)}`)
  ctx.log(`  withheld or neutral/calm: telephone ${pct(calm(t), t.v.length)}; wideband ${pct(calm(w), w.v.length)}`)
  ctx.log(`    wideband, development half (odd-numbered files) ${pct(wDev, wDevN)}; the other half ${pct(wChk, w.v.length - wDevN)}`)
  ctx.log(
    `    the ${wr.v.length} other prompts, never looked at: wideband ${pct(calm(wr), wr.v.length)} (withheld ${pct(withheld(wr), wr.v.length)}; ` +
      `${misses(wr)}); telephone ${pct(calm(tr), tr.v.length)}`,
  )
  ctx.log(`  generated: ${g.preds.filter((p) => p.uncertain).length} of ${g.preds.length} 'uncertain'`)
  ctx.log(
    `  generated accuracy: answered ${pct(kept.filter((i) => right[i]).length, kept.length)} vs all ${pct(right.filter(Boolean).length, right.length)} ` +
      `(chance 1/${card.labels.length})`,
  )
  const atLeast90 = { op: '>=', value: 0.9, of: 'value' } as const
  const otherRows: BenchRow[] = []
  let pooled = { k: 0, n: 0 }
  for (const o of real.others) {
    const name = `${label}: ${o.language} (${o.voice}) wideband prompts, never looked at, withheld or neutral`
    if (!o.files) {
      ctx.log(`  ${o.language} (${o.voice}): not installed (${o.packages}; looked in ${ASTERISK_ROOT})`)
      otherRows.push({ name, value: NaN, unit: 'share', note: `not installed: ${o.packages}` })
      continue
    }
    const ow = await run(o.files.wideband)
    const ot = await run(o.files.telephone)
    pooled = { k: pooled.k + calm(ow), n: pooled.n + ow.v.length }
    ctx.log(
      `  ${o.language} (${o.voice}), never looked at: wideband ${pct(calm(ow), ow.v.length)} withheld or neutral ` +
        `(withheld ${pct(withheld(ow), ow.v.length)}; ${misses(ow)}; ` +
        `AUROC ${auroc(g.scores, ow.scores).toFixed(3)}); telephone ${pct(calm(ot), ot.v.length)}` +
        (o.files.empty ? `; ${o.files.empty} empty placeholder prompt(s) left out` : ''),
    )
    otherRows.push(
      { name, value: calm(ow) / Math.max(1, ow.v.length), unit: 'share', target: atLeast90, note: `n ${ow.v.length}: ${pct(calm(ow), ow.v.length)}` },
      { name: name.replace('wideband', 'telephone'), value: calm(ot) / Math.max(1, ot.v.length), unit: 'share', target: atLeast90 },
    )
  }
  const voices = real.others.filter((o) => o.files).length
  if (pooled.n) ctx.log(`  other voices pooled (${voices} speakers), wideband: ${pct(pooled.k, pooled.n)} withheld or neutral`)
  return [
    { name: `${label}: AUROC generated vs real prompts`, value: aAll, unit: 'AUROC', target: { op: '>=', value: 0.8, of: 'value' } },
    { name: `${label}: generated clips withheld`, value: withheld(g) / g.v.length, unit: 'share', target: { op: '<=', value: 0.1, of: 'value' } },
    { name: `${label}: telephone prompts withheld or neutral`, value: calm(t) / t.v.length, unit: 'share', target: { op: '>=', value: 0.9, of: 'value' } },
    { name: `${label}: wideband prompts withheld or neutral`, value: calm(w) / w.v.length, unit: 'share', target: { op: '>=', value: 0.9, of: 'value' } },
    { name: `${label}: wideband prompts never looked at, withheld or neutral`, value: calm(wr) / Math.max(1, wr.v.length), unit: 'share', target: atLeast90 },
    { name: `${label}: telephone prompts never looked at, withheld or neutral`, value: calm(tr) / Math.max(1, tr.v.length), unit: 'share', target: atLeast90 },
    { name: `${label}: accuracy answered minus all (generated)`, value: accAnswered - accAll, unit: 'accuracy', target: { op: '>=', value: 0, of: 'value' } },
    ...otherRows,
  ]
}

function otherVoices(quick: boolean): RealSets['others'] {
  return OTHER_VOICES.map((v) => {
    const f = otherVoicePrompts(v)
    const cut = (a: string[]) => (quick ? a.slice(0, 20) : a)
    const files = f ? { wideband: cut(f.wideband), telephone: cut(f.telephone), empty: f.empty } : null
    return { language: v.language, voice: v.voice, packages: v.packages, files }
  })
}

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  await initBackend()
  const fresh = await syntheticCorpus('cremad', { speakers: 4, sentences: 2 })
  const gen = { files: fresh.clips.map((c) => path.join(fresh.dir, c.relPath)), truth: fresh.clips.map((c) => c.emotion) }
  const n = ctx.quick ? 20 : 60
  const rest = ctx.quick ? 40 : Infinity
  const real: RealSets = {
    tel: telephonePrompts(n),
    wide: widebandPrompts(n),
    telRest: telephonePrompts(rest, 60),
    wideRest: widebandPrompts(rest, 60),
    others: otherVoices(ctx.quick),
  }
  ctx.log(
    `generated: ${gen.files.length} clips of 4 speakers no model here used (seed 'ser'); ` +
      `real: ${n} asterisk prompts, telephone and wideband, and ${real.wideRest.length} more never looked at`,
  )
  const rows = await measure(ctx, 'default model', defaultModelDir(), gen, real)
  const extra = (process.env.SER_UNFAMILIAR_MODELS ?? '').split(',').filter(Boolean)
  for (const dir of extra) rows.push(...(await measure(ctx, `model ${dir}`, dir, gen, real)))
  const reuse = process.env.SER_UNFAMILIAR_FRESH
  if (reuse) {
    rows.push(...(await measure(ctx, `freshly trained (16 generated speakers; reused from ${reuse})`, reuse, gen, real)))
    return rows
  }
  const corpus = await syntheticCorpus('cremad', { speakers: 16, sentences: 2, seed: 'unfamiliar-train' })
  const wsDir = path.join(ctx.tmpDir, 'ws')
  const ws = openWorkspace(wsDir)
  await importCorpus(ws, corpus.dir, { name: 'gen-train' })
  ws.close()
  await closeImportPool()
  const out = path.join(ctx.tmpDir, 'trained')
  await runTraining({ workspace: wsDir, source: 'gen-train', out, name: 'fresh', epochs: ctx.quick ? 3 : 10, stepsPerEpoch: 30, shots: 5 })
  await closeFeaturePool()
  rows.push(...(await measure(ctx, 'freshly trained (16 generated speakers)', out, gen, real)))
  return rows
}
