/**
 * Praat TextGrid (text format). Writing: the long ("ooTextFile") format, one
 * IntervalTier per annotator; intervals tile [0, duration] as Praat requires,
 * with empty-text gaps; a whole-clip label is one interval over the whole clip;
 * an annotator's overlapping regions go to extra tiers named "name#2", "name#3".
 * Reading: long and short formats (both are the same token sequence; the long one
 * adds `name =` prefixes), IntervalTiers only (PointTiers are skipped), strict
 * about structure, with line numbers in every error.
 */

export interface TgInterval {
  start: number
  end: number
  text: string
}
export interface TgTier {
  name: string
  intervals: TgInterval[]
}
export interface TextGrid {
  xmin: number
  xmax: number
  tiers: TgTier[]
}

import { serviceErrorClass } from '../../../src-shared/errors'
export class TextGridError extends serviceErrorClass('TextGridError') {}

function q(s: string): string {
  return `"${s.replace(/"/g, '""')}"`
}
function num(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Math.round(x * 1e6) / 1e6)
}

/** Fills gaps with empty intervals so the tier tiles [xmin, xmax]; intervals must not overlap. */
export function tileTier(intervals: TgInterval[], xmin: number, xmax: number): TgInterval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start)
  const out: TgInterval[] = []
  let t = xmin
  for (const iv of sorted) {
    const start = Math.max(iv.start, t)
    const end = Math.min(iv.end, xmax)
    if (end <= start) continue
    if (start > t + 1e-9) out.push({ start: t, end: start, text: '' })
    out.push({ start, end, text: iv.text })
    t = end
  }
  if (t < xmax - 1e-9 || out.length === 0) out.push({ start: t, end: xmax, text: '' })
  return out
}

export function writeTextGrid(tg: TextGrid): string {
  const L: string[] = [
    'File type = "ooTextFile"',
    'Object class = "TextGrid"',
    '',
    `xmin = ${num(tg.xmin)} `,
    `xmax = ${num(tg.xmax)} `,
    'tiers? <exists> ',
    `size = ${tg.tiers.length} `,
    'item []: ',
  ]
  tg.tiers.forEach((tier, i) => {
    const ivs = tileTier(tier.intervals, tg.xmin, tg.xmax)
    L.push(
      `    item [${i + 1}]:`,
      '        class = "IntervalTier" ',
      `        name = ${q(tier.name)} `,
      `        xmin = ${num(tg.xmin)} `,
      `        xmax = ${num(tg.xmax)} `,
      `        intervals: size = ${ivs.length} `,
    )
    ivs.forEach((iv, j) => {
      L.push(`        intervals [${j + 1}]:`, `            xmin = ${num(iv.start)} `, `            xmax = ${num(iv.end)} `, `            text = ${q(iv.text)} `)
    })
  })
  return L.join('\n') + '\n'
}

/** Splits an annotator's intervals into non-overlapping layers (first-fit): tiers "name", "name#2", ... */
export function layerIntervals(name: string, intervals: TgInterval[]): TgTier[] {
  const layers: TgInterval[][] = []
  for (const iv of [...intervals].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const layer = layers.find((l) => l[l.length - 1].end <= iv.start + 1e-9)
    if (layer) layer.push(iv)
    else layers.push([iv])
  }
  return layers.map((l, i) => ({ name: i === 0 ? name : `${name}#${i + 1}`, intervals: l }))
}

interface Token {
  kind: 'string' | 'number' | 'flag'
  value: string
  line: number
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let line = 1
  let i = 0
  const s = text.replace(/^\uFEFF/, '')
  while (i < s.length) {
    const ch = s[i]
    if (ch === '\n') {
      line++
      i++
    } else if (ch === '"') {
      const startLine = line
      let v = ''
      i++
      for (;;) {
        if (i >= s.length) throw new TextGridError(`line ${startLine}: unterminated string`)
        if (s[i] === '"') {
          if (s[i + 1] === '"') {
            v += '"'
            i += 2
            continue
          }
          i++
          break
        }
        if (s[i] === '\n') line++
        v += s[i++]
      }
      tokens.push({ kind: 'string', value: v, line: startLine })
    } else if (ch === '<') {
      const end = s.indexOf('>', i)
      if (end < 0) throw new TextGridError(`line ${line}: unterminated <flag>`)
      tokens.push({ kind: 'flag', value: s.slice(i + 1, end), line })
      i = end + 1
    } else if (/[-+0-9.]/.test(ch) && !/[A-Za-z_\]]/.test(s[i - 1] ?? ' ')) {
      const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(s.slice(i, i + 40))
      if (!m) throw new TextGridError(`line ${line}: malformed number near "${s.slice(i, i + 12)}"`)
      // Numbers inside [n] are indices of the long format's labels, not values.
      const prev = s.slice(Math.max(0, i - 1), i)
      if (prev === '[') {
        i += m[0].length
        continue
      }
      tokens.push({ kind: 'number', value: m[0], line })
      i += m[0].length
    } else if (ch === '!') {
      while (i < s.length && s[i] !== '\n') i++ // comment
    } else {
      i++ // labels of the long format (`xmin =`, `item []:`), whitespace
    }
  }
  return tokens
}

