// What a person would notice on a page, measured in the browser: text too faint to read, a page wider than the
// screen, buttons too small to hit, form controls without a label.
import type { Page } from 'playwright-core'

export interface LayoutProblems {
  /** Visible texts below WCAG AA contrast (4.5:1, large text 3:1), with the ratio found. */
  lowContrast: string[]
  /** The page scrolls sideways (document wider than the viewport). */
  overflowX: number
  /** Visible buttons, inputs and clickable labels smaller than minTarget px in height or width. */
  smallTargets: string[]
  /** Visible form controls without an accessible name (label, aria-label, aria-labelledby). */
  unlabelled: string[]
}

/**
 * Measures the page as it is now; minTarget is the touch target size asked for (44 px: WCAG 2.5.5, Apple HIG).
 * The in-page code is plain JavaScript text: a TypeScript function would arrive with the transpiler's helpers
 * (tsx/esbuild's __name), which do not exist in the page.
 */
export async function measure(page: Page, minTarget = 44): Promise<LayoutProblems> {
  return page.evaluate(`(${IN_PAGE})(${Number(minTarget)})`) as Promise<LayoutProblems>
}

const IN_PAGE = String.raw`function (minTarget) {
  function parse(value) {
    var m = String(value).match(/rgba?\(([^)]+)\)/)
    if (!m) return [0, 0, 0, 0]
    var p = m[1].split(/[,\s/]+/).filter(Boolean).map(Number)
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]
  }
  function over(top, bottom) {
    var a = top[3] + bottom[3] * (1 - top[3])
    if (!a) return [255, 255, 255, 1]
    var mix = function (i) { return (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a }
    return [mix(0), mix(1), mix(2), a]
  }
  function luminance(c) {
    var l = c.slice(0, 3).map(function (v) { var s = v / 255; return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4) })
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2]
  }
  function background(el) {
    var layers = []
    for (var e = el; e; e = e.parentElement) layers.push(parse(getComputedStyle(e).backgroundColor))
    return layers.reverse().reduce(function (below, layer) { return over(layer, below) }, [255, 255, 255, 1])
  }
  function visible(el) {
    var r = el.getBoundingClientRect()
    var s = getComputedStyle(el)
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0
  }
  function describe(el) {
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ').join('.') : '') +
      ' "' + (el.textContent || '').trim().slice(0, 40) + '"'
  }

  var lowContrast = []
  document.body.querySelectorAll('*').forEach(function (el) {
    var ownText = Array.prototype.some.call(el.childNodes, function (n) { return n.nodeType === Node.TEXT_NODE && n.textContent.trim() })
    if (!ownText || !visible(el) || el.disabled) return
    var s = getComputedStyle(el)
    var bg = background(el)
    var fg = over(parse(s.color), bg)
    var l = [luminance(fg), luminance(bg)].sort(function (a, b) { return b - a })
    var ratio = (l[0] + 0.05) / (l[1] + 0.05)
    var size = parseFloat(s.fontSize)
    var large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700)
    if (ratio < (large ? 3 : 4.5)) lowContrast.push(describe(el) + ': ' + ratio.toFixed(2) + ':1')
  })

  var smallTargets = []
  document.querySelectorAll('button, a[href], select, textarea, input:not([type="radio"]):not([type="checkbox"]), label[for]').forEach(function (el) {
    if (!visible(el)) return
    // A label is a target only for a radio or checkbox (it is what one taps); text inputs' labels are not.
    if (el.tagName === 'LABEL') {
      var input = document.getElementById(el.getAttribute('for'))
      if (!input || (input.type !== 'radio' && input.type !== 'checkbox')) return
    }
    var r = el.getBoundingClientRect()
    if (r.height < minTarget || r.width < minTarget) smallTargets.push(describe(el) + ': ' + Math.round(r.width) + 'x' + Math.round(r.height))
  })

  var unlabelled = []
  document.querySelectorAll('input, select, textarea, button').forEach(function (el) {
    if (el.type === 'hidden') return
    var named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') ||
      (el.tagName === 'BUTTON' && (el.textContent || '').trim())
    if (!named) unlabelled.push(describe(el))
  })

  return { lowContrast: lowContrast, overflowX: document.documentElement.scrollWidth - window.innerWidth, smallTargets: smallTargets, unlabelled: unlabelled }
}`
