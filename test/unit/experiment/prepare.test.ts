/**
 * prepareExperiment: the one validation of a configuration for the CLI, the API and the
 * cluster plan. Through the API, corpora and outputs must stay inside the workspace, a
 * folder the user picked, or an imported dataset's root (symlinks resolved); the CLI's
 * folders are the user's choice. Frozen layers and folders-only plans are checked too.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { prepareExperiment, rememberChosenFolder } from '../../../src-main/services/experiment/index'
import { tempDir, tempWorkspace } from '../../helpers/workspace'

const ws = tempWorkspace('ser-exp-prepare-')
afterAll(() => ws.cleanup())
const outside = tempDir('ser-exp-prepare-out-')
const corpus = (root: string, name: string) => {
  const d = path.join(root, name)
  fs.mkdirSync(d, { recursive: true })
  return d
}

describe('prepareExperiment', () => {
  const src = corpus(outside, 'cremad')
  const tgt = corpus(outside, 'ravdess')
  const cfg = (s: string, t: string) => ({
    sources: [{ name: 'cremad', ref: s }],
    target: { name: 'ravdess', ref: t },
    folds: 2,
    seeds: 1,
    shots: [1],
    frozen: [0],
  })

  it('API: refuses corpora and outputs outside the workspace and the chosen folders', () => {
    expect(() => prepareExperiment(ws, cfg(src, tgt), { caller: 'api', out: path.join(ws.dir, 'experiments', 'a') })).toThrow(
      /cremad: the corpus folder .* lies outside the workspace and every folder you chose/,
    )
    expect(() => prepareExperiment(ws, cfg('/usr', tgt), { caller: 'api' })).toThrow(/cremad: the corpus folder \/usr lies outside/)
    const inWs = corpus(ws.dir, 'corpora/cremad')
    const inWs2 = corpus(ws.dir, 'corpora/ravdess')
    expect(() => prepareExperiment(ws, cfg(inWs, inWs2), { caller: 'api', out: path.join(outside, 'run') })).toThrow(/the output folder .* lies outside/)
    const p = prepareExperiment(ws, cfg(inWs, inWs2), { caller: 'api' })
    expect(p.out.startsWith(ws.dir)).toBe(true)
    expect(p.config.sources[0].ref).toBe(inWs)
  })

  it('API: a symlink inside the workspace cannot lead out', () => {
    const link = path.join(ws.dir, 'corpora', 'sneaky')
    fs.mkdirSync(path.dirname(link), { recursive: true })
    fs.symlinkSync(tgt, link)
    expect(() => prepareExperiment(ws, cfg(corpus(ws.dir, 'corpora/c2'), link), { caller: 'api' })).toThrow(/ravdess: the corpus folder .* lies outside/)
  })

  it('API: a folder picked through the UI is allowed, with the outputs inside it', () => {
    rememberChosenFolder(outside)
    const p = prepareExperiment(ws, cfg(src, tgt), { caller: 'api', out: path.join(outside, 'run') })
    expect(p.out).toBe(path.join(outside, 'run'))
    expect(p.resume).toBe(false)
  })

  it('CLI: folders on the command line are the user\'s choice; the frozen layers must leave something to train', () => {
    const other = tempDir('ser-exp-prepare-cli-')
    expect(prepareExperiment(ws, cfg(corpus(other, 'a'), corpus(other, 'b')), { caller: 'cli', out: path.join(other, 'run') }).out).toBe(
      path.join(other, 'run'),
    )
    expect(() => prepareExperiment(ws, { ...cfg(src, tgt), frozen: [3] }, { caller: 'cli', out: path.join(other, 'r2') })).toThrow(
      /the mlp has 3 weighted layers; frozen 3 would leave nothing to fine-tune/,
    )
    expect(() => prepareExperiment(ws, cfg('no-such-dataset', tgt), { caller: 'cli', out: path.join(other, 'r3'), foldersOnly: true })).toThrow(
      /cremad: 'no-such-dataset' is neither a folder nor a dataset/,
    )
    expect(() => prepareExperiment(null, cfg(src, tgt), { caller: 'cli' })).toThrow(/an output folder is needed/)
  })
})