export function parseTextGrid(text: string): TextGrid {
  const t = tokenize(text)
  let p = 0
  const where = () => (p < t.length ? `line ${t[p].line}` : 'end of file')
  const str = (what: string): string => {
    const k = t[p]
    if (!k || k.kind !== 'string') throw new TextGridError(`${where()}: expected ${what} (a quoted string)`)
    p++
    return k.value
  }
  const number = (what: string): number => {
    const k = t[p]
    if (!k || k.kind !== 'number') throw new TextGridError(`${where()}: expected ${what} (a number)`)
    p++
    const v = Number(k.value)
    if (!Number.isFinite(v)) throw new TextGridError(`line ${k.line}: ${what} is not a finite number`)
    return v
  }
  if (t[0]?.kind !== 'string' || t[0].value !== 'ooTextFile') throw new TextGridError('line 1: not a Praat text file (File type = "ooTextFile" expected)')
  p = 1
  const cls = str('the object class')
  if (cls !== 'TextGrid') throw new TextGridError(`line ${t[p - 1].line}: object class is "${cls}", expected "TextGrid" (binary or other objects are not read)`)
  const xmin = number('xmin')
  const xmax = number('xmax')
  if (!(xmax > xmin)) throw new TextGridError(`TextGrid xmax (${xmax}) must exceed xmin (${xmin})`)
  const flag = t[p]
  if (!flag || flag.kind !== 'flag') throw new TextGridError(`${where()}: expected <exists> or <absent>`)
  p++
  if (flag.value === 'absent') return { xmin, xmax, tiers: [] }
  if (flag.value !== 'exists') throw new TextGridError(`line ${flag.line}: unknown flag <${flag.value}>`)
  const size = number('the number of tiers')
  if (!Number.isInteger(size) || size < 0) throw new TextGridError(`${where()}: tier count must be a whole number`)
  const tiers: TgTier[] = []
  for (let n = 0; n < size; n++) {
    const kind = str(`tier ${n + 1}'s class`)
    const name = str(`tier ${n + 1}'s name`)
    const tx0 = number(`tier "${name}" xmin`)
    const tx1 = number(`tier "${name}" xmax`)
    const count = number(`tier "${name}" size`)
    if (!Number.isInteger(count) || count < 0) throw new TextGridError(`${where()}: tier "${name}" size must be a whole number`)
    if (kind === 'TextTier') {
      for (let j = 0; j < count; j++) {
        number('point time')
        str('point mark')
      }
      continue
    }
    if (kind !== 'IntervalTier') throw new TextGridError(`line ${t[p - 1].line}: unknown tier class "${kind}"`)
    const intervals: TgInterval[] = []
    let prevEnd = tx0
    for (let j = 0; j < count; j++) {
      const line = t[p]?.line
      const a = number(`interval ${j + 1} xmin of tier "${name}"`)
      const b = number(`interval ${j + 1} xmax of tier "${name}"`)
      const label = str(`interval ${j + 1} text of tier "${name}"`)
      if (!(b > a)) throw new TextGridError(`line ${line}: interval ${j + 1} of tier "${name}" ends (${b}) before it starts (${a})`)
      if (a < prevEnd - 1e-6) throw new TextGridError(`line ${line}: interval ${j + 1} of tier "${name}" overlaps the one before (starts ${a} < ${prevEnd})`)
      if (a < tx0 - 1e-6 || b > tx1 + 1e-6) throw new TextGridError(`line ${line}: interval ${j + 1} of tier "${name}" lies outside the tier (${tx0}-${tx1})`)
      prevEnd = b
      intervals.push({ start: a, end: b, text: label })
    }
    tiers.push({ name, intervals })
  }
  if (p < t.length) throw new TextGridError(`${where()}: unexpected content after the last tier`)
  return { xmin, xmax, tiers }
}
