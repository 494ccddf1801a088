/**
 * OData V2 query options: $filter (parsed once and compiled to a JS predicate over stored rows),
 * $orderby (compiled comparator), $select/$expand (projection tree), key predicates and literals.
 */
import type { ElementInfo, EntityInfo, NavInfo } from './model'
import { badRequest } from './errors'
import {
  cmpAlpha, comparatorFor, defaultValue, isoFromMs, isNumeric, msFromIso, normalizeDateTimeOffset, parseDateTime, parseTime,
} from './edm-values'

export type Row = Record<string, unknown>

// ------------------------------------------------------------------------------------------ tokens

type LitType = 'string' | 'int' | 'int64' | 'decimal' | 'double' | 'bool' | 'null' | 'datetime' | 'datetimeoffset' | 'time' | 'guid'
interface Tok { t: 'id' | 'lit' | 'op'; v: string; lt?: LitType; lv?: unknown; pos: number }

const TYPED_LITERALS = new Set(['datetime', 'datetimeoffset', 'time', 'guid'])

export function tokenize(src: string): Tok[] {
  const out: Tok[] = []
  let i = 0
  const n = src.length
  const readQuoted = (start: number): [string, number] => {
    // src[start] === "'"; '' is an escaped quote
    let s = ''
    let j = start + 1
    for (;;) {
      if (j >= n) throw badRequest(`Unterminated string literal at position ${start}`)
      const c = src[j]
      if (c === "'") {
        if (src[j + 1] === "'") { s += "'"; j += 2; continue }
        return [s, j + 1]
      }
      s += c
      j++
    }
  }
  while (i < n) {
    const c = src[i]
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue }
    if ('(),/='.includes(c)) { out.push({ t: 'op', v: c, pos: i }); i++; continue }
    if (c === "'") {
      const [s, j] = readQuoted(i)
      out.push({ t: 'lit', v: src.slice(i, j), lt: 'string', lv: s, pos: i })
      i = j
      continue
    }
    const num = /^[-+]?(\d+(\.\d+)?([eE][-+]?\d+)?)([mMlLdDfF])?/.exec(src.slice(i, i + 64))
    if (num && (c !== '-' && c !== '+' || /\d/.test(src[i + 1] ?? ''))) {
      const raw = num[0]
      const suffix = (num[4] ?? '').toLowerCase()
      const lt: LitType = suffix === 'm' ? 'decimal' : suffix === 'l' ? 'int64' : suffix === 'd' || suffix === 'f' ? 'double'
        : num[2] || num[3] ? 'double' : 'int'
      out.push({ t: 'lit', v: raw, lt, lv: Number(raw.replace(/[mMlLdDfF]$/, '')), pos: i })
      i += raw.length
      continue
    }
    const id = /^[A-Za-z_$][A-Za-z0-9_.$]*/.exec(src.slice(i, i + 256))
    if (id) {
      const word = id[0]
      const j = i + word.length
      if (src[j] === "'" && (TYPED_LITERALS.has(word.toLowerCase()) || word === 'X' || word === 'binary')) {
        const [s, k] = readQuoted(j)
        const lt = word.toLowerCase() as LitType
        let lv: unknown
        if (lt === 'datetime') lv = parseDateTime(s)
        else if (lt === 'datetimeoffset') lv = normalizeDateTimeOffset(s)
        else if (lt === 'time') lv = parseTime(s)
        else if (lt === 'guid') lv = s.toLowerCase()
        else throw badRequest(`Binary literals are not supported (position ${i})`)
        out.push({ t: 'lit', v: src.slice(i, k), lt, lv, pos: i })
        i = k
        continue
      }
      if (word === 'true' || word === 'false') out.push({ t: 'lit', v: word, lt: 'bool', lv: word === 'true', pos: i })
      else if (word === 'null') out.push({ t: 'lit', v: word, lt: 'null', lv: null, pos: i })
      else out.push({ t: 'id', v: word, pos: i })
      i = j
      continue
    }
    throw badRequest(`Invalid token '${src.slice(i, i + 10)}' at position ${i}`)
  }
  return out
}

