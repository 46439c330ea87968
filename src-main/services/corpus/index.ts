/**
 * The corpus service: import corpora (RAVDESS, CREMA-D, eNTERFACE'05, folder
 * per emotion, CSV manifest), browse them, relink moved folders, and make
 * speaker-independent splits. See docs/corpora.md.
 */
export { importCorpus, closeImportPool, ImportError, type ImportOptions } from './import'
export { listFiles, listTree, detectLayoutHere } from './scan'
export { detectLayout } from './offthread'
export { listDatasets, datasetStats, listClips, relinkDataset } from './queries'
export { missingAudio, clipAudioStatus, pathsMissing } from './missing'
export { makeSplits, getSplits, clipFolds, assignFolds } from './splits'
export { mapLabel, LABEL_SYNONYMS, RAVDESS_CODES, CREMAD_CODES, ENTERFACE_CODES, ENTERFACE_FOLDERS } from './labels'
export type {
  ImportReport,
  LayoutDetection,
  DatasetRow,
  DatasetStats,
  ClipRow,
  ClipPage,
  ClipQuery,
  RelinkReport,
  Splits,
  Layout,
  MissingAudio,
  ClipAudioStatus,
} from '../../../src-shared/contract/datasets'
