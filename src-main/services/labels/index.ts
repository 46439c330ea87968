/**
 * The labelling service (services/labels, the Label view): label writes with undo/redo (never erasing),
 * the clip queue and progress, inter-annotator agreement, export/import
 * (CSV, JSON, Praat TextGrid, Audacity label track) and "label next" suggestions.
 * See docs/labelling.md.
 */
export { LabelError, clipLabels, setLabel, updateRegion, removeLabel, undo, redo, undoState } from './store'
export { labelClips, progress, wholeClipLabelsByAnnotator } from './queries'
export { krippendorffAlphaNominal, agreementReport, type AlphaResult } from './agreement'
export { exportLabels, importLabels } from './io'
export { LabelFileError, parseCsv, parseJson, parseAudacity, writeCsv, writeJson, writeAudacity, type LabelRecord } from './formats'
export { TextGridError, parseTextGrid, writeTextGrid, tileTier, layerIntervals, type TextGrid, type TgTier } from './textgrid'
export { suggestNext, marginUncertainty } from './suggest'
export { exportDatasetArchive, datasetLabelFiles } from './archive'
