/**
 * Reads the CDS definitions of the external S/4HANA APIs (the app's srv/external/*.cds, the single source of
 * truth) and derives everything the simulator needs: entity sets, keys, Edm types, write flags,
 * ETag elements, navigation properties with their key mappings, function imports and complex types.
 * Nothing in here knows a particular entity: it is all read from the CSN.
 */
import path from 'node:path'
import cds from '@sap/cds'

export type EdmType =
  | 'Edm.String' | 'Edm.Guid' | 'Edm.Binary'
  | 'Edm.DateTime' | 'Edm.DateTimeOffset' | 'Edm.Time'
  | 'Edm.Decimal' | 'Edm.Double' | 'Edm.Single' | 'Edm.Int64' | 'Edm.Int32' | 'Edm.Int16' | 'Edm.Byte' | 'Edm.SByte'
  | 'Edm.Boolean'

export interface ElementInfo {
  name: string
  edmType: EdmType
  maxLength?: number
  precision?: number
  scale?: number
  isKey: boolean
  nullable: boolean
  creatable: boolean
  updatable: boolean
  filterable: boolean
  sortable: boolean
  label?: string
  displayFormat?: string
  /** digit-only values compare like SAP's ALPHA-converted (zero-padded) internal values */
  alpha: boolean
}

export interface NavInfo {
  name: string
  source: EntityInfo
  targetName: string
  target: EntityInfo
  many: boolean
  composition: boolean
  /** pairs [source element, target element] that must be equal */
  mapping: Array<[string, string]>
}

export interface EntityInfo {
  /** entity set name, e.g. A_SalesOrder */
  name: string
  /** CSN name, e.g. API_SALES_ORDER_SRV.A_SalesOrder */
  qualified: string
  /** OData V2 entity type name, e.g. API_SALES_ORDER_SRV.A_SalesOrderType */
  typeName: string
  service: ServiceInfo
  keys: ElementInfo[]
  /** data properties in CSN order */
  props: ElementInfo[]
  elements: Map<string, ElementInfo>
  navs: Map<string, NavInfo>
  creatable: boolean
  updatable: boolean
  deletable: boolean
  label?: string
  etag?: ElementInfo
  /** change stamps maintained on writes, when the entity has them */
  stamps: { dateTimeOffset?: ElementInfo; date?: ElementInfo; time?: ElementInfo; creationDate?: ElementInfo; creationTime?: ElementInfo }
}

export interface ComplexTypeInfo { name: string; qualified: string; props: ElementInfo[] }

export interface FunctionInfo {
  name: string
  qualified: string
  httpMethod: 'GET' | 'POST'
  params: ElementInfo[]
  /** entity set the function is bound to (cds import style `actions { function … }`) */
  boundTo?: EntityInfo
  returns?: { kind: 'complex'; type: ComplexTypeInfo; many: boolean } | { kind: 'entity'; type: EntityInfo; many: boolean } | { kind: 'primitive'; type: ElementInfo; many: boolean }
}

export interface ServiceInfo {
  name: string
  path: string
  entities: Map<string, EntityInfo>
  functions: Map<string, FunctionInfo>
  complexTypes: Map<string, ComplexTypeInfo>
}

