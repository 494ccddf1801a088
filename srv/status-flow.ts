import type cds from '@sap/cds'

/**
 * The step a bound action takes in its entity's status flow, as the model declares it with `@flow.status`, `@from`
 * and `@to` (e.g. srv/receivables/flows.cds): the statuses it starts from and the one it leads to. CAP checks the
 * `@from` before the action and sets the `@to` after it; the domain code guards its own update with the same step,
 * so that the declaration stays the one transition table.
 */
export function declaredStep<Status extends string>(entity: cds.entity, action: string): { from: Status[]; to?: Status } {
  // Annotations are untyped in cds-types' linked definitions.
  const definition = entity.actions?.[action] as unknown as Record<string, unknown> | undefined
  if (!definition?.['@from'] && !definition?.['@to']) throw new Error(`${entity.name}.${action} is no step of a status flow`)
  const status = Object.values(entity.elements).find(element => element['@flow.status']) as { enum?: Record<string, { val?: string }> } | undefined
  const value = (symbol: unknown) => {
    const name = (symbol as { '#': string })['#']
    return (status?.enum?.[name]?.val ?? name) as Status
  }
  const from = [definition['@from'] ?? []].flat().map(value)
  return definition['@to'] ? { from, to: value(definition['@to']) } : { from }
}
