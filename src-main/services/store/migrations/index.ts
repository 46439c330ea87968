/**
 * Versioned schema migrations, applied in numeric order of their NNN (see
 * inRunOrder), each once, each in its own transaction. Each capability owns a
 * range (0xx core, 1xx corpus, 2xx features, 3xx models/training, 4xx
 * experiments, 5xx labels, recordings and enrollment) so work on different parts
 * never fights over a number; a migration changes only tables made by a lower
 * number. Never edit a migration that has shipped: add a new one.
 */
import * as core from './001-core'
import * as corpusSplits from './101-corpus-splits'
import * as datasetLabelRule from './102-dataset-label-rule'
import * as datasetSpeech from './103-dataset-speech'
import * as models from './301-models'
import * as modelNamesUnique from './302-model-names-unique'
import * as trainingRunPid from './303-training-run-pid'
import * as experimentRuns from './401-experiment-runs'
import * as experimentRunPid from './402-experiment-run-pid'
import * as deskActions from './501-desk-actions'
import * as deskUndoRequests from './502-desk-undo-requests'
import * as enrollProfiles from './503-enroll-profiles'
import * as deskRequestBinding from './504-desk-request-binding'
import * as labelActionDataset from './505-label-action-dataset'
import * as suggestScores from './506-suggest-scores'

export interface Migration {
  id: string
  up: string
}

export const MIGRATIONS: Migration[] = [
  { id: '001-core', up: core.up },
  { id: '101-corpus-splits', up: corpusSplits.up },
  { id: '102-dataset-label-rule', up: datasetLabelRule.up },
  { id: '103-dataset-speech', up: datasetSpeech.up },
  { id: '301-models', up: models.up },
  { id: '302-model-names-unique', up: modelNamesUnique.up },
  { id: '303-training-run-pid', up: trainingRunPid.up },
  { id: '401-experiment-runs', up: experimentRuns.up },
  { id: '402-experiment-run-pid', up: experimentRunPid.up },
  { id: '501-desk-actions', up: deskActions.up },
  { id: '502-desk-undo-requests', up: deskUndoRequests.up },
  { id: '503-enroll-profiles', up: enrollProfiles.up },
  { id: '504-desk-request-binding', up: deskRequestBinding.up },
  { id: '505-label-action-dataset', up: labelActionDataset.up },
  { id: '506-suggest-scores', up: suggestScores.up },
]

export class MigrationOrderError extends Error {
  override name = 'MigrationOrderError'
}

const ID = /^(\d{3,})-[a-z0-9][a-z0-9-]*$/

/** The order migrations run in: by NNN as a number (1000 after 999, not between 100 and 101). */
export function inRunOrder(migrations: Migration[]): Migration[] {
  const byNumber = new Map<number, Migration>()
  for (const m of migrations) {
    const match = ID.exec(m.id)
    if (!match) throw new MigrationOrderError(`migration id "${m.id}" is not NNN-name (digits, a dash, lower-case words)`)
    const n = Number(match[1])
    const other = byNumber.get(n)
    if (other) throw new MigrationOrderError(`migration number ${n} is used twice: ${other.id} and ${m.id}`)
    byNumber.set(n, m)
  }
  return [...byNumber.entries()].sort(([a], [b]) => a - b).map(([, m]) => m)
}
