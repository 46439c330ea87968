/**
 * Experiments: the paper's grid as a plan of tasks (features -> tune -> pretrain ->
 * evaluate) with speaker-independent evaluation, results (JSON/CSV), three-way verdicts
 * with crossed-bootstrap intervals and a self-contained HTML report, run in one
 * process or as separate tasks (a cluster). See docs/experiments.md and docs/method.md.
 */
export { runExperiment, runPrepared, runPlan, openPlanFolder, finishExperiment, type ExperimentOptions, type ExperimentOutcome } from './runner'
export { prepareExperiment, defaultOutDir, type PreparedExperiment } from './prepare'
export { resolveCorpus, checkCorpusRef } from './corpora'
export { subset } from './task-data'
export { trainingSet, asVectors } from './core'
export {
  expandGrid,
  gridSize,
  checkGridSize,
  MAX_EVALUATIONS,
  chooseClasses,
  makeConfig,
  configKey,
  taskKey,
  parseCorpusArg,
  parseList,
  parseShots,
  parseLoss,
  parseInteger,
  type Task,
  type Evaluation,
} from './grid'
export { buildPlan } from './plan'
export { readPlan, writePlan, shardTasks, stageTask, findTask } from './plan-io'
export { readPlanStatus, planStatusText, type PlanStatus } from './plan-status'
export { runTask, taskContext, provideFeatures } from './tasks'
export { mean, sd } from './metrics'
export { classificationMetrics, confusionMatrix, metricsFromConfusion } from '../model/metrics'
export { aggregate, markdownTable, recordsToCsv, writeResults, readResults, validateRecord, CSV_COLUMNS, RESULTS_FORMAT } from './results'
export { evaluateClaims, claimDistanceLoss, claimSourceVsFrozen, claimFinetuneVsPretrained, siameseVsSoftmax } from './claims'
export { crossedBootstrap, nestedBootstrap, verdictOf } from './bootstrap'
export { headline, lossTable } from './summary'
export { openRunFolder, checkRunFolder, readManifest, RunFolderError, hashConfig, clearRunFiles, MARKER } from './state'
export { computeOutputs, writeOutputs, readMeta, collectResults } from './finish'
export { claimsText, renderReport } from './report'
export { buildPlots, renderSvg } from './plots'
export { listRuns, getRun, markStaleRuns } from './runs'
export { readRunReport, experimentReportMedia, type ReportFile } from './report-file'
export { rememberChosenFolder } from './guard'
