import { z } from 'zod'
import { DoctorReportSchema, BackendInfoSchema, WorkspaceIdentitySchema } from '../../../src-shared/contract/system'
import { boundedUnknown } from '../../../src-shared/contract/limits'

/** A setting is a small value (an annotator name, a chosen model): JSON of at most this size. */
const SETTING_MAX_JSON_CHARS = 100_000
import { initBackend } from '../../services/engine/backend'
import { doctor } from '../../services/system/doctor'
import { procedure, router } from '../trpc'
import { rememberChosenFolder } from '../../services/experiment/guard'
import { INTERNAL_PREFIX, workspaceId } from '../workspace-identity'
import { countSettings, readSetting, writeSetting } from '../../services/store/settings'

const SettingKey = z
  .string()
  .min(1)
  .max(100)
  .refine((k) => !k.startsWith(INTERNAL_PREFIX), `keys starting with "${INTERNAL_PREFIX}" belong to the app`)

export const systemRouter = router({
  doctor: procedure.output(DoctorReportSchema).query(({ ctx }) => doctor(ctx.services.ws)),
  /** The workspace's stable id: what the Label view keys its unsent queue by (src-main/api/workspace-identity.ts). */
  workspace: procedure.output(WorkspaceIdentitySchema).query(({ ctx }) => ({ id: workspaceId(ctx.services.ws), dir: ctx.services.ws.dir })),
  backend: procedure.output(BackendInfoSchema).query(() => initBackend()),
  /** Round trip through the real database: the e2e tests use it to prove the wiring. */
  echo: procedure
    .input(z.object({ text: z.string().max(10_000) }))
    .output(z.object({ text: z.string(), stored: z.number().int(), at: z.string() }))
    .mutation(({ ctx, input }) => {
      const db = ctx.services.ws.db
      writeSetting(db, 'echo', input.text)
      return { text: readSetting(db, 'echo') as string, stored: countSettings(db), at: new Date().toISOString() }
    }),
  /** A native folder picker in Electron; null when the user cancels or no picker exists (browser shell). */
  pickFolder: procedure
    .input(z.object({ title: z.string().max(200) }))
    .output(z.object({ supported: z.boolean(), path: z.string().nullable() }))
    .mutation(async ({ ctx, input }) => {
      const picker = ctx.services.platform
      if (!picker) return { supported: false, path: null }
      const picked = await picker.pickFolder(input.title)
      // A folder the user picked may hold a corpus or an experiment's output (services/experiment/guard.ts).
      if (picked) rememberChosenFolder(picked)
      return { supported: true, path: picked }
    }),
  settings: router({
    get: procedure
      .input(z.object({ key: z.string().min(1).max(100) }))
      .output(z.unknown())
      .query(({ ctx, input }) => {
        return readSetting(ctx.services.ws.db, input.key) ?? null
      }),
    set: procedure
      .input(z.object({ key: SettingKey, value: boundedUnknown(SETTING_MAX_JSON_CHARS) }))
      .output(z.object({ ok: z.literal(true) }))
      .mutation(({ ctx, input }) => {
        writeSetting(ctx.services.ws.db, input.key, input.value ?? null)
        return { ok: true as const }
      }),
  }),
})
