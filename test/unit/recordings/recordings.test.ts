import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { appRouter } from '../../../src-main/api/router'
import { createCallerFactory } from '../../../src-main/api/trpc'
import { decodeAudioFile } from '../../../src-main/services/audio/index'
import { JobRegistry } from '../../../src-main/services/jobs/registry'
import { assertInside, personFolder, RecordingSessions, saveRecording } from '../../../src-main/services/recordings/index'
import { listClips } from '../../../src-main/services/corpus/index'
import { MAX_CHUNK_SAMPLES } from '../../../src-shared/contract/recordings'
import { tempWorkspace } from '../../helpers/workspace'

const ws = tempWorkspace('ser-rec-')
afterAll(() => ws.cleanup())
const caller = createCallerFactory(appRouter)({ services: { ws, jobs: new JobRegistry() }, transport: 'direct' })

/** A voiced-sounding test signal: 150 Hz harmonics with a little noise, 16 kHz Int16. */
function signal(seconds: number, seed = 1): Int16Array {
  const n = Math.round(seconds * 16000)
  const out = new Int16Array(n)
  let s = seed
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648
    const t = i / 16000
    const v = 0.3 * Math.sin(2 * Math.PI * 150 * t) + 0.15 * Math.sin(2 * Math.PI * 300 * t) + 0.02 * (s / 2147483648 - 0.5)
    out[i] = Math.round(v * 32767)
  }
  return out
}
const b64 = (x: Int16Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64')
const chunks = (x: Int16Array, size = 1600) => Array.from({ length: Math.ceil(x.length / size) }, (_, i) => x.subarray(i * size, (i + 1) * size))
const filesUnder = (dir: string): string[] =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name)) : []

describe('recording through the API', () => {
  it('streams chunks, writes a real WAV inside the workspace and imports it as a labelled clip of the person', async () => {
    const pcm = signal(1.25)
    const { sessionId } = await caller.recordings.start({ person: 'Ada Lovelace', emotion: 'angry' })
    const parts = chunks(pcm)
    for (const [seq, c] of parts.entries()) await caller.recordings.append({ sessionId, seq, pcm: b64(c) })
    // A retried send of an earlier chunk is ignored, not appended twice.
    const again = await caller.recordings.append({ sessionId, seq: 3, pcm: b64(parts[3]) })
    expect(again.seconds).toBeCloseTo(1.25, 6)
    // Nothing is on disk before finish.
    expect(filesUnder(path.join(ws.dir, 'recordings'))).toEqual([])
    const rec = await caller.recordings.finish({ sessionId })
    expect(rec.person).toBe('Ada Lovelace')
    expect(rec.emotion).toBe('angry')
    expect(rec.durationSec).toBeCloseTo(1.25, 6)
    expect(rec.peakDb).toBeGreaterThan(-9)
    expect(rec.peakDb).toBeLessThan(0)
    expect(path.relative(path.join(ws.dir, 'recordings'), rec.path)).not.toMatch(/^\.\./)
    // The file is a real 16-bit WAV holding exactly the samples sent.
    const decoded = await decodeAudioFile(rec.path)
    expect(decoded.sampleRate).toBe(16000)
    expect(decoded.channels.length).toBe(1)
    const back = decoded.channels[0]
    expect(back.length).toBe(pcm.length)
    let worst = 0
    for (let i = 0; i < pcm.length; i++) worst = Math.max(worst, Math.abs(Math.round(back[i] * 32768) - pcm[i]))
    expect(worst).toBeLessThanOrEqual(1)
    // The clip is in the 'recordings' dataset with the person as speaker and the emotion as its label.
    const page = listClips(ws, { datasetId: rec.datasetId, limit: 10, offset: 0 })
    expect(page.clips).toHaveLength(1)
    expect(page.clips[0]).toMatchObject({ id: rec.clipId, speaker: 'Ada Lovelace', emotion: 'angry', sampleRate: 16000, channels: 1 })
    const label = ws.db.prepare('SELECT annotator, source FROM labels WHERE clip_id = ?').get(rec.clipId)
    expect(label).toEqual({ annotator: 'Ada Lovelace', source: 'annotator' })
    // The session is closed after finish.
    await expect(caller.recordings.append({ sessionId, seq: 99, pcm: b64(parts[0]) })).rejects.toThrow(/no open recording/)
  })

  it('lists recordings and persons, records unlabelled clips, and removes a recording with its file', async () => {
    const one = saveRecording(ws, { person: 'Grace', emotion: 'sad', samples: signal(0.5, 2) })
    const two = saveRecording(ws, { person: 'Grace', emotion: null, samples: signal(0.5, 3) })
    const grace = await caller.recordings.list({ person: 'Grace' })
    expect(grace.map((r) => [r.clipId, r.emotion])).toEqual([
      [one.clipId, 'sad'],
      [two.clipId, null],
    ])
    const persons = await caller.recordings.persons()
    expect(persons.find((p) => p.person === 'Grace')).toEqual({ person: 'Grace', recordings: 2, byEmotion: { sad: 1, unlabelled: 1 } })
    await caller.recordings.remove({ clipId: two.clipId })
    expect(fs.existsSync(two.path)).toBe(false)
    expect(await caller.recordings.list({ person: 'Grace' })).toHaveLength(1)
    await expect(caller.recordings.remove({ clipId: two.clipId })).rejects.toThrow(/no recording with clip id/)
  })

  it('discards a cancelled session without writing anything', async () => {
    const before = filesUnder(path.join(ws.dir, 'recordings')).length
    const { sessionId } = await caller.recordings.start({ person: 'Cancel Me', emotion: 'happy' })
    await caller.recordings.append({ sessionId, seq: 0, pcm: b64(signal(0.5)) })
    expect(await caller.recordings.cancel({ sessionId })).toEqual({ cancelled: true })
    expect(filesUnder(path.join(ws.dir, 'recordings')).length).toBe(before)
    expect((await caller.recordings.persons()).map((p) => p.person)).not.toContain('Cancel Me')
  })
})

