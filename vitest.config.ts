import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'src-renderer/test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Training and feature tests are CPU-heavy; two cores on CI.
    fileParallelism: true,
    maxWorkers: 2,
  },
})
