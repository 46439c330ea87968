/**
 * Live VAD: today's energy + voicing gate against Silero VAD (onnxruntime-node)
 * on the labelled set of services/live/vad-eval-set.ts (generated talkers no test
 * uses, with TV, babble and fan noise at 20/10/5/0 dB SNR, and clean). Reports
 * per-frame miss and false-alarm rates per detector x noise x SNR (n frames,
 * 95% Wilson intervals, which are optimistic: neighbouring frames are not
 * independent), the view-level (250 ms hop) rates, and which detector the
 * criterion keeps: the lower mean over the 12 noisy conditions of
 * (miss % + FA %) / 2 at frame level. Default thresholds, nothing tuned on the set.
 * Runs with `npm run bench -- live` (and `-- live-vad` alone).
 */
import { makeEvalSet, EVAL_RATE } from '../src-main/services/live/vad-eval-set'
import { addCounts, chooseDetector, rates, scoreStream, type ConditionRow, type DetectionCounts } from '../src-main/services/live/vad-eval'
import { DEFAULT_VAD_DETECTOR, makeVoicing } from '../src-main/services/live/vad-detector'
import { VAD_DETECTORS } from '../src-main/services/live/vad'
import type { BenchContext, BenchRow } from './harness'

const pct = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—')
const ci = (c: [number, number]) => `[${c[0].toFixed(1)}, ${c[1].toFixed(1)}]`

export async function bench(ctx: BenchContext): Promise<BenchRow[]> {
  const t0 = performance.now()
  const { speech, streams } = await makeEvalSet(ctx.quick ? { talkers: 2, perTalker: 2, snrs: [10, 0] } : {})
  const seconds = speech.samples.length / EVAL_RATE
  const speechFrames = speech.labels.reduce((s, v) => s + v, 0)
  ctx.log(
    `set: ${speech.utterances} utterances by ${speech.talkers.length} talkers (${speech.talkers.join(', ')}), ${seconds.toFixed(1)} s per stream, ` +
      `${speechFrames} of ${speech.labels.length} frames speech; ${streams.length} streams; rendered in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  )
  const rows: ConditionRow[] = []
  const runMs: Record<string, number> = {}
  for (const detector of VAD_DETECTORS) {
    const t = performance.now()
    for (const s of streams) {
      const choice = makeVoicing(detector)
      if (choice.fallback) throw new Error(`the ${detector} detector did not load: ${choice.fallback}`)
      rows.push({ detector, noise: s.noise, snrDb: s.snrDb, score: scoreStream(choice.voicing, s.samples, s.labels) })
    }
    runMs[detector] = performance.now() - t
  }
  ctx.log('')
  ctx.log(
    '| detector | noise | SNR dB | frame miss % [95% CI] | frame FA % [95% CI] | n speech / non-speech frames | hop miss % | hop FA % | n hops speech / not |',
  )
  ctx.log('|---|---|---|---|---|---|---|---|---|')
  for (const r of rows) {
    const f = rates(r.score.frame)
    const h = rates(r.score.hop)
    ctx.log(
      `| ${r.detector} | ${r.noise} | ${r.snrDb ?? '∞'} | ${pct(f.missPct)} ${ci(f.missCi)} | ${pct(f.faPct)} ${ci(f.faCi)} | ${r.score.frame.speech} / ` +
        `${r.score.frame.nonSpeech} | ${pct(h.missPct)} | ${pct(h.faPct)} | ${r.score.hop.speech} / ${r.score.hop.nonSpeech} |`,
    )
  }
  const { winner, meanHter } = chooseDetector(rows)
  ctx.log('')
  const out: BenchRow[] = []
  for (const detector of VAD_DETECTORS) {
    const noisy = rows.filter((r) => r.detector === detector && r.snrDb !== null)
    const pooled = noisy.reduce<DetectionCounts>((a, r) => addCounts(a, r.score.frame), { speech: 0, nonSpeech: 0, misses: 0, falseAlarms: 0 })
    const hop = noisy.reduce<DetectionCounts>((a, r) => addCounts(a, r.score.hop), { speech: 0, nonSpeech: 0, misses: 0, falseAlarms: 0 })
    const p = rates(pooled)
    const ph = rates(hop)
    const realTime = (noisy.length + 1) * seconds * 1000 / runMs[detector]
    ctx.log(
      `${detector}: noisy conditions pooled: miss ${pct(p.missPct)}% ${ci(p.missCi)} of ${pooled.speech}, ` +
        `FA ${pct(p.faPct)}% ${ci(p.faCi)} of ${pooled.nonSpeech}; per hop miss ${pct(ph.missPct)}%, FA ${pct(ph.faPct)}%; ` +
        `mean (miss+FA)/2 ${pct(meanHter[detector])}%; ${realTime.toFixed(0)}x real time`,
    )
    out.push(
      {
        name: `live VAD ${detector}: mean over noise x SNR of (frame miss % + FA %) / 2`,
        value: meanHter[detector],
        unit: '%',
        reference: { name: 'always-the-same detector', value: 50 },
        ratio: meanHter[detector] / 50,
        note: `${noisy.length} conditions x ${speech.labels.length} frames; chance (one answer for every frame) = 50`,
      },
      {
        name: `live VAD ${detector}: frame miss %, noisy pooled`,
        value: p.missPct,
        unit: '%',
        note: `95% CI ${ci(p.missCi)}, n = ${pooled.speech} speech frames`,
      },
      {
        name: `live VAD ${detector}: frame false-alarm %, noisy pooled`,
        value: p.faPct,
        unit: '%',
        note: `95% CI ${ci(p.faCi)}, n = ${pooled.nonSpeech} non-speech frames`,
      },
      {
        name: `live VAD ${detector}: 250 ms hop miss % / FA %, noisy pooled`,
        value: ph.missPct,
        unit: '% miss',
        note: `FA ${pct(ph.faPct)}%; n = ${hop.speech} / ${hop.nonSpeech} hops`,
      },
      { name: `live VAD ${detector}: speed (x real time, one thread)`, value: realTime, unit: 'x' },
    )
  }
  const loser = winner === 'gate' ? 'silero' : 'gate'
  ctx.log(`kept: ${winner} (mean (miss+FA)/2 ${pct(meanHter[winner])}% vs ${loser} ${pct(meanHter[loser])}%); the live default is ${DEFAULT_VAD_DETECTOR}`)
  out.push({
    name: `live VAD default = measured better (${winner})`,
    value: DEFAULT_VAD_DETECTOR === winner ? 1 : 0,
    unit: 'bool',
    target: { op: '>=', value: 1, of: 'value' },
    note: `DEFAULT_VAD_DETECTOR is ${DEFAULT_VAD_DETECTOR}`,
  })
  return out
}
