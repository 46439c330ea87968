import { defineConfig } from '@playwright/test'
import { findChromium, findElectronBinary } from './src-main/services/system/environment'

/**
 * End-to-end tests drive Debian's Chromium (never a downloaded browser) against
 * the browser shell, and a real Electron when its binary is present: the
 * 'electron' project only exists then (scripts/test-all.mjs says so loudly).
 */
const chromium = findChromium()
const electron = findElectronBinary()

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
]

export default defineConfig({
  testDir: 'test/e2e',
  // PW_OUTPUT_DIR lets parallel local runs keep their traces apart (CI uses the default).
  outputDir: process.env.PW_OUTPUT_DIR ?? 'artifacts/playwright',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: process.env.PW_JSON ?? 'artifacts/playwright.json' }]] : [['list']],
  globalSetup: './test/e2e/global-setup.ts',
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'shell',
      testMatch: /.*\.spec\.ts/,
      testIgnore: /electron\.spec\.ts/,
      use: { browserName: 'chromium', launchOptions: { executablePath: chromium ?? undefined, args: CHROMIUM_ARGS } },
    },
    ...(electron ? [{ name: 'electron', testMatch: /electron\.spec\.ts/ }] : []),
  ],
})
