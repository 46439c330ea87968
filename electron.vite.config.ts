import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import { WORKER_ENTRIES } from './src-main/services/workers'

/**
 * Three separate builds, one config (electron-vite):
 * - main: the Electron entry plus one entry per worker thread (services/workers.ts
 *   resolves `out/main/workers/<name>.js` at run time);
 * - preload: sandboxed, so CommonJS and self-contained (isolatedEntries, no externals);
 * - renderer: the Vue app, with relative asset paths so the same build loads from
 *   file:// (Electron) and from the browser shell's HTTP server.
 */
// electron is an optional dependency (its binary download fails on offline machines, and the
// app then runs as a browser shell); pin the major version so the build targets stay right.
process.env.ELECTRON_MAJOR_VER ??= '39'

const workerInputs = Object.fromEntries(
  Object.entries(WORKER_ENTRIES)
    .map(([name, rel]) => [`workers/${name}`, resolve(__dirname, 'src-main/services', `${rel}.ts`)])
    .filter(([, file]) => existsSync(file)),
)

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        // shell: the browser shell from the same bundle, so the end-to-end tests exercise the code Electron runs
        input: { index: resolve(__dirname, 'src-main/electron/main.ts'), shell: resolve(__dirname, 'src-main/shell/main.ts'), ...workerInputs },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      isolatedEntries: true,
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    base: './',
    plugins: [vue()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
})