// ------------------------------------------------------------------------------------------ $filter AST

type Node =
  | { k: 'lit'; tok: Tok }
  | { k: 'prop'; path: string[]; pos: number }
  | { k: 'call'; fn: string; args: Node[]; pos: number }
  | { k: 'cmp'; op: string; l: Node; r: Node; pos: number }
  | { k: 'and' | 'or'; l: Node; r: Node }
  | { k: 'not'; e: Node }

const CMP_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le'])
const FUNCTIONS: Record<string, number> = {
  substringof: 2, startswith: 2, endswith: 2, tolower: 1, toupper: 1, trim: 1, length: 1, indexof: 2, concat: 2,
}

class Parser {
  i = 0
  constructor(private toks: Tok[], private src: string) {}
  peek(): Tok | undefined { return this.toks[this.i] }
  next(): Tok {
    const t = this.toks[this.i++]
    if (!t) throw badRequest(`Unexpected end of expression '${this.src}'`)
    return t
  }
  isWord(w: string): boolean { const t = this.peek(); return !!t && t.t === 'id' && t.v === w }
  expectOp(v: string) {
    const t = this.next()
    if (t.t !== 'op' || t.v !== v) throw badRequest(`Expected '${v}' at position ${t.pos} in '${this.src}'`)
  }
  parse(): Node {
    const e = this.or()
    const t = this.peek()
    if (t) throw badRequest(`Unexpected '${t.v}' at position ${t.pos} in '${this.src}'`)
    return e
  }
  or(): Node {
    let l = this.and()
    while (this.isWord('or')) { this.i++; l = { k: 'or', l, r: this.and() } }
    return l
  }
  and(): Node {
    let l = this.unary()
    while (this.isWord('and')) { this.i++; l = { k: 'and', l, r: this.unary() } }
    return l
  }
  unary(): Node {
    if (this.isWord('not')) { this.i++; return { k: 'not', e: this.unary() } }
    const l = this.operand()
    const t = this.peek()
    if (t && t.t === 'id' && CMP_OPS.has(t.v)) {
      this.i++
      return { k: 'cmp', op: t.v, l, r: this.operand(), pos: t.pos }
    }
    if (t && t.t === 'id' && ['add', 'sub', 'mul', 'div', 'mod'].includes(t.v)) throw badRequest(`Arithmetic operator '${t.v}' is not supported`)
    return l
  }
  operand(): Node {
    const t = this.next()
    if (t.t === 'op' && t.v === '(') { const e = this.or(); this.expectOp(')'); return e }
    if (t.t === 'lit') return { k: 'lit', tok: t }
    if (t.t === 'id') {
      const nt = this.peek()
      if (nt && nt.t === 'op' && nt.v === '(') {
        const fn = t.v
        if (!(fn in FUNCTIONS)) throw badRequest(`Unknown function '${fn}' at position ${t.pos}`)
        this.i++
        const args: Node[] = []
        if (!(this.peek()?.t === 'op' && this.peek()?.v === ')')) {
          args.push(this.or())
          while (this.peek()?.t === 'op' && this.peek()?.v === ',') { this.i++; args.push(this.or()) }
        }
        this.expectOp(')')
        if (args.length !== FUNCTIONS[fn]) throw badRequest(`Function '${fn}' expects ${FUNCTIONS[fn]} arguments`)
        return { k: 'call', fn, args, pos: t.pos }
      }
      const path = [t.v]
      while (this.peek()?.t === 'op' && this.peek()?.v === '/') { this.i++; const p = this.next(); if (p.t !== 'id') throw badRequest(`Invalid path at position ${p.pos}`); path.push(p.v) }
      return { k: 'prop', path, pos: t.pos }
    }
    throw badRequest(`Unexpected '${t.v}' at position ${t.pos} in '${this.src}'`)
  }
}

// ------------------------------------------------------------------------------------------ compile