describe('bad input gets a clear error', () => {
  it('refuses bad names, emotions, session ids and chunks at the contract', async () => {
    await expect(caller.recordings.start({ person: '../../etc', emotion: null })).rejects.toThrow(/person's name/)
    await expect(caller.recordings.start({ person: '', emotion: null })).rejects.toThrow(/needs a name/)
    await expect(caller.recordings.start({ person: 'X', emotion: 'bored' as 'sad' })).rejects.toThrow(/emotion/)
    await expect(caller.recordings.start({ person: 'X', sampleRate: 44100 as 16000 })).rejects.toThrow(/sampleRate/)
    await expect(caller.recordings.append({ sessionId: 'rec-nothex', seq: 0, pcm: 'AAAA' })).rejects.toThrow(/session id/)
    const { sessionId } = await caller.recordings.start({ person: 'X', emotion: null })
    // Over the bound: more than 1 s of samples in one chunk.
    await expect(caller.recordings.append({ sessionId, seq: 0, pcm: b64(signal(1.5)) })).rejects.toThrow(/at most 16000 samples/)
    await expect(caller.recordings.append({ sessionId, seq: 0, pcm: 'not base64!' })).rejects.toThrow(/base64/)
    await expect(caller.recordings.append({ sessionId, seq: 0, pcm: Buffer.from([1, 2, 3]).toString('base64') })).rejects.toThrow(/not whole 16-bit samples/)
    await caller.recordings.append({ sessionId, seq: 0, pcm: b64(signal(0.1)) })
    await expect(caller.recordings.append({ sessionId, seq: 2, pcm: b64(signal(0.1)) })).rejects.toThrow(/chunk 2 arrived but chunk 1 was expected/)
    // 0.1 s is too short to keep.
    await expect(caller.recordings.finish({ sessionId })).rejects.toThrow(/too short \(0\.10 s/)
    await expect(caller.recordings.finish({ sessionId: 'rec-0123456789abcdef' })).rejects.toThrow(/no open recording rec-0123456789abcdef/)
  })

  it('refuses silence, a duplicate, and more than the longest recording', async () => {
    expect(() => saveRecording(ws, { person: 'Y', emotion: 'sad', samples: new Int16Array(16000) })).toThrow(/silent/)
    const s = signal(0.6, 7)
    saveRecording(ws, { person: 'Y', emotion: 'sad', samples: s })
    expect(() => saveRecording(ws, { person: 'Y', emotion: 'sad', samples: s })).toThrow(/identical recording is already stored/)
    // named by take, person and time, never by clip id
    saveRecording(ws, { person: 'Y', emotion: 'sad', samples: signal(0.6, 8) })
    const again = (() => {
      try {
        saveRecording(ws, { person: 'Y', emotion: 'sad', samples: signal(0.6, 8) })
      } catch (err) {
        return (err as Error).message
      }
    })()
    expect(again).toMatch(
      /^an identical recording is already stored \(Y's take 2 of sad, recorded \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC\); nothing was added$/,
    )
    expect(again).not.toMatch(/clip \d/)
    const { sessionId } = await caller.recordings.start({ person: 'Long', emotion: null })
    const second = b64(signal(1, 9).subarray(0, MAX_CHUNK_SAMPLES))
    for (let seq = 0; seq < 120; seq++) await caller.recordings.append({ sessionId, seq, pcm: second })
    await expect(caller.recordings.append({ sessionId, seq: 120, pcm: second })).rejects.toThrow(/would exceed 120 s/)
    await caller.recordings.cancel({ sessionId })
  })

  it('drops a session left idle, so a closed window cannot hold memory', async () => {
    const sessions = new RecordingSessions(ws, 30)
    const { sessionId } = sessions.start({ person: 'Idle', emotion: null })
    expect(sessions.open).toBe(1)
    await new Promise((r) => setTimeout(r, 80))
    expect(sessions.open).toBe(0)
    expect(() => sessions.append(sessionId, 0, b64(signal(0.1)))).toThrow(/idle for more than/)
  })
})

describe('recordings stay inside the workspace', () => {
  it('makes a safe folder name for any person and refuses paths outside the recordings folder', () => {
    expect(personFolder('Ada Lovelace')).toMatch(/^ada-lovelace-[0-9a-f]{6}$/)
    expect(personFolder('Zoë')).toMatch(/^zoe-[0-9a-f]{6}$/)
    expect(personFolder('Zoe')).not.toBe(personFolder('Zoë'))
    expect(personFolder('张伟')).toMatch(/^person-[0-9a-f]{6}$/)
    const root = path.join(ws.dir, 'recordings')
    expect(() => assertInside(root, path.join(root, 'a', 'b.wav'))).not.toThrow()
    expect(() => assertInside(root, path.join(root, '..', 'workspace.sqlite'))).toThrow(/outside the workspace/)
    expect(() => assertInside(root, '/etc/passwd')).toThrow(/outside the workspace/)
    const rec = saveRecording(ws, { person: '张伟', emotion: 'calm', samples: signal(0.4, 11) })
    expect(path.dirname(path.dirname(rec.path))).toBe(root)
  })

  it('will not mix recordings into a dataset of another kind that took the name', () => {
    const other = tempWorkspace('ser-rec-clash-')
    try {
      other.db.prepare("INSERT INTO datasets (name, layout, root_path) VALUES ('recordings', 'folder', '/x')").run()
      expect(() => saveRecording(other, { person: 'Z', emotion: 'sad', samples: signal(0.5) })).toThrow(/already exists with layout folder/)
    } finally {
      other.cleanup()
    }
  })
})
