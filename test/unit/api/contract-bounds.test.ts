import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { appRouter } from '../../../src-main/api/router'
import { WS_ENVELOPE_BYTES, WS_MAX_PAYLOAD_BYTES } from '../../../src-shared/contract/limits'
import { walk } from './bounds'

const dir = path.resolve(import.meta.dirname, '../../../src-shared/contract')

describe('contract bounds', () => {
  it('every string, array, number and record in src-shared/contract has a bound', async () => {
    const problems: string[] = []
    let schemas = 0
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const mod = (await import(path.join(dir, file))) as Record<string, unknown>
      for (const [name, value] of Object.entries(mod)) {
        if (!(value instanceof z.ZodType)) continue
        schemas++
        problems.push(...walk(value, `${file}:${name}`).unbounded)
      }
    }
    expect(schemas).toBeGreaterThan(50)
    expect(problems).toEqual([])
  })

  it('the walker finds what is unbounded (it can fail)', () => {
    const w = walk(z.object({ a: z.string(), b: z.array(z.number().int()), c: z.number(), d: z.record(z.string().max(3), z.number().int()), e: z.unknown() }))
    expect(w.unbounded.map((u) => u.split(': ')[0])).toEqual(['(root).a', '(root).b', '(root).c', '(root).d', '(root).e'])
    expect(
      walk(z.object({ a: z.string().max(3), b: z.array(z.number().int()).max(2), c: z.number().min(0).max(1), r: z.string().regex(/^[a-z]{1,8}$/) })).unbounded,
    ).toEqual([])
    expect(walk(z.string().regex(/^[a-z]+$/)).unbounded).toHaveLength(1)
  })

  it('every procedure input fits the WebSocket payload limit, and the limit is derived from the largest one', () => {
    const procedures = (appRouter._def as unknown as { procedures: Record<string, { _def: { inputs: z.ZodType[] } }> }).procedures
    const sizes: [string, number][] = []
    const problems: string[] = []
    for (const [name, p] of Object.entries(procedures)) {
      for (const input of p._def.inputs) {
        const w = walk(input, name)
        problems.push(...w.unbounded)
        sizes.push([name, w.bytes])
      }
    }
    expect(problems).toEqual([])
    sizes.sort((a, b) => b[1] - a[1])
    console.log('largest inputs (worst-case JSON bytes):', sizes.slice(0, 6))
    const [largest, bytes] = sizes[0]
    expect(bytes + WS_ENVELOPE_BYTES / 2).toBeLessThanOrEqual(WS_MAX_PAYLOAD_BYTES)
    // agree, not merely fit: the limit is no more than the largest input needs
    expect(largest).toBe('labels.import')
    expect(bytes).toBeGreaterThan(WS_MAX_PAYLOAD_BYTES - WS_ENVELOPE_BYTES)
  })
})
