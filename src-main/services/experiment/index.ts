/**
 * Experiments: the paper's grid with speaker-independent evaluation, results
 * (JSON/CSV), verdicts on the paper's two claims and a self-contained HTML report.
 * See docs/experiments.md.
 */
export { runExperiment, resolveCorpus, type ExperimentOptions, type ExperimentOutcome } from './runner'
export { runGrid, subset, lossConfig, type GridData } from './core'
export { expandGrid, chooseClasses, makeConfig, configKey, taskKey, parseCorpusArg, parseList, parseShots, parseLoss, parseInteger, type Task } from './grid'
export { classificationMetrics, confusionMatrix, metricsFromConfusion, mean, sd } from './metrics'
export { aggregate, markdownTable, recordsToCsv, writeResults, readResults, validateRecord, CSV_COLUMNS, RESULTS_FORMAT } from './results'
export { evaluateClaims, claimDistanceLoss, claimSourceVsFrozen, bootstrapCI } from './claims'
export { openRunFolder, checkRunFolder, readRecords, readManifest, RunFolderError, hashConfig } from './state'
export { computeOutputs, writeOutputs, readMeta } from './finish'
export { claimsText, renderReport } from './report'
export { buildPlots, renderSvg } from './plots'
export { listRuns, getRun, markStaleRuns } from './runs'
