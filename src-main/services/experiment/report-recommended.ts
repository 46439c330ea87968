/** The report's section on the recommended arm: its choices and its margin over the best fixed arm per shots value. */
import type { Effect, ExperimentConfig, RecommendedSummary } from '../../../src-shared/contract/experiments'
import { esc, pp, VERDICT_COLOUR } from './report-tables'

const ci = (e: Effect) => (e.ci ? `[${pp(e.ci[0])}, ${pp(e.ci[1])}]` : '–')
const cells = (m: { best: string; effect: Effect }) =>
  m.effect.effect === null
    ? `<td>${esc(m.best)}</td><td class="n">–</td><td class="n">–</td><td>${esc(m.effect.reason ?? 'n/a')}</td>`
    : `<td>${esc(m.best)}</td><td class="n">${pp(m.effect.effect)}</td><td class="n">${ci(m.effect)}</td>` +
      `<td style="color:${VERDICT_COLOUR[m.effect.verdict]}">${
        !m.effect.ci
          ? esc(m.effect.reason ?? 'no interval')
          : m.effect.verdict === 'contradicted'
            ? 'significantly worse'
            : m.effect.verdict === 'supported'
              ? 'significantly better'
              : `not significantly different${m.effect.reason ? ` (${esc(m.effect.reason)})` : ''}`
      }</td>`

export function recommendedHtml(s: RecommendedSummary, config: Pick<ExperimentConfig, 'recommendFolds'>): string {
  if (!s.variants.length) return `<p>${esc(s.text)}</p>`
  const how =
    `<p>For every base, fold, support draw and shots value, the recommended arm chooses between the unchanged base and fine-tuning with each ` +
    `fine-tuning loss and frozen setting of the grid, by ${config.recommendFolds}-fold cross-validation over the fold's support speakers only (the speakers ` +
    `of the other folds; never the fold's test speakers): each rotation draws K clips per class from some support speakers, ` +
    `trains every candidate on them as the final model would be trained, and scores nearest-prototype UAR on the other support speakers' clips. ` +
    `The best mean wins (a tie keeps the unchanged base). Its final model is the chosen arm's own (the same training on the same support clips with the same ` +
    `seed), so its record on a fold equals that arm's. The best fixed arm is picked after the fact on the test folds, which favours it. Method: ` +
    `docs/method.md, "The recommended recipe".</p>`
  const body = s.variants
    .map((v) => {
      const choices = v.choices
        .map((c) => `<tr><td class="n">${esc(c.shots)}</td><td class="n">${c.n}</td><td>${c.counts.map((x) => `${esc(x.label)}: ${x.n}`).join('; ')}</td></tr>`)
        .join('')
      const margins = v.vsBestCandidate
        .map(
          (m, i) =>
            `<tr><td class="n">${esc(v.choices[i]?.shots ?? m.effect.shots)}</td>${cells(m)}${cells(v.vsBestOverall[i])}` +
            `<td class="n">${m.effect.units.folds} x ${m.effect.units.pretrainSeeds} x ${m.effect.units.supportDraws} (${m.effect.units.pairs})</td></tr>`,
        )
        .join('')
      const head =
        v.neverWorse === true
          ? 'never significantly worse than the best fixed arm it chooses among'
          : v.neverWorse === false
            ? `<span style="color:${VERDICT_COLOUR.contradicted}">significantly worse than the best fixed arm at some shots value</span>`
            : 'no interval at some shots value (too few units): cannot tell'
      return `<h3>${esc(v.label)}: ${head}</h3>
<table class="small"><thead><tr><th>shots / class</th><th>choices</th><th>what it chose (times)</th></tr></thead><tbody>${choices}</tbody></table>
<table class="small"><thead><tr><th>shots / class</th><th>best fixed arm it chooses among</th><th>recommended minus it, UAR points</th>` +
        '<th>95% interval</th><th></th><th>best arm of the grid</th><th>recommended minus it</th><th>95% interval</th><th></th>' +
        `<th>folds x pre-training seeds x support draws (pairs)</th></tr></thead><tbody>${margins}</tbody></table>`
    })
    .join('\n')
  return `${how}<p>${esc(s.text)}</p>${body}`
}
