/**
 * A walker over zod 4 schemas: lists every string, array, number, record or free
 * value without a bound, and computes the worst-case JSON size of an input
 * (Infinity when something in it is unbounded).
 */
import type { z } from 'zod'
import { boundsRegistry } from '../../../src-shared/contract/limits'

type Def = { type: string; [k: string]: unknown }
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def
const checksOf = (d: Def) => ((d.checks as { _zod: { def: Record<string, unknown> } }[] | undefined) ?? []).map((c) => c._zod.def)

const maxLen = (d: Def): number | undefined => {
  const m = checksOf(d).filter((c) => c.check === 'max_length' || c.check === 'length_equals').map((c) => Number(c.maximum ?? c.length))
  return m.length ? Math.min(...m) : undefined
}

/** A regex that is anchored and has no open-ended repetition bounds its string's length. */
function regexBound(d: Def): number | undefined {
  for (const c of checksOf(d)) {
    if (c.format !== 'regex') continue
    const src = (c.pattern as RegExp).source.replace(/\\./g, 'x')
    if (!src.startsWith('^') || !src.endsWith('$') || /[*+]|\{\d+,\}/.test(src)) continue
    // generous: each atom (a class or a char) times its largest repeat
    let total = 0
    for (const m of src.slice(1, -1).matchAll(/(\[[^\]]*\]|\([^)]*\)|.)(\{(\d+)(,(\d+))?\}|\?)?/g))
      total += m[3] ? Number(m[5] ?? m[3]) * m[1].length : m[1].length
    return total
  }
  return undefined
}

function numberBounds(d: Def): { lo?: number; hi?: number; int: boolean } {
  let lo: number | undefined
  let hi: number | undefined
  let int = false
  for (const c of checksOf(d)) {
    if (c.check === 'greater_than') lo = Math.max(lo ?? -Infinity, Number(c.value))
    if (c.check === 'less_than') hi = Math.min(hi ?? Infinity, Number(c.value))
    if (c.check === 'number_format') int = true
  }
  return { lo, hi, int }
}

export interface Walk {
  unbounded: string[]
  /** worst-case JSON bytes */
  bytes: number
}

export function walk(schema: z.ZodType, where = '(root)', seen = new Set<unknown>()): Walk {
  const d = defOf(schema)
  const meta = boundsRegistry.get(schema)
  const none = (what: string): Walk => ({ unbounded: [`${where}: ${what}`], bytes: Infinity })
  const merge = (parts: Walk[], extra = 0): Walk => ({ unbounded: parts.flatMap((p) => p.unbounded), bytes: parts.reduce((a, p) => a + p.bytes, extra) })
  if (meta?.maxJsonChars) return { unbounded: [], bytes: meta.maxJsonChars * 6 }
  switch (d.type) {
    case 'string': {
      const n = maxLen(d) ?? regexBound(d)
      return n === undefined ? none('string without .max()') : { unbounded: [], bytes: n * 6 + 2 }
    }
    case 'number': {
      const b = numberBounds(d)
      return b.int || (Number.isFinite(b.lo) && Number.isFinite(b.hi)) ? { unbounded: [], bytes: 24 } : none('number without .int() or a finite range')
    }
    case 'bigint':
      return none('bigint')
    case 'boolean':
    case 'null':
    case 'undefined':
    case 'void':
    case 'never':
      return { unbounded: [], bytes: 5 }
    case 'literal':
      return { unbounded: [], bytes: Math.max(...(d.values as unknown[]).map((v) => JSON.stringify(v)?.length ?? 4)) }
    case 'enum':
      return { unbounded: [], bytes: Math.max(...Object.values(d.entries as Record<string, unknown>).map((v) => JSON.stringify(v).length * 6)) }
    case 'array': {
      const n = maxLen(d)
      const el = walk(d.element as z.ZodType, `${where}[]`, seen)
      if (n === undefined) return { unbounded: [`${where}: array without .max()`, ...el.unbounded], bytes: Infinity }
      return { unbounded: el.unbounded, bytes: 2 + n * (el.bytes + 1) }
    }
    case 'tuple':
      return merge((d.items as z.ZodType[]).map((s, i) => walk(s, `${where}[${i}]`, seen)), 2)
    case 'object': {
      const shape = d.shape as Record<string, z.ZodType>
      const parts = Object.entries(shape).map(([k, s]) => walk(s, `${where}.${k}`, seen))
      const keys = Object.keys(shape).reduce((a, k) => a + k.length + 4, 2)
      if (d.catchall && defOf(d.catchall as z.ZodType).type !== 'never') parts.push(none('object with catchall'))
      return merge(parts, keys)
    }
    case 'record': {
      const k = walk(d.keyType as z.ZodType, `${where}{key}`, seen)
      const v = walk(d.valueType as z.ZodType, `${where}{value}`, seen)
      if (!meta?.maxEntries) return { unbounded: [`${where}: record without boundedRecord()`, ...k.unbounded, ...v.unbounded], bytes: Infinity }
      return { unbounded: [...k.unbounded, ...v.unbounded], bytes: 2 + meta.maxEntries * (k.bytes + v.bytes + 2) }
    }
    case 'union': {
      const parts = (d.options as z.ZodType[]).map((s, i) => walk(s, `${where}|${i}`, seen))
      return { unbounded: parts.flatMap((p) => p.unbounded), bytes: Math.max(...parts.map((p) => p.bytes)) }
    }
    case 'intersection':
      return merge([walk(d.left as z.ZodType, where, seen), walk(d.right as z.ZodType, where, seen)])
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return walk(d.innerType as z.ZodType, where, seen)
    case 'pipe':
      return walk(d.in as z.ZodType, where, seen)
    case 'lazy': {
      if (seen.has(schema)) return none('recursive schema')
      seen.add(schema)
      return walk((d.getter as () => z.ZodType)(), where, seen)
    }
    case 'date':
      return { unbounded: [], bytes: 30 }
    default:
      return none(`${d.type} (no bound possible)`)
  }
}