export interface ApiModel {
  services: ServiceInfo[]
  /** entity sets by plain name (A_SalesOrder) and by qualified name */
  entitySets: Map<string, EntityInfo>
  warnings: string[]
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Csn = { definitions: Record<string, any> }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CsnElement = Record<string, any>

export const DEFAULT_CDS_FILES = [
  'API_BUSINESS_PARTNER.cds',
  'API_SALES_ORDER_SRV.cds',
  'API_BILLING_DOCUMENT_SRV.cds',
  'API_OPLACCTGDOCITEMCUBE_SRV.cds',
  'API_CV_ATTACHMENT_SRV.cds',
].map((f) => path.resolve(__dirname, '../srv/external', f))

/** Compiles the CDS files synchronously (so that createSimulator can stay synchronous). */
export function loadCsn(files: string[] = DEFAULT_CDS_FILES): Csn {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const compile = (cds as any).compile as (m: string[], o: object) => Csn
  return compile(files, { sync: true, flavor: 'inferred' })
}

const CDS_TO_EDM: Record<string, EdmType> = {
  'cds.String': 'Edm.String',
  'cds.LargeString': 'Edm.String',
  'cds.UUID': 'Edm.Guid',
  'cds.Binary': 'Edm.Binary',
  'cds.LargeBinary': 'Edm.Binary',
  'cds.Date': 'Edm.DateTime',
  'cds.Time': 'Edm.Time',
  'cds.DateTime': 'Edm.DateTimeOffset',
  'cds.Timestamp': 'Edm.DateTimeOffset',
  'cds.Decimal': 'Edm.Decimal',
  'cds.DecimalFloat': 'Edm.Decimal',
  'cds.Double': 'Edm.Double',
  'cds.Integer': 'Edm.Int32',
  'cds.Int32': 'Edm.Int32',
  'cds.Int16': 'Edm.Int16',
  'cds.UInt8': 'Edm.Byte',
  'cds.Integer64': 'Edm.Int64',
  'cds.Int64': 'Edm.Int64',
  'cds.Boolean': 'Edm.Boolean',
}

/** SAP annotations come as booleans (hand-written CDS) or as strings 'false' (cds import). */
function flag(v: unknown, dflt = true): boolean {
  if (v === undefined || v === null) return dflt
  return !(v === false || v === 'false')
}

function resolveType(csn: Csn, el: CsnElement): CsnElement {
  let t = el
  for (let i = 0; i < 10 && t.type && !String(t.type).startsWith('cds.'); i++) {
    const d = csn.definitions[t.type]
    if (!d) break
    t = { ...d, ...t, type: d.type }
  }
  return t
}

function elementInfo(csn: Csn, name: string, raw: CsnElement, isKey: boolean): ElementInfo {
  const el = resolveType(csn, raw)
  const edmType = (raw['@odata.Type'] as EdmType) || CDS_TO_EDM[el.type] || 'Edm.String'
  const maxLength = el.length ?? undefined
  const info: ElementInfo = {
    name,
    edmType,
    maxLength,
    precision: raw['@odata.Precision'] ?? el.precision,
    scale: el.scale ?? (edmType === 'Edm.Decimal' && el.precision !== undefined ? 0 : undefined),
    isKey,
    nullable: !(isKey || el.notNull),
    creatable: flag(raw['@sap.creatable']),
    updatable: flag(raw['@sap.updatable']),
    filterable: flag(raw['@sap.filterable']),
    sortable: flag(raw['@sap.sortable']),
    label: raw['@sap.label'] ?? raw['@title'],
    displayFormat: raw['@sap.display.format'],
    alpha: edmType === 'Edm.String' && maxLength !== undefined && maxLength <= 12,
  }
  return info
}

function isAssoc(el: CsnElement): boolean {
  return el.type === 'cds.Association' || el.type === 'cds.Composition' || !!el.target
}

/** Builds the simulator's model from a CSN containing one or more `@cds.external` services. */
export function buildModel(csn: Csn): ApiModel {
  const warnings: string[] = []
  const services: ServiceInfo[] = []
  const entitySets = new Map<string, EntityInfo>()
  const byQualified = new Map<string, EntityInfo>()
  const rawAssocs: Array<{ entity: EntityInfo; name: string; el: CsnElement }> = []
  const defs = csn.definitions

  for (const [svcName, svc] of Object.entries(defs)) {
    if (svc.kind !== 'service') continue
    const service: ServiceInfo = {
      name: svcName,
      path: (svc['@path'] as string) || `/sap/opu/odata/sap/${svcName}`,
      entities: new Map(),
      functions: new Map(),
      complexTypes: new Map(),
    }
    services.push(service)
    const prefix = svcName + '.'
    for (const [qn, def] of Object.entries(defs)) {
      if (!qn.startsWith(prefix) || qn.slice(prefix.length).includes('.')) continue
      const local = qn.slice(prefix.length)
      if (def.kind === 'entity') {
        const entity: EntityInfo = {
          name: local,
          qualified: qn,
          typeName: `${svcName}.${local}Type`,
          service,
          keys: [],
          props: [],
          elements: new Map(),
          navs: new Map(),
          creatable: flag(def['@sap.creatable']) && !def['@readonly'],
          updatable: flag(def['@sap.updatable']) && !def['@readonly'],
          deletable: flag(def['@sap.deletable']) && !def['@readonly'],
          label: def['@sap.label'] ?? def['@title'],
          stamps: {},
        }
        for (const [en, el] of Object.entries(def.elements as Record<string, CsnElement>)) {
          if (isAssoc(el)) { rawAssocs.push({ entity, name: en, el }); continue }
          if (el.elements) { warnings.push(`${qn}.${en}: structured elements are not supported`); continue }
          const info = elementInfo(csn, en, el, !!el.key)
          entity.props.push(info)
          entity.elements.set(en, info)
          if (info.isKey) entity.keys.push(info)
          if (el['@odata.etag']) entity.etag = info
        }
        if (typeof def['@odata.etag'] === 'string') entity.etag = entity.elements.get(def['@odata.etag'])
        const st = entity.stamps
        const typed = (n: string, t: EdmType) => { const e = entity.elements.get(n); return e && e.edmType === t ? e : undefined }
        st.dateTimeOffset = typed('LastChangeDateTime', 'Edm.DateTimeOffset')
        st.date = typed('LastChangeDate', 'Edm.DateTime')
        st.time = typed('LastChangeTime', 'Edm.Time')
        st.creationDate = typed('CreationDate', 'Edm.DateTime')
        st.creationTime = typed('CreationTime', 'Edm.Time')
        service.entities.set(local, entity)
        byQualified.set(qn, entity)
        if (entitySets.has(local)) warnings.push(`entity set name ${local} exists in two services; use the qualified name`)
        else entitySets.set(local, entity)
        entitySets.set(qn, entity)
      } else if (def.kind === 'type' && def.elements) {
        service.complexTypes.set(local, {
          name: local,
          qualified: qn,
          props: Object.entries(def.elements as Record<string, CsnElement>).map(([n, e]) => elementInfo(csn, n, e, false)),
        })
      }
    }
  }

  // navigation properties (needs all entities first)
  for (const { entity, name, el } of rawAssocs) {
    const target = byQualified.get(el.target)
    if (!target) { warnings.push(`${entity.qualified}.${name}: target ${el.target} is not an entity of an external service`); continue }
    const max = el.cardinality?.max
    const nav: NavInfo = {
      name,
      source: entity,
      targetName: el.target,
      target,
      many: max === '*' || (typeof max === 'number' && max > 1),
      composition: el.type === 'cds.Composition',
      mapping: [],
    }
    entity.navs.set(name, nav)
  }
  for (const { entity, name, el } of rawAssocs) {
    const nav = entity.navs.get(name)
    if (!nav) continue
    nav.mapping = navMapping(entity, nav, el, defs)
    if (!nav.mapping.length) warnings.push(`${entity.qualified}.${name}: could not derive the key mapping`)
  }

  // functions / actions: unbound in the service, or bound to an entity (cds import style)
  for (const service of services) {
    const prefix = service.name + '.'
    const register = (local: string, def: CsnElement, boundTo?: EntityInfo) => {
      const params: ElementInfo[] = []
      if (boundTo) params.push(...boundTo.keys.map((k) => ({ ...k, isKey: false })))
      for (const [pn, p] of Object.entries((def.params ?? {}) as Record<string, CsnElement>)) {
        if (!params.some((x) => x.name === pn)) params.push(elementInfo(csn, pn, p, false))
      }
      const fn: FunctionInfo = {
        name: local,
        qualified: prefix + local,
        httpMethod: def['@sap.http.method'] ?? (def.kind === 'action' ? 'POST' : 'GET'),
        params,
        boundTo,
      }
      const ret = def.returns
      if (ret) {
        const many = !!ret.items
        const t = (ret.items ?? ret).type as string
        const ct = t && service.complexTypes.get(t.startsWith(prefix) ? t.slice(prefix.length) : t)
        const et = t && byQualified.get(t)
        if (ct) fn.returns = { kind: 'complex', type: ct, many }
        else if (et) fn.returns = { kind: 'entity', type: et, many }
        else if (t) fn.returns = { kind: 'primitive', type: elementInfo(csn, local, ret.items ?? ret, false), many }
      }
      service.functions.set(local, fn)
    }
    for (const [qn, def] of Object.entries(defs)) {
      if (!qn.startsWith(prefix) || qn.slice(prefix.length).includes('.')) continue
      if (def.kind === 'function' || def.kind === 'action') register(qn.slice(prefix.length), def)
    }
    for (const entity of service.entities.values()) {
      const def = defs[entity.qualified]
      for (const [an, a] of Object.entries((def.actions ?? {}) as Record<string, CsnElement>)) register(an, a, entity)
    }
  }
  return { services, entitySets, warnings }
}

/** Derives [sourceElement, targetElement] pairs from an on-condition, managed keys or (fallback) key names. */
function navMapping(entity: EntityInfo, nav: NavInfo, el: CsnElement, defs: Csn['definitions']): Array<[string, string]> {
  const out: Array<[string, string]> = []
  if (Array.isArray(el.on)) {
    const flat: unknown[] = []
    const flatten = (xs: unknown[]) => { for (const x of xs) { const o = x as CsnElement; if (o && typeof o === 'object' && Array.isArray(o.xpr)) flatten(o.xpr); else flat.push(x) } }
    flatten(el.on)
    for (let i = 0; i + 2 < flat.length; i++) {
      if (flat[i + 1] !== '=') continue
      const a = (flat[i] as CsnElement)?.ref as string[] | undefined
      const b = (flat[i + 2] as CsnElement)?.ref as string[] | undefined
      if (!a || !b) continue
      const side = (r: string[]) => (r[0] === nav.name ? { target: r.slice(1) } : { source: r[0] === '$self' ? r.slice(1) : r })
      const sa = side(a), sb = side(b)
      const tgt = (sa as { target?: string[] }).target ?? (sb as { target?: string[] }).target
      const src = (sa as { source?: string[] }).source ?? (sb as { source?: string[] }).source
      if (!tgt || !src) continue
      if (src.length === 0 && tgt.length === 1) {
        // backlink: on to_X.to_Parent = $self → reverse of the target's association
        const back = defs[nav.target.qualified]?.elements?.[tgt[0]]
        if (back) for (const [s, t] of navMapping(nav.target, { ...nav, name: tgt[0], target: entity }, back, defs)) out.push([t, s])
      } else if (tgt.length === 1 && src.length === 1) out.push([src[0], tgt[0]])
    }
    return out
  }
  if (Array.isArray(el.keys) && el.keys.length) {
    for (const k of el.keys) {
      const tk = k.ref?.join('_')
      const fk = `${nav.name}_${tk}`
      if (entity.elements.has(fk)) out.push([fk, tk])
      else if (entity.elements.has(tk)) out.push([tk, tk])
    }
    if (out.length) return out
  }
  // fallback (cds import without on-conditions): target keys that the source has as elements
  for (const k of nav.target.keys) if (entity.elements.has(k.name)) out.push([k.name, k.name])
  return out
}
