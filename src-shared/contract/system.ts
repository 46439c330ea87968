import { z } from 'zod'

export const BackendInfoSchema = z.object({
  name: z.enum(['tensorflow', 'wasm', 'cpu']),
  available: z.array(z.enum(['tensorflow', 'wasm', 'cpu'])),
  notes: z.array(z.string()),
  tfjsVersion: z.string(),
  threads: z.number().nullable(),
})

export const DoctorReportSchema = z.object({
  app: z.string(),
  node: z.string(),
  electron: z.string().nullable(),
  electronPackage: z.string().nullable(),
  electronBinary: z.string().nullable(),
  chromium: z.string().nullable(),
  platform: z.string(),
  backend: BackendInfoSchema,
  workspace: z.object({ dir: z.string(), database: z.string(), migrations: z.array(z.string()) }),
  tools: z.record(z.string(), z.string().nullable()),
})
export type DoctorReport = z.infer<typeof DoctorReportSchema>