type Getter = (r: Row) => unknown
interface Operand {
  kind: 'prop' | 'lit' | 'string' | 'number' | 'bool'
  get: Getter
  el?: ElementInfo
  tok?: Tok
}

export type Predicate = (r: Row) => boolean

function element(entity: EntityInfo, name: string, pos?: number): ElementInfo {
  const el = entity.elements.get(name)
  if (!el) {
    const where = pos === undefined ? '' : ` (position ${pos})`
    throw badRequest(`Property '${name}' not found in type '${entity.typeName}'${where}`, '/IWBEP/CM_MGW_RT/021')
  }
  return el
}

export function getterFor(el: ElementInfo): Getter {
  const name = el.name
  const dflt = defaultValue(el)
  return (r) => { const v = r[name]; return v === undefined ? dflt : v }
}

/** Converts a literal token to the stored representation of an element's type. */
export function convertLiteral(el: ElementInfo, tok: Tok): unknown {
  const lt = tok.lt!
  if (lt === 'null') return null
  const mismatch = () => badRequest(`Invalid literal ${tok.v} for property '${el.name}' of type ${el.edmType}`, '/IWBEP/CM_MGW_RT/023')
  switch (el.edmType) {
    case 'Edm.String': case 'Edm.Binary':
      if (lt !== 'string') throw mismatch(); return tok.lv
    case 'Edm.Guid':
      if (lt !== 'guid' && lt !== 'string') throw mismatch(); return String(tok.lv).toLowerCase()
    case 'Edm.DateTime':
      if (lt === 'datetime') return tok.lv
      if (lt === 'datetimeoffset') return msFromIso(tok.lv as string)
      throw mismatch()
    case 'Edm.DateTimeOffset':
      if (lt === 'datetimeoffset') return tok.lv
      if (lt === 'datetime') return isoFromMs(tok.lv as number)
      throw mismatch()
    case 'Edm.Time':
      if (lt !== 'time') throw mismatch(); return tok.lv
    case 'Edm.Boolean':
      if (lt !== 'bool') throw mismatch(); return tok.lv
    default:
      if (lt !== 'int' && lt !== 'int64' && lt !== 'decimal' && lt !== 'double') throw mismatch()
      return tok.lv
  }
}

function litValue(tok: Tok): unknown { return tok.lv }

function compileOperand(entity: EntityInfo, n: Node): Operand {
  switch (n.k) {
    case 'lit': return { kind: 'lit', get: () => litValue(n.tok), tok: n.tok }
    case 'prop': {
      if (n.path.length > 1) {
        if (entity.navs.has(n.path[0])) throw badRequest(`Navigation paths in $filter are not supported: '${n.path.join('/')}'`)
        throw badRequest(`Property '${n.path[0]}' not found in type '${entity.typeName}'`, '/IWBEP/CM_MGW_RT/021')
      }
      const el = element(entity, n.path[0], n.pos)
      return { kind: 'prop', get: getterFor(el), el }
    }
    case 'call': return compileCall(entity, n)
    default: return { kind: 'bool', get: compileBool(entity, n) }
  }
}

function asString(entity: EntityInfo, n: Node, fn: string): Getter {
  const o = compileOperand(entity, n)
  if (o.kind === 'string') return o.get
  if (o.kind === 'prop' && (o.el!.edmType === 'Edm.String' || o.el!.edmType === 'Edm.Guid')) return o.get
  if (o.kind === 'lit' && o.tok!.lt === 'string') { const v = o.tok!.lv; return () => v }
  throw badRequest(`Function '${fn}' expects string arguments`)
}

