/**
 * `npm run soak` part (d): hostile audio files at a larger scale than `npm test`
 * (test/unit/fault/hostile-files.test.ts runs scale 1). Prints its figures; exit 0 = passed.
 */
import { runHostileFiles } from '../test/unit/fault/hostile-files'

const scale = Number(process.env.SER_SOAK_HOSTILE_SCALE ?? 3)
const BOUND_MB = 512 // the stated bound on RSS growth over the baseline (same as the test)
const r = await runHostileFiles({ scale, log: (s) => console.error(`  ${s}`) })
const ok = r.accepted.length === 0 && r.unexplained.length === 0 && r.echoing.length === 0 && r.peakGrowthMb < BOUND_MB
console.log(
  `(d) hostile files: ${r.rejected} of ${r.files} rejected with a reason; accepted ${r.accepted.length}, unexplained ${r.unexplained.length}, ` +
    `echoing bytes ${r.echoing.length}`,
)
console.log(
  `(d) peak RSS ${r.peakRssMb.toFixed(0)} MB (baseline ${r.baselineRssMb.toFixed(0)} MB, growth ${r.peakGrowthMb.toFixed(0)} MB, bound ${BOUND_MB} MB); ` +
    `by kind ${JSON.stringify(r.byKind)}`,
)
process.exit(ok ? 0 : 1)
