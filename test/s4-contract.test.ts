// Contract test: our hand-written CDS subsets in srv/external/ must agree with SAP's published
// OData V2 $metadata (../shared/s4-specs/*.edmx) for every entity, property, navigation and function we declare.
import fs from 'node:fs'
import path from 'node:path'
import cds from '@sap/cds'
import { expect } from 'chai'

const SPECS = path.join(__dirname, '../../shared/s4-specs')
const EXTERNAL = path.join(__dirname, '../srv/external')
const APIS = ['API_BUSINESS_PARTNER', 'API_SALES_ORDER_SRV', 'API_BILLING_DOCUMENT_SRV', 'API_OPLACCTGDOCITEMCUBE_SRV', 'API_CV_ATTACHMENT_SRV']

// CDS type -> Edm type, following the conventions in srv/external (Date <-> Edm.DateTime with sap:display-format="Date").
const EDM_OF_CDS: Record<string, string> = {
  'cds.String': 'Edm.String', 'cds.LargeString': 'Edm.String', 'cds.Date': 'Edm.DateTime', 'cds.DateTime': 'Edm.DateTime',
  'cds.Timestamp': 'Edm.DateTimeOffset', 'cds.Time': 'Edm.Time', 'cds.Decimal': 'Edm.Decimal', 'cds.Boolean': 'Edm.Boolean',
  'cds.UUID': 'Edm.Guid', 'cds.Integer': 'Edm.Int32', 'cds.Int16': 'Edm.Int16', 'cds.UInt8': 'Edm.Byte', 'cds.LargeBinary': 'Edm.Binary',
}

// ---- minimal XML reader: elements and attributes only (text, comments and processing instructions are skipped)

type Attrs = Record<string, string>
interface XmlNode { tag: string, attrs: Attrs, children: XmlNode[] }

const ENTITIES: Record<string, string> = { quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' }
const decodeEntities = (text: string) => text.replace(/&(quot|apos|lt|gt|amp);/g, (_, entity: string) => ENTITIES[entity])

function parseXml(xml: string): XmlNode {
  const root: XmlNode = { tag: '#document', attrs: {}, children: [] }
  const open = [root]
  const tags = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([\w.-]+:)?([\w.-]+)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>/g
  for (const [, closing, , tag, attrText, selfClosing] of xml.matchAll(tags)) {
    if (!tag) continue // comment or <?xml ...?>
    if (closing) { open.pop(); continue }
    const attrs: Attrs = {}
    for (const [, name, value] of attrText.matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)) attrs[name] = decodeEntities(value)
    const node: XmlNode = { tag, attrs, children: [] }
    open[open.length - 1].children.push(node)
    if (!selfClosing) open.push(node)
  }
  return root
}

const descendants = (node: XmlNode, tag: string): XmlNode[] =>
  node.children.flatMap(c => (c.tag === tag ? [c] : []).concat(descendants(c, tag)))
const childrenNamed = (node: XmlNode, tag: string) => node.children.filter(c => c.tag === tag)
const localName = (qualified: string) => qualified.slice(qualified.lastIndexOf('.') + 1)

// ---- SAP $metadata, indexed by name

interface EdmStructure { keys: string[], properties: Map<string, Attrs>, navigations: Map<string, Attrs> }
interface EdmModel {
  entitySets: Map<string, Attrs>, types: Map<string, EdmStructure>,
  associations: Map<string, Map<string, Attrs>>, // association name -> role -> End attributes
  functionImports: Map<string, { attrs: Attrs, params: Attrs[] }>
}

function readEdmx(api: string): EdmModel {
  const schema = descendants(parseXml(fs.readFileSync(path.join(SPECS, `${api}.edmx`), 'utf8')), 'Schema')
    .find(s => s.attrs.Namespace === api)
  if (!schema) throw new Error(`${api}.edmx has no Schema with Namespace="${api}"`)
  const structures = [...childrenNamed(schema, 'EntityType'), ...childrenNamed(schema, 'ComplexType')]
  const container = childrenNamed(schema, 'EntityContainer')[0]
  return {
    entitySets: new Map(childrenNamed(container, 'EntitySet').map(s => [s.attrs.Name, s.attrs])),
    types: new Map(structures.map(t => [t.attrs.Name, {
      keys: descendants(t, 'PropertyRef').map(r => r.attrs.Name),
      properties: new Map(childrenNamed(t, 'Property').map(p => [p.attrs.Name, p.attrs])),
      navigations: new Map(childrenNamed(t, 'NavigationProperty').map(n => [n.attrs.Name, n.attrs])),
    }])),
    associations: new Map(childrenNamed(schema, 'Association').map(a => [a.attrs.Name, new Map(childrenNamed(a, 'End').map(e => [e.attrs.Role, e.attrs]))])),
    functionImports: new Map(childrenNamed(container, 'FunctionImport').map(f => [f.attrs.Name, { attrs: f.attrs, params: childrenNamed(f, 'Parameter').map(p => p.attrs) }])),
  }
}

