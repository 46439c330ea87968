/**
 * The application's one router. Each capability adds a sub-router from
 * ./routers; both transports serve exactly this object.
 */
import { datasetsRouter } from './routers/datasets'
import { enrollRouter } from './routers/enroll'
import { experimentsRouter } from './routers/experiments'
import { jobsRouter } from './routers/jobs'
import { labelsRouter } from './routers/labels'
import { liveRouter } from './routers/live'
import { modelsRouter } from './routers/models'
import { recordingsRouter } from './routers/recordings'
import { systemRouter } from './routers/system'
import { router } from './trpc'

export const appRouter = router({
  system: systemRouter,
  jobs: jobsRouter,
  datasets: datasetsRouter,
  models: modelsRouter,
  labels: labelsRouter,
  experiments: experimentsRouter,
  live: liveRouter,
  recordings: recordingsRouter,
  enroll: enrollRouter,
})

export type AppRouter = typeof appRouter
