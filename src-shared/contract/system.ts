import { z } from 'zod'
import { MAX_ENTRIES, MAX_ITEMS, MAX_TEXT, Real, boundedRecord } from './limits'

export const BackendInfoSchema = z.object({
  name: z.enum(['tensorflow', 'wasm', 'cpu']),
  available: z.array(z.enum(['tensorflow', 'wasm', 'cpu'])).max(MAX_ITEMS),
  notes: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS),
  tfjsVersion: z.string().max(MAX_TEXT),
  threads: Real.nullable(),
})

export const DoctorReportSchema = z.object({
  app: z.string().max(MAX_TEXT),
  node: z.string().max(MAX_TEXT),
  electron: z.string().max(MAX_TEXT).nullable(),
  electronPackage: z.string().max(MAX_TEXT).nullable(),
  electronBinary: z.string().max(MAX_TEXT).nullable(),
  chromium: z.string().max(MAX_TEXT).nullable(),
  platform: z.string().max(MAX_TEXT),
  backend: BackendInfoSchema,
  workspace: z.object({ dir: z.string().max(MAX_TEXT), database: z.string().max(MAX_TEXT), migrations: z.array(z.string().max(MAX_TEXT)).max(MAX_ITEMS) }),
  tools: boundedRecord(z.string().max(MAX_TEXT), z.string().max(MAX_TEXT).nullable(), MAX_ENTRIES),
})
export type DoctorReport = z.infer<typeof DoctorReportSchema>

/** The workspace a server serves: a random id made once (stable across moves and ports) and its folder. */
export const WorkspaceIdentitySchema = z.object({ id: z.string().regex(/^[0-9a-f]{32}$/), dir: z.string().max(4096) })
export type WorkspaceIdentity = z.infer<typeof WorkspaceIdentitySchema>