function compileCall(entity: EntityInfo, n: Extract<Node, { k: 'call' }>): Operand {
  const s = (i: number) => asString(entity, n.args[i], n.fn)
  const str = (f: (r: Row) => string): Operand => ({ kind: 'string', get: f })
  switch (n.fn) {
    case 'substringof': { const a = s(0), b = s(1); return { kind: 'bool', get: (r) => String(b(r) ?? '').includes(String(a(r) ?? '')) } }
    case 'startswith': { const a = s(0), b = s(1); return { kind: 'bool', get: (r) => String(a(r) ?? '').startsWith(String(b(r) ?? '')) } }
    case 'endswith': { const a = s(0), b = s(1); return { kind: 'bool', get: (r) => String(a(r) ?? '').endsWith(String(b(r) ?? '')) } }
    case 'indexof': { const a = s(0), b = s(1); return { kind: 'number', get: (r) => String(a(r) ?? '').indexOf(String(b(r) ?? '')) } }
    case 'tolower': { const a = s(0); return str((r) => String(a(r) ?? '').toLowerCase()) }
    case 'toupper': { const a = s(0); return str((r) => String(a(r) ?? '').toUpperCase()) }
    case 'trim': { const a = s(0); return str((r) => String(a(r) ?? '').trim()) }
    case 'concat': { const a = s(0), b = s(1); return str((r) => String(a(r) ?? '') + String(b(r) ?? '')) }
    case 'length': { const a = s(0); return { kind: 'number', get: (r) => String(a(r) ?? '').length } }
  }
  throw badRequest(`Unknown function '${n.fn}'`)
}

