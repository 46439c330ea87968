/**
 * What the Experiments view receives of a run, bounded by construction (issue 20): the
 * contract's output bounds protect nobody from the server, so nothing here may depend on a
 * validator accepting it. Every plot of a grid the size cap allows is sent inline up to
 * MAX_INLINE_SVG_CHARS characters; a larger one is sent as a note pointing to report.html
 * (which holds every plot), never refused.
 */
import { MAX_INLINE_SVG_CHARS, MAX_TEXT } from '../../../src-shared/contract/limits'
import type { PlotOut } from '../../../src-shared/contract/experiments'
import type { Plot } from './plots'

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`)

export function boundPlots(plots: Plot[], maxSvg = MAX_INLINE_SVG_CHARS): PlotOut[] {
  return plots.map((p) =>
    p.svg.length <= maxSvg
      ? { title: cut(p.title, MAX_TEXT), svg: p.svg, note: null }
      : {
          title: cut(p.title, MAX_TEXT),
          svg: null,
          note:
            `This plot is ${(p.svg.length / 1e6).toFixed(1)} million characters of SVG, more than the ${(maxSvg / 1e6).toFixed(0)} million the view ` +
            `shows inline: open the report (report.html in the run folder), which holds every plot.`,
        },
  )
}
