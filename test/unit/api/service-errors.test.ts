/**
 * One middleware maps a ServiceError's code to the tRPC code (src-shared/errors.ts TRPC_CODE_OF):
 * the code decides, never the message, and an error without a code stays a server error.
 */
import { describe, expect, it } from 'vitest'
import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { createCallerFactory, procedure, router } from '../../../src-main/api/trpc'
import { SERVICE_ERROR_CODES, ServiceError, TRPC_CODE_OF } from '../../../src-shared/errors'
import { LabelError } from '../../../src-main/services/labels/index'
import type { RequestContext } from '../../../src-main/api/context'

const probe = router({
  fail: procedure.input(z.object({ code: z.string(), message: z.string() })).mutation(({ input }) => {
    if (input.code === 'plain') throw new Error(input.message)
    throw new ServiceError(input.code as ServiceError['code'], input.message)
  }),
  label: procedure.query(() => {
    throw new LabelError('no dataset with id 7', 'not_found')
  }),
})
const caller = createCallerFactory(probe)({} as RequestContext)
const codeOf = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as TRPCError).code

describe('service errors through the tRPC middleware', () => {
  it.each(SERVICE_ERROR_CODES.map((c) => [c]))('%s becomes its tRPC code whatever the message says', async (code) => {
    for (const message of ['no dataset with id 3', 'refusing to overwrite /x', 'already running', 'fine']) {
      expect(await codeOf(caller.fail({ code, message }))).toBe(TRPC_CODE_OF[code])
    }
  })

  it('keeps the message, and a subclass keeps its code', async () => {
    const err = (await caller.fail({ code: 'conflict', message: 'the folder is in use' }).catch((e) => e)) as TRPCError
    expect(err.message).toBe('the folder is in use')
    expect(await codeOf(caller.label())).toBe('NOT_FOUND')
  })

  it('an error without a code stays INTERNAL_SERVER_ERROR, even when its message looks like a refusal', async () => {
    expect(await codeOf(caller.fail({ code: 'plain', message: 'no dataset with id 3' }))).toBe('INTERNAL_SERVER_ERROR')
  })
})