const FLIP: Record<string, string> = { eq: 'eq', ne: 'ne', gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' }

function testFor(op: string): (c: number) => boolean {
  switch (op) {
    case 'eq': return (c) => c === 0
    case 'ne': return (c) => c !== 0
    case 'gt': return (c) => c > 0
    case 'ge': return (c) => c >= 0
    case 'lt': return (c) => c < 0
    default: return (c) => c <= 0
  }
}

function compileCmp(entity: EntityInfo, n: Extract<Node, { k: 'cmp' }>): Predicate {
  let l = compileOperand(entity, n.l)
  let r = compileOperand(entity, n.r)
  let op = n.op
  if (l.kind === 'lit' && r.kind !== 'lit') { [l, r] = [r, l]; op = FLIP[op] }
  const test = testFor(op)
  const nullCmp = (v: unknown, c: unknown) => (op === 'eq' ? v === c : op === 'ne' ? v !== c : false)

  if (l.kind === 'prop' && r.kind === 'lit') {
    const el = l.el!
    const c = convertLiteral(el, r.tok!)
    const get = l.get
    if (c === null) return (row) => nullCmp(get(row), null)
    if (el.alpha) {
      const max = el.maxLength ?? 10
      const cs = c as string
      if (op === 'eq') return (row) => { const v = get(row); return v === cs || (v !== null && cmpAlpha(v as string, cs, max) === 0) }
      if (op === 'ne') return (row) => { const v = get(row); return v !== cs && (v === null || cmpAlpha(v as string, cs, max) !== 0) }
      return (row) => { const v = get(row); return v !== null && test(cmpAlpha(v as string, cs, max)) }
    }
    if (op === 'eq') return (row) => get(row) === c
    if (op === 'ne') return (row) => get(row) !== c
    const cv = c as number
    switch (op) {
      case 'gt': return (row) => { const v = get(row) as number | null; return v !== null && v > cv }
      case 'ge': return (row) => { const v = get(row) as number | null; return v !== null && v >= cv }
      case 'lt': return (row) => { const v = get(row) as number | null; return v !== null && v < cv }
      default: return (row) => { const v = get(row) as number | null; return v !== null && v <= cv }
    }
  }
  if (l.kind === 'prop' && r.kind === 'prop') {
    if (l.el!.edmType !== r.el!.edmType && !(isNumeric(l.el!.edmType) && isNumeric(r.el!.edmType))) {
      throw badRequest(`Cannot compare '${l.el!.name}' (${l.el!.edmType}) with '${r.el!.name}' (${r.el!.edmType})`)
    }
    const cmp = comparatorFor(l.el!)
    const lg = l.get, rg = r.get
    return (row) => {
      const a = lg(row), b = rg(row)
      if (a === null || b === null) return nullCmp(a, b)
      return test(cmp(a, b))
    }
  }
  // function results / boolean sub-expressions against literals or each other
  const kindOf = (o: Operand): string => (o.kind === 'lit'
    ? (o.tok!.lt === 'string' ? 'string' : o.tok!.lt === 'bool' ? 'bool' : o.tok!.lt === 'null' ? 'null' : 'number')
    : o.kind === 'prop' ? (o.el!.edmType === 'Edm.String' ? 'string' : o.el!.edmType === 'Edm.Boolean' ? 'bool' : isNumeric(o.el!.edmType) ? 'number' : 'other')
      : o.kind)
  const lk = kindOf(l), rk = kindOf(r)
  if (lk !== rk && rk !== 'null') throw badRequest(`Incompatible operand types at position ${n.pos}: ${lk} ${n.op} ${rk}`)
  const lg = l.get, rg = r.get
  return (row) => {
    const a = lg(row) as number, b = rg(row) as number
    if (a === null || b === null) return nullCmp(a, b)
    return test(a < b ? -1 : a > b ? 1 : 0)
  }
}

function compileBool(entity: EntityInfo, n: Node): Predicate {
  switch (n.k) {
    case 'and': { const a = compileBool(entity, n.l), b = compileBool(entity, n.r); return (r) => a(r) && b(r) }
    case 'or': { const a = compileBool(entity, n.l), b = compileBool(entity, n.r); return (r) => a(r) || b(r) }
    case 'not': { const a = compileBool(entity, n.e); return (r) => !a(r) }
    case 'cmp': return compileCmp(entity, n)
    default: {
      const o = compileOperand(entity, n)
      if (o.kind === 'bool' || (o.kind === 'prop' && o.el!.edmType === 'Edm.Boolean')) { const g = o.get; return (r) => g(r) === true }
      if (o.kind === 'lit' && o.tok!.lt === 'bool') { const v = o.tok!.lv === true; return () => v }
      throw badRequest(`Expression is not boolean: '${n.k === 'prop' ? n.path.join('/') : n.k}'`)
    }
  }
}

const JS_OP: Record<string, string> = { gt: '>', ge: '>=', lt: '<', le: '<=' }

/**
 * Generates the predicate as one JS function (named property access, no per-node closure calls) for
 * the common shape: and/or/not over `Property op literal`. Other comparisons and functions are
 * compiled to closures and called from the generated code.
 */
class FilterCodegen {
  consts: unknown[] = []
  fns: Predicate[] = []
  constructor(private entity: EntityInfo) {}
  c(v: unknown): string { this.consts.push(v); return `c[${this.consts.length - 1}]` }
  f(p: Predicate): string { this.fns.push(p); return `f[${this.fns.length - 1}](r)` }

  bool(n: Node): string {
    switch (n.k) {
      case 'and': return `(${this.bool(n.l)} && ${this.bool(n.r)})`
      case 'or': return `(${this.bool(n.l)} || ${this.bool(n.r)})`
      case 'not': return `!${this.bool(n.e)}`
      case 'cmp': {
        let { l, r } = n
        let op = n.op
        if (l.k === 'lit' && r.k === 'prop') { [l, r] = [r, l]; op = FLIP[op] }
        if (l.k === 'prop' && r.k === 'lit' && l.path.length === 1) return this.propLiteral(element(this.entity, l.path[0], l.pos), op, r.tok)
        return this.f(compileCmp(this.entity, n))
      }
      default: return this.f(compileBool(this.entity, n))
    }
  }

  private propLiteral(el: ElementInfo, op: string, tok: Tok): string {
    const c = convertLiteral(el, tok)
    const get = `((x = r[${JSON.stringify(el.name)}]) === undefined ? ${JSON.stringify(defaultValue(el))} : x)`
    if (c === null) return op === 'eq' ? `(${get} === null)` : op === 'ne' ? `(${get} !== null)` : 'false'
    if (el.alpha) {
      const norm = /^\d+$/.test(c as string) ? (c as string).replace(/^0+(?=\d)/, '') : null
      if (op === 'eq') return `h.aeq(${get}, ${this.c(c)}, ${this.c(norm)})`
      if (op === 'ne') return `!h.aeq(${get}, ${this.c(c)}, ${this.c(norm)})`
      return `((x = ${get}) !== null && h.acmp(x, ${this.c(c)}, ${el.maxLength ?? 10}) ${JS_OP[op]} 0)`
    }
    if (op === 'eq') return `(${get} === ${this.c(c)})`
    if (op === 'ne') return `(${get} !== ${this.c(c)})`
    return `((x = ${get}) !== null && x ${JS_OP[op]} ${this.c(c)})`
  }
}

function isDigitString(s: string): boolean {
  for (let i = 0; i < s.length; i++) { const ch = s.charCodeAt(i); if (ch < 48 || ch > 57) return false }
  return s.length > 0
}

const FILTER_HELPERS = {
  /** ALPHA-aware equality; `norm` is the literal without leading zeros when it is all digits */
  aeq(v: unknown, lit: string, norm: string | null): boolean {
    if (v === lit) return true
    if (v === null || norm === null || typeof v !== 'string') return false
    if (v === norm) return true
    return v.charCodeAt(0) === 48 && isDigitString(v) && v.replace(/^0+(?=\d)/, '') === norm
  },
  acmp: cmpAlpha,
}

/** Parses and compiles a $filter expression for an entity set; throws 400 on syntax/unknown properties. */
export function compileFilter(entity: EntityInfo, filter: string): Predicate {
  const ast = new Parser(tokenize(filter), filter).parse()
  const gen = new FilterCodegen(entity)
  const expr = gen.bool(ast)
  return new Function('c', 'h', 'f', `return function filter(r) { var x; return ${expr} }`)(gen.consts, FILTER_HELPERS, gen.fns) as Predicate
}

// ------------------------------------------------------------------------------------------ $orderby

export interface OrderItem { el: ElementInfo; desc: boolean }

export function parseOrderBy(entity: EntityInfo, orderby: string): OrderItem[] {
  return orderby.split(',').map((part) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/.exec(part)
    if (!m) throw badRequest(`Invalid $orderby expression '${part}'`)
    return { el: element(entity, m[1]), desc: m[2] === 'desc' }
  })
}

