/**
 * `npm run soak` part (c): kill -9 of `ser import` at random moments, more often than
 * `npm test` does (test/unit/fault/import-kill.test.ts: 2 kills). The training half of (c)
 * (kill -9 of `ser train`, then resume from the checkpoint) is test/unit/model/train-kill.test.ts.
 * Prints its figures; exit 0 = passed.
 */
import { runImportKill } from '../test/unit/fault/import-kill'

const kills = Number(process.env.SER_SOAK_IMPORT_KILLS ?? 6)
const r = await runImportKill({ files: 240, kills, log: (s) => console.error(`  ${s}`) })
const ok = r.clips === r.files && r.duplicateHashes === 0 && r.duplicatePaths === 0 && r.integrity === 'ok'
console.log(`(c) import kill -9: ${r.kills} kills (${r.midImportKills} mid-import) over ${r.files} files in ${r.elapsedSec.toFixed(0)} s`)
console.log(
  `(c) clips ${r.clips} of ${r.files}, duplicate hashes ${r.duplicateHashes}, duplicate paths ${r.duplicatePaths}, labels ${r.labels}, ` +
    `integrity ${r.integrity}`,
)
process.exit(ok ? 0 : 1)
