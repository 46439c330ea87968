/**
 * One eGeMAPS speed measurement in its own process (bench/features.bench.ts), so its peak RSS is
 * the extraction's own: usage `tsx bench/features_measure.ts FILE.wav...`. Warm-up (JIT) of two
 * passes, then the best of 7 passes over all files on this one thread. Prints one JSON line:
 * seconds of audio, the best pass in wall seconds and in CPU seconds of this process (less
 * inflated by other work on a shared machine), times real time for each, the RSS before the
 * first extraction and the process's peak RSS (MiB), and which path ran (wasm kernels, or js where
 * SER_FEATURES_WASM=0 or WebAssembly does not load).
 */
import { extractEgemaps } from '../src-main/services/features/index'
import { readWav } from '../test/helpers/wav'
import { useWasm } from '../src-main/services/features/wasm/runtime'

const audio = process.argv.slice(2).map((f) => readWav(f))
const seconds = audio.reduce((a, w) => a + w.samples.length / w.sampleRate, 0)
const baseRssMiB = process.memoryUsage().rss / 2 ** 20
const passes = Number(process.env.FEATURES_PASSES ?? 7)
for (let rep = 0; rep < 2; rep++) for (const w of audio) extractEgemaps(w.samples, w.sampleRate)
let best = Infinity
let bestCpu = Infinity
for (let rep = 0; rep < passes; rep++) {
  const t0 = process.hrtime.bigint()
  const c0 = process.cpuUsage()
  for (const w of audio) extractEgemaps(w.samples, w.sampleRate)
  const c = process.cpuUsage(c0)
  best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9)
  bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6)
}
console.log(
  JSON.stringify({
    seconds,
    path: useWasm() ? 'wasm' : 'js',
    best,
    realTime: seconds / best,
    bestCpu,
    realTimePerCpu: seconds / bestCpu,
    baseRssMiB,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
)