// ---- our CDS model (plain compiled CSN)

interface CsnElement { [annotation: `@${string}`]: unknown, type?: string, key?: boolean, notNull?: boolean, length?: number, precision?: number, scale?: number, target?: string, cardinality?: { max?: number | string } }
interface CsnDefinition { [annotation: `@${string}`]: unknown, kind: string, elements?: Record<string, CsnElement>, params?: Record<string, CsnElement>, returns?: CsnElement & { items?: CsnElement } }

const isAssociation = (e: CsnElement) => e.type === 'cds.Association' || e.type === 'cds.Composition'
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v))

/** Differences between one of our elements and SAP's property, as readable messages. */
function propertyProblems(where: string, el: CsnElement, sap: Attrs | undefined): string[] {
  if (!sap) return [`${where}: no such property in SAP's metadata`]
  const problems: string[] = []
  const differs = (what: string, ours: unknown, theirs: unknown) => {
    if (str(ours) !== str(theirs)) problems.push(`${where}: ${what} is ${str(ours) ?? '(none)'} in our CDS but ${str(theirs) ?? '(none)'} in SAP's metadata`)
  }
  differs('@odata.Type', el['@odata.Type'], sap.Type)
  differs(`Edm type implied by CDS type ${el.type}`, EDM_OF_CDS[el.type ?? ''], sap.Type)
  differs('MaxLength', el.length, sap.MaxLength)
  differs('Precision', el['@odata.Precision'] ?? el.precision, sap.Precision)
  differs('Scale', el.scale, sap.Scale)
  differs('Nullable', el.notNull || el.key ? 'false' : 'true', sap.Nullable ?? 'true')
  if (sap.Type === 'Edm.DateTime') {
    differs('sap:display-format', el['@sap.display.format'], sap['sap:display-format'])
    differs('CDS type', el.type, sap['sap:display-format'] === 'Date' ? 'cds.Date' : 'cds.DateTime')
  }
  for (const flag of ['creatable', 'updatable', 'filterable']) differs(`sap:${flag}`, el[`@sap.${flag}`] ?? true, sap[`sap:${flag}`] ?? 'true')
  differs('ConcurrencyMode="Fixed" (@odata.etag)', Boolean(el['@odata.etag']), sap.ConcurrencyMode === 'Fixed')
  return problems
}

function structureProblems(where: string, elements: Record<string, CsnElement>, sap: EdmStructure): string[] {
  return Object.entries(elements).filter(([, el]) => !isAssociation(el))
    .flatMap(([name, el]) => propertyProblems(`${where}.${name}`, el, sap.properties.get(name)))
}

function expectNoProblems(problems: string[]) {
  expect(problems, `S/4HANA contract violations:\n  ${problems.join('\n  ')}\n`).to.deep.equal([])
}

