/** A seed and its knobs give the same corpus byte for byte (WAV, AVI, truth file); another seed gives another. */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { tempDir } from '../../helpers/workspace'
import { synthCorpus, type SynthOptions } from '../../../src-main/services/synth/index'

function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name)
      if (e.isDirectory()) walk(f)
      else out[path.relative(dir, f)] = crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex')
    }
  }
  walk(dir)
  return out
}

describe('generated corpora are byte-identical per seed', () => {
  it('same seed and knobs twice -> same bytes; another seed -> other bytes', async () => {
    const root = tempDir('ser-synth-det-')
    // harsh: every channel stage (3 sessions per speaker, noise incl. babble, room, microphone, clipping) is in use
    const make = async (name: string, seed: string) => {
      const cremad: SynthOptions = {
        layout: 'cremad',
        speakers: 2,
        sentences: 1,
        seed,
        preset: 'harsh',
        realism: { channel: { noise: ['babble', 'hum', 'pink'] } },
        out: path.join(root, name, 'cremad'),
      }
      const enterface: SynthOptions = { layout: 'enterface', speakers: 1, sentences: 1, seed, out: path.join(root, name, 'enterface') }
      await Promise.all([synthCorpus(cremad), synthCorpus(enterface)])
      return hashes(path.join(root, name))
    }
    onTestFinished(() => fs.rmSync(root, { recursive: true, force: true }))
    const a = await make('a', 's1')
    const b = await make('b', 's1')
    const c = await make('c', 's2')
    expect(Object.keys(a).filter((f) => f.endsWith('.avi'))).toHaveLength(6)
    expect(Object.keys(a)).toHaveLength(2 * 16 + 6 + 3 + 2) // WAV, AVI, VideoDemographics.csv, two truth files and each corpus's ser-corpus.json mark
    expect(b).toEqual(a)
    const audio = Object.keys(a).filter((f) => /\.(wav|avi)$/.test(f))
    const differ = audio.filter((f) => c[f] !== a[f])
    expect(differ.length).toBe(audio.length)
  }, 600_000)
})
