/**
 * Cluster runs: an experiment plan (services/experiment/plan-format.ts) submitted to Slurm
 * as one job array per stage, its status from task files plus squeue/sacct, resubmission
 * of only the missing or failed tasks. See docs/cluster.md.
 */
export { parseSlurmOptions, arraySpec, parseArraySpec, type SlurmOptions } from './options'
export { renderStageScript, sbatchDirectives, currentRuntime, projectRoot, scriptPath, slurmDir, type Runtime, type StageScript } from './scripts'
export { slurm, parseJobId, SlurmCommandError } from './commands'
export { queryElements, classify, parseStateLines, type ElementInfo, type ElementState, type QueueSnapshot } from './queue'
export { readJobs, jobsFile, elementTasks, type JobsRecord, type Submission } from './record'
export { stageViews, logPath, type TaskState, type TaskView } from './tasks'
export { submitPlan, submitText, type SubmitOptions, type SubmitOutcome, type StageSubmission } from './submit'
export { readClusterStatus, clusterStatusText, statusReport, type ClusterStatus, type ClusterStageStatus } from './status'