describe('S/4HANA API contract: srv/external/*.cds vs SAP $metadata', () => {
  for (const api of APIS) {
    describe(api, () => {
      let definitions: Record<string, CsnDefinition>
      let edm: EdmModel
      const ours = (kind: string) => Object.entries(definitions)
        .filter(([, d]) => d.kind === kind).map(([name, d]) => [name.slice(api.length + 1), d] as const)

      before(async () => {
        definitions = (await cds.load(path.join(EXTERNAL, `${api}.cds`)) as unknown as { definitions: Record<string, CsnDefinition> }).definitions
        edm = readEdmx(api)
      })

      it(`is one @cds.external service ${api} at /sap/opu/odata/sap/${api}`, () => {
        expect(ours('service'), 'services in the file').to.have.length(1)
        const service = definitions[api]
        expect(service, `service named ${api}`).to.not.equal(undefined)
        expect(service['@cds.external'], '@cds.external').to.equal(true)
        expect(service['@path'], '@path').to.equal(`/sap/opu/odata/sap/${api}`)
        expect(Object.keys(definitions).filter(name => name !== api && !name.startsWith(`${api}.`)), 'definitions outside the service').to.deep.equal([])
      })

      it('entities match SAP entity sets: keys, properties, Edm types and facets, flags, etags, navigations', () => {
        const problems: string[] = []
        expect(ours('entity'), 'entities').to.not.have.length(0)
        for (const [name, entity] of ours('entity')) {
          const set = edm.entitySets.get(name)
          if (!set) { problems.push(`${name}: no entity set of that name in SAP's metadata`); continue }
          const type = edm.types.get(localName(set.EntityType))!
          const elements = entity.elements ?? {}
          if (entity['@cds.persistence.skip'] !== true) problems.push(`${name}: missing @cds.persistence.skip: true`)
          for (const flag of ['creatable', 'updatable', 'deletable']) {
            const [mine, sap] = [String(entity[`@sap.${flag}`] ?? true), set[`sap:${flag}`] ?? 'true']
            if (mine !== sap) problems.push(`${name}: entity set sap:${flag} is ${mine} in our CDS but ${sap} in SAP's metadata`)
          }
          const keys = Object.entries(elements).filter(([, el]) => el.key).map(([key]) => key)
          if (keys.join() !== type.keys.join()) problems.push(`${name}: keys are (${keys}) in our CDS but (${type.keys}) in SAP's metadata`)
          problems.push(...structureProblems(name, elements, type))
          for (const [navName, nav] of Object.entries(elements).filter(([, el]) => isAssociation(el))) {
            const sapNav = type.navigations.get(navName)
            if (!sapNav) { problems.push(`${name}.${navName}: no such navigation property in SAP's metadata`); continue }
            const end = edm.associations.get(localName(sapNav.Relationship))?.get(sapNav.ToRole)
            const target = edm.entitySets.get(localName(nav.target ?? ''))?.EntityType
            if (end?.Type !== target) problems.push(`${name}.${navName}: targets ${nav.target} (SAP type ${target}) in our CDS but ${end?.Type} in SAP's metadata`)
            if ((nav.cardinality?.max === '*') !== (end?.Multiplicity === '*')) problems.push(`${name}.${navName}: cardinality differs (SAP: ${end?.Multiplicity})`)
          }
        }
        expectNoProblems(problems)
      })

      it('functions match SAP function imports: parameters, HTTP method, return (complex) types', () => {
        const problems: string[] = []
        const usedTypes = new Set<string>()
        for (const [name, fn] of [...ours('function'), ...ours('action')]) {
          const sap = edm.functionImports.get(name)
          if (!sap) { problems.push(`${name}: no such function import in SAP's metadata`); continue }
          const method = fn.kind === 'function' ? 'GET' : 'POST'
          if (sap.attrs['m:HttpMethod'] !== method) problems.push(`${name}: is a CDS ${fn.kind} (${method}) but SAP's HttpMethod is ${sap.attrs['m:HttpMethod']}`)
          const params = Object.entries(fn.params ?? {}).map(([param, p]) => `${param}: ${p['@odata.Type'] ?? EDM_OF_CDS[p.type ?? '']}`)
          const sapParams = sap.params.map(p => `${p.Name}: ${p.Type}`)
          if (params.join() !== sapParams.join()) problems.push(`${name}: parameters are (${params}) in our CDS but (${sapParams}) in SAP's metadata`)
          // Our entities carry the entity set's name; SAP's ReturnType names the set's entity type.
          const typeOf = (qualified?: string) => {
            const set = qualified && edm.entitySets.get(localName(qualified))
            return set ? set.EntityType : qualified
          }
          const returns = fn.returns?.items ? `Collection(${typeOf(fn.returns.items.type)})` : typeOf(fn.returns?.type)
          if (returns !== sap.attrs.ReturnType) problems.push(`${name}: returns ${returns} in our CDS but ${sap.attrs.ReturnType} in SAP's metadata`)
          usedTypes.add(localName(returns?.replace(/^Collection\((.*)\)$/, '$1') ?? ''))
        }
        for (const [name, type] of ours('type')) {
          const sap = edm.types.get(name)
          if (!sap || !usedTypes.has(name)) problems.push(`${name}: not a complex type returned by one of our functions in SAP's metadata`)
          else problems.push(...structureProblems(name, type.elements ?? {}, sap))
        }
        expectNoProblems(problems)
      })
    })
  }
})
