/**
 * Detecting the layout of a big tree runs on the 'corpus-scan' worker: the server's
 * event loop (which carries every live session's frames) never stalls for a second
 * while `detect` walks 100 000 files.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { tempDir } from '../../helpers/workspace'
import { closeImportPool, detectLayout } from '../../../src-main/services/corpus/index'

const FILES = 100_000
let root: string

beforeAll(() => {
  root = tempDir('ser-bigtree-')
  const emotions = ['angry', 'sad', 'happy', 'neutral', 'calm']
  for (let d = 0; d < 200; d++) {
    const dir = path.join(root, `spk${d}`, emotions[d % emotions.length])
    fs.mkdirSync(dir, { recursive: true })
    for (let i = 0; i < FILES / 200; i++) fs.closeSync(fs.openSync(path.join(dir, `c${i}.wav`), 'w'))
  }
}, 120_000)

afterAll(async () => {
  await closeImportPool()
  if (root) fs.rmSync(root, { recursive: true, force: true })
})

describe('a free main thread', () => {
  // Not a measured event-loop gap (that is a duration, and a busy machine stretches it): the walk itself is
  // checked to happen off this thread. If detectLayout walked here, this thread's readdirSync would list the tree.
  it(`detect over ${FILES} files reads no directory on the main thread, and the event loop turns while it runs`, async () => {
    const readdir = vi.spyOn(fs, 'readdirSync')
    let turns = 0
    let running = true
    const spin = () => {
      turns++
      if (running) setImmediate(spin)
    }
    setImmediate(spin)
    const d = await detectLayout(root)
    running = false
    const calls = readdir.mock.calls.length
    readdir.mockRestore()
    console.log(`detect over ${FILES} files: ${calls} readdirSync calls on the main thread, ${turns} event-loop turns meanwhile`)
    expect(d.layout).toBe('folder')
    expect(d.reason).toBe(`${FILES} of ${FILES} audio files lie in a folder named after an emotion`)
    expect(calls).toBe(0)
    // the loop kept turning while the worker walked (a synchronous walk here would allow none before it resolved)
    expect(turns).toBeGreaterThan(1)
  }, 120_000)
})
