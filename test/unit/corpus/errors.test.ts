/**
 * Import errors name the file, relative to the folder the user chose (and the line for
 * a manifest that cannot be parsed), never quoting its bytes; missing audio is counted
 * by stat and named, per dataset and per clip.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir, tempWorkspace } from '../../helpers/workspace'
import { tearDown } from '../../helpers/lifecycle'
import { clipAudioStatus, closeImportPool, importCorpus, missingAudio, pathsMissing, relinkDataset } from '../../../src-main/services/corpus/index'
import { encodeWav16 } from '../../../src-main/services/audio/index'

let ws: ReturnType<typeof tempWorkspace>
const dirs: string[] = []
const tone = (k: number) => encodeWav16(Float32Array.from({ length: 1600 }, (_, i) => 0.3 * Math.sin(i / k)), 16000)

function corpus(files: Record<string, Uint8Array | string>): string {
  const root = tempDir('ser-errors-')
  dirs.push(root)
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), body)
  }
  return root
}

beforeAll(() => {
  ws = tempWorkspace()
})

afterAll(() => tearDown({ pools: [closeImportPool], ws, dirs }))

describe('import errors name the file', () => {
  it('a manifest that cannot be parsed: the file and the line, not its bytes', async () => {
    const root = corpus({
      'audio/a.wav': tone(3),
      'labels.csv': 'path,label,speaker\naudio/a.wav,angry,s1\naudio/"SECRET.wav,sad,s2\n',
    })
    const err = await importCorpus(ws, root, { name: 'bad-manifest' }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    const msg = (err as Error).message
    expect(msg).toMatch(/the manifest labels\.csv cannot be parsed at line 3: a quote/)
    expect(msg).not.toContain('SECRET')
    // nothing was half imported
    expect(ws.db.prepare("SELECT COUNT(*) FROM datasets WHERE name = 'bad-manifest'").pluck().get()).toBe(0)
  })

  it('a quote never closed is reported at its line', async () => {
    const root = corpus({ 'audio/a.wav': tone(3), 'list.csv': 'file,emotion\naudio/a.wav,sad\n"audio/b.wav,happy\n' })
    await expect(importCorpus(ws, root, { name: 'unclosed' })).rejects.toThrow(
      /the manifest list\.csv cannot be parsed at line 3: a quote \(\"\) opened here is never closed/,
    )
  })

  it('a folder with no audio says so and names what it holds; a file that cannot be read is named relative to the chosen folder', async () => {
    const root = corpus({ 'notes.txt': 'x', 'sub/readme.md': 'y' })
    await expect(importCorpus(ws, root)).rejects.toThrow(
      `cannot import ${root}: no audio files (.wav, .flac, .mp3, .ogg, .avi) in this folder or below it; it holds 2 other file(s): notes.txt, sub/readme.md`,
    )
    const empty = corpus({})
    await expect(importCorpus(ws, empty)).rejects.toThrow(/the folder is empty/)

    // (this half held before: the rejection names sad/deep/broken.wav, not its absolute path)
    const mixed = corpus({ 'sad/ok.wav': tone(3), 'sad/deep/broken.wav': tone(5).slice(0, 30) })
    const r = await importCorpus(ws, mixed, { name: 'one-broken' })
    expect(r.added).toBe(1)
    expect(r.rejected).toEqual([{ path: 'sad/deep/broken.wav', reason: expect.stringMatching(/^cannot decode sad\/deep\/broken\.wav: /) }])
    expect(r.rejected[0].reason).not.toContain(mixed)
  })
})

describe('missing audio', () => {
  it('is counted by stat per dataset and per clip, named relative to the folder, and cleared by a relink', async () => {
    const root = corpus({ 'angry/a.wav': tone(3), 'angry/b.wav': tone(4), 'sad/c.wav': tone(5) })
    const r = await importCorpus(ws, root, { name: 'moves' })
    expect(r.added).toBe(3)
    expect(await missingAudio(ws, r.datasetId)).toMatchObject({ checked: 3, missing: 0, examples: [], message: null })

    const moved = tempDir('ser-errors-moved-')
    dirs.push(moved)
    fs.cpSync(root, moved, { recursive: true })
    fs.rmSync(path.join(root, 'angry', 'b.wav'))
    fs.rmSync(path.join(root, 'sad'), { recursive: true })
    const m = await missingAudio(ws, r.datasetId)
    expect(m).toMatchObject({ checked: 3, missing: 2, examples: ['angry/b.wav', 'sad/c.wav'] })
    expect(m.message).toBe(
      `2 of 3 audio files of dataset "moves" are missing from ${root} (angry/b.wav, sad/c.wav): they were moved or deleted. ` +
        'Relink the dataset to the folder they are in now.',
    )

    const clip = ws.db.prepare("SELECT id FROM clips WHERE rel_path = 'sad/c.wav' AND dataset_id = ?").pluck().get(r.datasetId) as number
    const s = await clipAudioStatus(ws, clip)
    expect(s).toMatchObject({ clipId: clip, datasetId: r.datasetId, datasetName: 'moves', rootPath: root, missing: true })
    expect(s.message).toContain('the audio file sad/c.wav of dataset "moves" is missing')
    expect(s.message).not.toMatch(/token|http/)

    const rl = await relinkDataset(ws, r.datasetId, moved)
    expect(rl.relinked).toBe(3)
    expect(await missingAudio(ws, r.datasetId)).toMatchObject({ missing: 0, message: null })
    expect((await clipAudioStatus(ws, clip)).missing).toBe(false)
  })

  it('checks many files with a bounded number of stats in flight, in order', async () => {
    const root = corpus({ 'x.wav': tone(3) })
    const paths = Array.from({ length: 500 }, (_, i) => (i % 7 === 0 ? path.join(root, 'x.wav') : path.join(root, `gone-${i}.wav`)))
    const flags = await pathsMissing(paths)
    expect(flags.filter((f) => !f).length).toBe(Math.ceil(500 / 7))
    expect(flags.every((f, i) => f === (i % 7 !== 0))).toBe(true)
    // a folder in place of the file counts as missing
    expect(await pathsMissing([root])).toEqual([true])
  })

  it('an unknown dataset or clip is a clear error', async () => {
    await expect(missingAudio(ws, 99999)).rejects.toThrow('no dataset with id 99999')
    await expect(clipAudioStatus(ws, 99999)).rejects.toThrow('no clip with id 99999')
  })
})