export type Comparator = (a: Row, b: Row) => number

/** Comparator for the given order, tie-broken by the key so that paging is stable. */
export function compileComparator(entity: EntityInfo, order: OrderItem[]): Comparator {
  const items = [...order]
  for (const k of entity.keys) if (!items.some((o) => o.el === k)) items.push({ el: k, desc: false })
  const parts = items.map(({ el, desc }) => {
    const cmp = comparatorFor(el)
    const name = el.name
    return desc ? (a: Row, b: Row) => cmp(b[name], a[name]) : (a: Row, b: Row) => cmp(a[name], b[name])
  })
  if (parts.length === 1) return parts[0]
  if (parts.length === 2) { const [p0, p1] = parts; return (a, b) => p0(a, b) || p1(a, b) }
  return (a, b) => {
    for (let i = 0; i < parts.length; i++) { const c = parts[i](a, b); if (c) return c }
    return 0
  }
}

// ------------------------------------------------------------------------------------------ $select / $expand

export interface NavProjection { nav: NavInfo; expand?: Projection }
export interface Projection { entity: EntityInfo; props: ElementInfo[]; navs: NavProjection[]; signature: string }

const splitList = (s: string | null | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : [])

export function parseProjection(entity: EntityInfo, select: string | null, expand: string | null): Projection {
  const sel = select === null || select === undefined || select.trim() === '' ? null : splitList(select).map((p) => p.split('/'))
  const exp = splitList(expand).map((p) => p.split('/'))
  return build(entity, sel, exp)
}

