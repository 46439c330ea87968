/**
 * Killing a training run (SIGKILL, no chance to clean up) and starting it again
 * resumes from the last checkpoint instead of from epoch 1.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'train-child.ts')
const EPOCHS = 12

function run(dir: string, killAfterEpoch: number | null): Promise<{ lines: Record<string, unknown>[]; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir, String(EPOCHS)], { stdio: ['ignore', 'pipe', 'pipe'] })
    const lines: Record<string, unknown>[] = []
    let buf = ''
    let err = ''
    p.stderr.on('data', (d) => (err += d))
    p.stdout.on('data', (d) => {
      buf += d
      let k
      while ((k = buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(buf.slice(0, k))
        buf = buf.slice(k + 1)
        lines.push(line)
        // the epoch line is printed after its checkpoint is on disk
        if (killAfterEpoch !== null && line.epoch === killAfterEpoch) p.kill('SIGKILL')
      }
    })
    p.on('error', reject)
    p.on('close', (code, signal) => (signal || code === 0 ? resolve({ lines, signal }) : reject(new Error(`child failed (${code}): ${err}`))))
  })
}

describe('checkpoints', () => {
  it('a killed run resumes from its last checkpoint', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-ckpt-'))
    try {
      const first = await run(dir, 3)
      expect(first.signal).toBe('SIGKILL')
      expect(first.lines.some((l) => l.done)).toBe(false)
      expect(fs.existsSync(path.join(dir, 'checkpoint.bin'))).toBe(true)
      const second = await run(dir, null)
      const epochs = second.lines.filter((l) => typeof l.epoch === 'number')
      expect(epochs[0].epoch).toBeGreaterThanOrEqual(4)
      expect(epochs[0].resumed).toBe(true)
      const done = second.lines.find((l) => l.done) as { epochs: number }
      // the history spans the whole run: epochs from before the kill are kept
      expect(done.epochs).toBe(EPOCHS)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
