/**
 * The run folder: a new folder starts, an unfinished one with the same configuration
 * resumes with its completed records (a torn last line from a kill is dropped), and a
 * finished one, one with another configuration or a folder of other files is never
 * overwritten without `force`.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeConfig, openRunFolder, readManifest, readRecords, RunFolderError, hashConfig } from '../../../src-main/services/experiment/index'
import { appendRecord, markDone } from '../../../src-main/services/experiment/state'
import { recordsFor } from './records'

const input = { sources: [{ name: 'cremad', ref: '/c' }], target: { name: 'ravdess', ref: '/r' }, folds: 2, seeds: 1, shots: [1], frozen: [0] }
const config = makeConfig(input)
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-exp-state-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
const dir = (name: string) => path.join(root, name)

describe('experiment run folder', () => {
  it('starts a new run, then resumes it with the completed records', () => {
    const recs = recordsFor(input, () => 8)
    const run = openRunFolder(dir('a'), config, recs.length)
    expect(run.resumed).toBe(false)
    expect(run.done.size).toBe(0)
    expect(readManifest(run.outDir)).toMatchObject({ status: 'running', configHash: hashConfig(config), total: recs.length })
    appendRecord(run.outDir, 'k1', recs[0])
    appendRecord(run.outDir, 'k2', recs[1])
    const again = openRunFolder(dir('a'), config, recs.length)
    expect(again.resumed).toBe(true)
    expect([...again.done.keys()]).toEqual(['k1', 'k2'])
    expect(again.done.get('k2')).toEqual(recs[1])
  })

  it('drops a torn last line (killed mid-write) and rewrites the file clean', () => {
    const recs = recordsFor(input, () => 8)
    const run = openRunFolder(dir('b'), config, recs.length)
    appendRecord(run.outDir, 'k1', recs[0])
    const line = JSON.stringify({ key: 'k2', record: recs[1] })
    fs.appendFileSync(path.join(run.outDir, 'records.jsonl'), line.slice(0, line.length / 2))
    const again = openRunFolder(dir('b'), config, recs.length)
    expect([...again.done.keys()]).toEqual(['k1'])
    expect(fs.readFileSync(path.join(run.outDir, 'records.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1)
    // Appending after the resume gives a valid file again.
    appendRecord(run.outDir, 'k2', recs[1])
    expect([...readRecords(run.outDir).keys()]).toEqual(['k1', 'k2'])
  })

  it('refuses a finished folder unless forced; force replaces only the run files', () => {
    const run = openRunFolder(dir('c'), config, 4)
    appendRecord(run.outDir, 'k1', recordsFor(input, () => 8)[0])
    markDone(run.outDir, run.manifest)
    fs.writeFileSync(path.join(run.outDir, 'results.json'), '{}')
    expect(() => openRunFolder(dir('c'), config, 4)).toThrow(RunFolderError)
    expect(() => openRunFolder(dir('c'), config, 4)).toThrow(/holds a finished experiment .*refusing to overwrite .*--force/)
    expect(readManifest(dir('c'))!.status).toBe('done')
    fs.writeFileSync(path.join(dir('c'), 'my-notes.txt'), 'keep me')
    const forced = openRunFolder(dir('c'), config, 4, { force: true })
    expect(forced.resumed).toBe(false)
    expect(forced.done.size).toBe(0)
    expect(fs.existsSync(path.join(dir('c'), 'results.json'))).toBe(false)
    expect(fs.readFileSync(path.join(dir('c'), 'my-notes.txt'), 'utf8')).toBe('keep me')
  })

  it('refuses an unfinished run of another configuration and a folder of other files', () => {
    openRunFolder(dir('d'), config, 4)
    expect(() => openRunFolder(dir('d'), makeConfig({ ...input, seeds: 2 }), 8)).toThrow(/unfinished experiment with a different configuration/)
    fs.mkdirSync(dir('e'))
    fs.writeFileSync(path.join(dir('e'), 'thesis.tex'), '...')
    expect(() => openRunFolder(dir('e'), config, 4)).toThrow(/is not empty and is not an experiment folder/)
    expect(fs.existsSync(path.join(dir('e'), 'thesis.tex'))).toBe(true)
    fs.writeFileSync(dir('f'), 'a file')
    expect(() => openRunFolder(dir('f'), config, 4)).toThrow(/output path is not a folder/)
  })
})
