/**
 * prepareExperiment: the one place an experiment configuration is validated and its
 * corpora and output folder resolved, for the CLI, the API, the worker and the cluster
 * plan. It checks the grid size, the frozen layers against the network, each corpus (a
 * folder, or a dataset of the workspace), where corpora and outputs may lie, and what
 * opening the output folder would do, before anything is written.
 */
import path from 'node:path'
import type { Workspace } from '../store/workspace'
import type { CorpusRef, ExperimentConfig, ExperimentConfigInput } from '../../../src-shared/contract/experiments'
import { defaultArchitecture } from '../model/networks'
import type { ArchitectureKind } from '../../../src-shared/losses'
import { listDatasets } from '../corpus/index'
import { checkCorpusRef, corpusFolder } from './corpora'
import { checkAllowed, chosenFolders } from './guard'
import { gridSize, makeConfig } from './grid'
import { checkRunFolder, hashConfig } from './state'

export interface PrepareOptions {
  out?: string
  force?: boolean
  /**
   * 'cli': folders named on the command line are the user's choice. 'api': corpora and the
   * output must lie inside the workspace, a folder picked in the UI, or an imported dataset's root.
   */
  caller: 'cli' | 'api'
  /** true: every corpus must be a folder (cluster tasks import into scratch workspaces). */
  foldersOnly?: boolean
}

export interface PreparedExperiment {
  config: ExperimentConfig
  out: string
  /** Planned evaluations. */
  total: number
  resume: boolean
}

function weightedLayers(kind: ArchitectureKind): number {
  const a = defaultArchitecture(kind, kind === 'mlp' ? [88] : [128, 64])
  return a.kind === 'mlp' ? a.hidden.length + 1 : a.channels.length + 1
}

export function defaultOutDir(ws: Workspace, c: ExperimentConfig): string {
  // Named by the configuration, so starting the same grid again resumes it.
  return path.join(ws.subdir('experiments'), `${c.sources.map((s) => s.name).join('+')}-to-${c.target.name}-${c.model}-${hashConfig(c).slice(0, 8)}`)
}

export function prepareExperiment(ws: Workspace | null, input: ExperimentConfigInput, opts: PrepareOptions): PreparedExperiment {
  let config = makeConfig(input)
  const layers = weightedLayers(config.model)
  const tooMany = config.frozen.filter((f) => f >= layers)
  if (tooMany.length)
    throw new Error(`the ${config.model} has ${layers} weighted layers; frozen ${tooMany.join(', ')} would leave nothing to fine-tune (use 0..${layers - 1})`)
  const roots = opts.caller === 'api' && ws ? [ws.dir, ...chosenFolders(), ...listDatasets(ws).flatMap((d) => (d.rootPath ? [d.rootPath] : []))] : null
  const resolveRef = (c: CorpusRef): CorpusRef => {
    checkCorpusRef(ws, c)
    const folder = corpusFolder(ws, c)
    const isFolderRef = folder !== null && folder === path.resolve(c.ref)
    if (isFolderRef && roots) checkAllowed(folder, roots, `${c.name}: the corpus folder`)
    if (opts.foldersOnly && !folder) throw new Error(`${c.name}: '${c.ref}' is a dataset without a folder on disk; a plan's tasks import corpora from folders`)
    return isFolderRef || opts.foldersOnly ? { ...c, ref: folder! } : c
  }
  config = { ...config, sources: config.sources.map(resolveRef), target: resolveRef(config.target) }
  const out = path.resolve(opts.out ?? (ws ? defaultOutDir(ws, config) : '.'))
  if (!opts.out && !ws) throw new Error('an output folder is needed (--out DIR)')
  if (roots) checkAllowed(out, roots, 'the output folder')
  const { resume } = checkRunFolder(out, config, { force: opts.force })
  return { config, out, total: gridSize(config).evaluations, resume }
}
