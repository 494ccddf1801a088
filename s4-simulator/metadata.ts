/**
 * Compact OData V2 $metadata (EDMX 1.0) generated from the model: entity types with keys, properties
 * and sap:* flags, ConcurrencyMode for ETag properties, associations, navigation properties, complex
 * types, entity container with entity sets, association sets and function imports.
 */
import type { ElementInfo, ServiceInfo } from './model'

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function property(el: ElementInfo, etag: boolean): string {
  let a = `<Property Name="${el.name}" Type="${el.edmType}"`
  if (!el.nullable) a += ' Nullable="false"'
  if (el.maxLength !== undefined && (el.edmType === 'Edm.String' || el.edmType === 'Edm.Binary')) a += ` MaxLength="${el.maxLength}"`
  if (el.precision !== undefined && el.edmType !== 'Edm.String') a += ` Precision="${el.precision}"`
  if (el.scale !== undefined && el.edmType === 'Edm.Decimal') a += ` Scale="${el.scale}"`
  if (etag) a += ' ConcurrencyMode="Fixed"'
  if (el.displayFormat) a += ` sap:display-format="${esc(el.displayFormat)}"`
  if (el.label) a += ` sap:label="${esc(el.label)}"`
  if (!el.creatable) a += ' sap:creatable="false"'
  if (!el.updatable) a += ' sap:updatable="false"'
  if (!el.sortable) a += ' sap:sortable="false"'
  if (!el.filterable) a += ' sap:filterable="false"'
  return a + '/>'
}

export function buildMetadata(service: ServiceInfo): string {
  const ns = service.name
  const types: string[] = []
  const assocs: string[] = []
  const assocSets: string[] = []
  const sets: string[] = []
  for (const e of service.entities.values()) {
    const setFlags = `${e.creatable ? '' : ' sap:creatable="false"'}${e.updatable ? '' : ' sap:updatable="false"'}${e.deletable ? '' : ' sap:deletable="false"'}`
    let t = `<EntityType Name="${e.name}Type"${e.label ? ` sap:label="${esc(e.label)}"` : ''} sap:content-version="1">`
    t += `<Key>${e.keys.map((k) => `<PropertyRef Name="${k.name}"/>`).join('')}</Key>`
    for (const p of e.props) t += property(p, p === e.etag)
    for (const nav of e.navs.values()) {
      if (nav.target.service !== service) continue
      const an = `assoc_${e.name}_${nav.name}`
      const from = `FromRole_${an}`, to = `ToRole_${an}`
      t += `<NavigationProperty Name="${nav.name}" Relationship="${ns}.${an}" FromRole="${from}" ToRole="${to}"/>`
      let a = `<Association Name="${an}" sap:content-version="1">`
      a += `<End Type="${ns}.${e.name}Type" Multiplicity="1" Role="${from}"/>`
      a += `<End Type="${ns}.${nav.target.name}Type" Multiplicity="${nav.many ? '*' : '0..1'}" Role="${to}"/>`
      if (nav.mapping.length && nav.mapping.every(([s]) => e.keys.some((k) => k.name === s))) {
        a += `<ReferentialConstraint><Principal Role="${from}">${nav.mapping.map(([s]) => `<PropertyRef Name="${s}"/>`).join('')}</Principal>`
        a += `<Dependent Role="${to}">${nav.mapping.map(([, d]) => `<PropertyRef Name="${d}"/>`).join('')}</Dependent></ReferentialConstraint>`
      }
      assocs.push(a + '</Association>')
      assocSets.push(`<AssociationSet Name="${an}Set" Association="${ns}.${an}" sap:creatable="false" sap:updatable="false" sap:deletable="false" sap:content-version="1">`
        + `<End EntitySet="${e.name}" Role="${from}"/><End EntitySet="${nav.target.name}" Role="${to}"/></AssociationSet>`)
    }
    types.push(t + '</EntityType>')
    sets.push(`<EntitySet Name="${e.name}" EntityType="${ns}.${e.name}Type"${setFlags} sap:content-version="1"/>`)
  }
  for (const c of service.complexTypes.values()) {
    types.push(`<ComplexType Name="${c.name}">${c.props.map((p) => property(p, false)).join('')}</ComplexType>`)
  }
  const fns: string[] = []
  for (const f of service.functions.values()) {
    let rt = ''
    if (f.returns) {
      const tn = f.returns.kind === 'complex' ? f.returns.type.qualified : f.returns.kind === 'entity' ? `${ns}.${f.returns.type.name}Type` : f.returns.type.edmType
      rt = ` ReturnType="${f.returns.many ? `Collection(${tn})` : tn}"`
      if (f.returns.kind === 'entity') rt += ` EntitySet="${f.returns.type.name}"`
    }
    let x = `<FunctionImport Name="${f.name}"${rt} m:HttpMethod="${f.httpMethod}"${f.boundTo ? ` sap:action-for="${ns}.${f.boundTo.name}Type"` : ''}>`
    for (const p of f.params) x += `<Parameter Name="${p.name}" Type="${p.edmType}" Mode="In"${p.maxLength !== undefined ? ` MaxLength="${p.maxLength}"` : ''}/>`
    fns.push(x + '</FunctionImport>')
  }
  return '<?xml version="1.0" encoding="utf-8"?>'
    + '<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" xmlns:sap="http://www.sap.com/Protocols/SAPData">'
    + '<edmx:DataServices m:DataServiceVersion="2.0">'
    + `<Schema Namespace="${ns}" xml:lang="en" sap:schema-version="1" xmlns="http://schemas.microsoft.com/ado/2008/09/edm">`
    + types.join('') + assocs.join('')
    + `<EntityContainer Name="${ns}_Entities" m:IsDefaultEntityContainer="true" sap:message-scope-supported="true" sap:supported-formats="atom json xlsx">`
    + sets.join('') + assocSets.join('') + fns.join('')
    + '</EntityContainer>'
    + `<atom:link rel="self" href="${service.path}/$metadata" xmlns:atom="http://www.w3.org/2005/Atom"/>`
    + '</Schema></edmx:DataServices></edmx:Edmx>'
}