function build(entity: EntityInfo, sel: string[][] | null, exp: string[][]): Projection {
  const expTree = new Map<string, string[][]>()
  for (const p of exp) {
    const nav = entity.navs.get(p[0])
    if (!nav) throw badRequest(`Navigation property '${p[0]}' not found in type '${entity.typeName}'`, '/IWBEP/CM_MGW_RT/021')
    const list = expTree.get(p[0]) ?? []
    if (p.length > 1) list.push(p.slice(1))
    expTree.set(p[0], list)
  }
  let props: ElementInfo[]
  const navSel = new Map<string, string[][] | null>()
  if (!sel || sel.some((p) => p.length === 1 && p[0] === '*')) {
    props = entity.props
    for (const n of entity.navs.keys()) navSel.set(n, null)
  } else {
    const picked = new Set<string>()
    for (const p of sel) {
      if (p.length === 1 && entity.elements.has(p[0])) { picked.add(p[0]); continue }
      const nav = entity.navs.get(p[0])
      if (!nav) throw badRequest(`Property '${p[0]}' not found in type '${entity.typeName}'`, '/IWBEP/CM_MGW_RT/021')
      if (p.length === 1) { navSel.set(p[0], null); continue }
      if (!expTree.has(p[0])) throw badRequest(`$select path '${p.join('/')}' requires '${p[0]}' in $expand`)
      const cur = navSel.get(p[0])
      if (cur === null) continue
      navSel.set(p[0], [...(cur ?? []), p.slice(1)])
    }
    props = entity.props.filter((e) => picked.has(e.name))
  }
  const navs: NavProjection[] = []
  for (const [name, nav] of entity.navs) {
    if (!navSel.has(name)) continue
    const sub = navSel.get(name) ?? null
    navs.push(expTree.has(name) ? { nav, expand: build(nav.target, sub, expTree.get(name)!) } : { nav })
  }
  const signature = props.map((p) => p.name).join(',') + '|' + navs.map((n) => n.nav.name + (n.expand ? `(${n.expand.signature})` : '')).join(',')
  return { entity, props, navs, signature }
}

// ------------------------------------------------------------------------------------------ keys, parameters

/** Parses the inside of a key predicate: `'1'` or `SalesOrder='1',SalesOrderItem='10'`. */
export function parseKeyPredicate(entity: EntityInfo, text: string): Row {
  const toks = tokenize(text)
  const key: Row = {}
  if (toks.length === 1 && toks[0].t === 'lit') {
    if (entity.keys.length !== 1) throw badRequest(`Key predicate '${text}' does not specify all key properties of '${entity.name}'`, '/IWBEP/CM_MGW_RT/024')
    key[entity.keys[0].name] = convertLiteral(entity.keys[0], toks[0])
    return key
  }
  let i = 0
  while (i < toks.length) {
    const name = toks[i], eq = toks[i + 1], lit = toks[i + 2]
    if (!name || name.t !== 'id' || !eq || eq.v !== '=' || !lit || lit.t !== 'lit') throw badRequest(`Invalid key predicate '${text}'`, '/IWBEP/CM_MGW_RT/024')
    const el = entity.keys.find((k) => k.name === name.v)
    if (!el) throw badRequest(`'${name.v}' is not a key property of '${entity.name}'`, '/IWBEP/CM_MGW_RT/024')
    key[el.name] = convertLiteral(el, lit)
    i += 3
    if (i < toks.length) { if (toks[i].v !== ',') throw badRequest(`Invalid key predicate '${text}'`, '/IWBEP/CM_MGW_RT/024'); i++ }
  }
  for (const k of entity.keys) if (!(k.name in key)) throw badRequest(`Key property '${k.name}' missing in '${text}'`, '/IWBEP/CM_MGW_RT/024')
  return key
}

/** Parses a function import parameter value given as URI literal (`'90000001'`). */
export function parseParameter(el: ElementInfo, text: string): unknown {
  const toks = tokenize(text)
  if (toks.length !== 1 || toks[0].t !== 'lit') throw badRequest(`Invalid value for parameter '${el.name}': ${text}`)
  return convertLiteral(el, toks[0])
}

export function parseNonNegative(name: string, v: string | null): number | undefined {
  if (v === null) return undefined
  if (!/^\d+$/.test(v)) throw badRequest(`Invalid value '${v}' for system query option ${name}`, '/IWBEP/CM_MGW_RT/004')
  return Number(v)
}
