/**
 * The run folder: a new folder starts and gets the experiment's marker and manifest; an
 * unfinished one with the same configuration resumes; a finished one or one with another
 * configuration is replaced only with `force`, and force deletes only the entries that the
 * folder's own manifest lists, and only in a folder carrying the marker.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { clearRunFiles, hashConfig, makeConfig, MARKER, openRunFolder, readManifest, RunFolderError } from '../../../src-main/services/experiment/index'
import { markDone, writeManifest } from '../../../src-main/services/experiment/state'

const input = { sources: [{ name: 'cremad', ref: '/c' }], target: { name: 'ravdess', ref: '/r' }, folds: 2, seeds: 1, shots: [1], frozen: [0] }
const config = makeConfig(input)
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-exp-state-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
const dir = (name: string) => path.join(root, name)
const put = (d: string, f: string, text = 'x') => {
  fs.mkdirSync(path.dirname(path.join(d, f)), { recursive: true })
  fs.writeFileSync(path.join(d, f), text)
}

describe('experiment run folder', () => {
  it('starts a new run with its marker and manifest, then resumes it', () => {
    const run = openRunFolder(dir('a'), config, 10)
    expect(run.resumed).toBe(false)
    expect(fs.existsSync(path.join(run.outDir, MARKER))).toBe(true)
    expect(readManifest(run.outDir)).toMatchObject({ status: 'running', configHash: hashConfig(config), total: 10 })
    expect(readManifest(run.outDir)!.files).toContain('tasks')
    put(run.outDir, 'tasks/features__r.json', '{}')
    const again = openRunFolder(dir('a'), config, 10)
    expect(again.resumed).toBe(true)
    expect(fs.existsSync(path.join(run.outDir, 'tasks/features__r.json'))).toBe(true)
  })

  it('refuses a finished folder unless forced; force deletes only what the manifest lists', () => {
    const run = openRunFolder(dir('c'), config, 4)
    put(run.outDir, 'results.json', '{}')
    put(run.outDir, 'tasks/a.json', '{}')
    markDone(run.outDir, run.manifest)
    expect(() => openRunFolder(dir('c'), config, 4)).toThrow(RunFolderError)
    expect(() => openRunFolder(dir('c'), config, 4)).toThrow(/holds a finished experiment .*refusing to overwrite .*--force/)
    expect(readManifest(dir('c'))!.status).toBe('done')
    put(dir('c'), 'my-notes.txt', 'keep me')
    // An entry named like an experiment output but not in this manifest's list is kept.
    writeManifest(dir('c'), { ...readManifest(dir('c'))!, files: readManifest(dir('c'))!.files.filter((f) => f !== 'report.html') })
    put(dir('c'), 'report.html', 'my own report')
    const forced = openRunFolder(dir('c'), config, 4, { force: true })
    expect(forced.resumed).toBe(false)
    expect(fs.existsSync(path.join(dir('c'), 'results.json'))).toBe(false)
    expect(fs.existsSync(path.join(dir('c'), 'tasks'))).toBe(false)
    expect(fs.readFileSync(path.join(dir('c'), 'my-notes.txt'), 'utf8')).toBe('keep me')
    expect(fs.readFileSync(path.join(dir('c'), 'report.html'), 'utf8')).toBe('my own report')
    expect(readManifest(dir('c'))!.status).toBe('running')
  })

  it('never deletes in a folder without the marker, force or not', () => {
    fs.mkdirSync(dir('e'))
    put(dir('e'), 'thesis.tex', '...')
    put(dir('e'), 'results.json', 'mine')
    put(dir('e'), 'manifest.json', JSON.stringify({ status: 'done', files: ['thesis.tex', 'results.json'] }))
    expect(() => openRunFolder(dir('e'), config, 4, { force: true })).toThrow(/is not empty and is not an experiment folder \(no \.ser-experiment marker\)/)
    expect(() => clearRunFiles(dir('e'))).toThrow(/carries no \.ser-experiment marker; nothing deleted/)
    for (const f of ['thesis.tex', 'results.json', 'manifest.json']) expect(fs.existsSync(path.join(dir('e'), f))).toBe(true)
  })

  it('refuses an unfinished run of another configuration, and a file as the folder', () => {
    openRunFolder(dir('d'), config, 4)
    expect(() => openRunFolder(dir('d'), makeConfig({ ...input, seeds: 2 }), 8)).toThrow(/unfinished experiment with a different configuration/)
    fs.writeFileSync(dir('f'), 'a file')
    expect(() => openRunFolder(dir('f'), config, 4)).toThrow(/output path is not a folder/)
  })

  it('a manifest cannot make force delete outside the folder', () => {
    const run = openRunFolder(dir('g'), config, 4)
    put(root, 'outside.txt', 'safe')
    markDone(run.outDir, { ...run.manifest, files: [...run.manifest.files, '../outside.txt', '/etc'] })
    openRunFolder(dir('g'), config, 4, { force: true })
    expect(fs.readFileSync(path.join(root, 'outside.txt'), 'utf8')).toBe('safe')
  })
})
