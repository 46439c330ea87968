import { defineConfig } from 'vitest/config'

/**
 * Two tiers, both run and counted by `npm test` (scripts/test-all.mjs), each its own step:
 * - `unit`: test/unit (one folder per service) and the renderer's plain modules (src-renderer/test);
 * - `slow`: test/slow, the tests that take minutes: statistical checks (bootstrap coverage by simulation,
 *   transfer over seeds and losses, the generator's realism) and the whole `ser experiment` through the CLI.
 * `npx vitest run --project unit` (`npm run test:unit`) or `--project slow` (`npm run test:slow`) runs one tier.
 */
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Training and feature tests are CPU-heavy; two cores on CI.
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'src-renderer/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'slow', include: ['test/slow/**/*.test.ts'] } },
    ],
  },
})
