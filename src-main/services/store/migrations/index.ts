/**
 * Versioned schema migrations, applied in id order, each once, each in its own
 * transaction. Ids are zero-padded so they sort; each capability owns a range
 * (0xx core, 1xx corpus, 2xx features, 3xx models/training, 4xx experiments,
 * 5xx desk) so work on different parts never fights over a number.
 * Never edit a migration that has shipped: add a new one.
 */
import * as core from './001-core'
import * as corpusSplits from './101-corpus-splits'
import * as models from './301-models'
import * as modelNamesUnique from './302-model-names-unique'
import * as trainingRunPid from './303-training-run-pid'
import * as experimentRuns from './401-experiment-runs'
import * as experimentRunPid from './402-experiment-run-pid'
import * as deskActions from './501-desk-actions'
import * as deskUndoRequests from './502-desk-undo-requests'
import * as enrollProfiles from './503-enroll-profiles'

export interface Migration {
  id: string
  up: string
}

export const MIGRATIONS: Migration[] = [
  { id: '001-core', up: core.up },
  { id: '101-corpus-splits', up: corpusSplits.up },
  { id: '301-models', up: models.up },
  { id: '302-model-names-unique', up: modelNamesUnique.up },
  { id: '303-training-run-pid', up: trainingRunPid.up },
  { id: '401-experiment-runs', up: experimentRuns.up },
  { id: '402-experiment-run-pid', up: experimentRunPid.up },
  { id: '501-desk-actions', up: deskActions.up },
  { id: '502-desk-undo-requests', up: deskUndoRequests.up },
  { id: '503-enroll-profiles', up: enrollProfiles.up },
]
