/// <reference lib="dom" />
/**
 * What every view must pass in a real browser (views.spec.ts): it fits the window without a
 * horizontal scroll bar, axe-core finds no serious or critical violation, Tab reaches every
 * visible enabled control, and every form field has a label (not just a placeholder or title).
 * Each check returns a list of precise findings (empty: passed), so a failure names the element.
 */
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'

/** In-page description of an element, for failure messages: tag, test id or id, name, text. */
const DESCRIBE = `(el) => {
  const attr = (n) => el.getAttribute(n)
  const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40)
  return [el.tagName.toLowerCase() + (attr('type') ? '[type=' + attr('type') + ']' : ''),
    attr('data-testid') ? '[data-testid=' + attr('data-testid') + ']' : attr('id') ? '#' + attr('id') : '',
    attr('class') ? '.' + attr('class').trim().split(/\\s+/).join('.') : '',
    text ? ' "' + text + '"' : ''].join('')
}`

/** The scrolling element of the page and the view's own scroll container both fit their width. */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate((describeSrc) => {
    const describe = new Function(`return ${describeSrc}`)() as (el: Element) => string
    const out: string[] = []
    const containers: [string, Element | null][] = [
      ['document.scrollingElement', document.scrollingElement],
      ['main.content', document.querySelector('main.content')],
    ]
    for (const [name, box] of containers) {
      if (!box || box.scrollWidth <= box.clientWidth) continue
      const limit = box === document.scrollingElement ? box.clientWidth : box.getBoundingClientRect().left + box.clientWidth
      // The outermost elements that stick out, not clipped by a scrolling or hidden-overflow ancestor.
      const clipped = (el: Element) => {
        for (let a = el.parentElement; a && a !== box; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return true
        return false
      }
      const offenders = [...box.querySelectorAll('*')].filter((el) => {
        const right = el.getBoundingClientRect().right
        const parent = el.parentElement
        return right > limit + 1 && (!parent || parent === box || parent.getBoundingClientRect().right <= limit + 1) && !clipped(el)
      })
      out.push(
        `${name} scrolls horizontally: scrollWidth ${box.scrollWidth} > clientWidth ${box.clientWidth}; sticking out: ` +
          (offenders
            .slice(0, 5)
            .map((el) => `${describe(el)} (right edge ${Math.round(el.getBoundingClientRect().right)} > ${Math.round(limit)})`)
            .join('; ') || 'none found'),
      )
    }
    return out
  }, DESCRIBE)
}

/** axe-core's serious and critical violations, one line per rule with the elements it names. */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id} (${v.help}, ${v.helpUrl}):\n` +
        // axe's selector is the shortest unique one ('select'); the element's own HTML says which it is
        v.nodes
          .map((n) => `    ${n.target.join(' ')} ${n.html.replace(/\s+/g, ' ').slice(0, 160)}: ${(n.failureSummary ?? '').replace(/\s*\n\s*/g, ' ')}`)
          .join('\n'),
    )
}

/** Presses Tab until focus comes round again; returns the visible enabled controls focus never reached. */
export async function unreachableByKeyboard(page: Page): Promise<string[]> {
  const total = await page.evaluate(() => {
    const w = window as unknown as { __seen: Set<Element>; __controls: Element[]; __listening?: boolean }
    const visible = (el: HTMLElement) => {
      const r = el.getBoundingClientRect()
      // checkVisibility: also false inside a closed <details> (content-visibility), which still has a size
      return r.width > 0 && r.height > 0 && el.checkVisibility({ visibilityProperty: true }) && !el.closest('[inert], [aria-hidden="true"]')
    }
    w.__controls = [...document.querySelectorAll<HTMLElement>('a[href], button, input:not([type=hidden]), select, textarea, summary')].filter(
      (el) => !(el as HTMLButtonElement).disabled && !el.closest('fieldset:disabled') && visible(el),
    )
    w.__seen = new Set()
    if (!w.__listening) document.addEventListener('focusin', (e) => w.__seen.add(e.target as Element), { capture: true })
    w.__listening = true
    ;(document.activeElement as HTMLElement | null)?.blur()
    return w.__controls.length
  })
  for (let i = 0; i < total * 2 + 10; i++) {
    await page.keyboard.press('Tab')
    const where = await page.evaluate(() => {
      const w = window as unknown as { __first?: Element }
      const el = document.activeElement
      if (!el || el === document.body) return 'body'
      if (!w.__first) w.__first = el
      else if (el === w.__first) return 'round'
      return 'on'
    })
    if (where === 'round') break // once round the whole page
  }
  return page.evaluate((describeSrc) => {
    const describe = new Function(`return ${describeSrc}`)() as (el: Element) => string
    const w = window as unknown as { __seen: Set<Element>; __controls: Element[]; __first?: Element }
    delete w.__first
    // One radio of a group takes focus; the arrows move within it.
    const reached = (el: Element) =>
      w.__seen.has(el) ||
      (el instanceof HTMLInputElement &&
        el.type === 'radio' &&
        [...w.__seen].some((s) => s instanceof HTMLInputElement && s.type === 'radio' && s.name === el.name))
    return w.__controls.filter((el) => !reached(el)).map((el) => `${describe(el)}${el.getAttribute('tabindex') === '-1' ? ' (tabindex=-1)' : ''}`)
  }, DESCRIBE)
}

/**
 * Every input, select and textarea has a name from a <label>, aria-label or aria-labelledby.
 * A placeholder does not count (it vanishes as soon as something is typed), nor a title alone
 * (axe's label-title-only: a tooltip only the mouse shows).
 */
export async function unnamedFields(page: Page): Promise<string[]> {
  return page.evaluate((describeSrc) => {
    const describe = new Function(`return ${describeSrc}`)() as (el: Element) => string
    const text = (s: string | null | undefined) => (s ?? '').trim()
    // a label's own words, not the options of the select it wraps
    const labelText = (l: HTMLLabelElement) => {
      const c = l.cloneNode(true) as HTMLElement
      for (const f of c.querySelectorAll('input, select, textarea')) f.remove()
      return text(c.textContent)
    }
    const named = (el: HTMLInputElement) =>
      text(el.getAttribute('aria-label')) ||
      (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).some((id) => text(document.getElementById(id)?.textContent)) ||
      [...(el.labels ?? [])].some(labelText)
    // not rendered at all (a hidden file input a button opens) means not in the accessibility tree; a closed <details> still counts
    const rendered = (el: Element) => !el.closest('[hidden]') && getComputedStyle(el).display !== 'none'
    return [...document.querySelectorAll<HTMLInputElement>('input:not([type=hidden]), select, textarea')]
      .filter((el) => rendered(el) && !named(el))
      .map(describe)
  }, DESCRIBE)
}
