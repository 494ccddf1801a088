import { FlexObjects } from '#cds-models/invoicecrm/personalization'

// Each finance user's UI5 flexibility objects (db/personalization.cds), always those of the signed-in user: the
// user comes from the request, never from what the browser sends.

/** A saved view is a few kB; the bounds keep one user from filling the database (and the first stays below the
 * server's limit of a request body, 100 kB, so that the user is told why). */
export const MAX_FLEX_OBJECT_CHARS = 50_000
export const MAX_FLEX_OBJECTS = 1000

export class PersonalizationError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly args: unknown[] = []
  ) {
    super(message)
  }
}

export async function flexObjectsOf(user: string): Promise<{ id: string; content: string }[]> {
  return (await SELECT.from(FlexObjects).columns('id', 'content').where({ user }).orderBy('id')) as { id: string; content: string }[]
}

export async function saveFlexObject(user: string, id: string, content: string): Promise<void> {
  if (content.length > MAX_FLEX_OBJECT_CHARS) throw new PersonalizationError(413, 'FLEX_OBJECT_TOO_LARGE', [MAX_FLEX_OBJECT_CHARS])
  if (!isJsonObject(content)) throw new PersonalizationError(400, 'FLEX_OBJECT_NOT_JSON')
  const exists = await SELECT.one.from(FlexObjects).columns('id').where({ user, id })
  if (!exists) {
    const { n } = (await SELECT.one.from(FlexObjects).columns('count(1) as n').where({ user })) as unknown as { n: number }
    if (n >= MAX_FLEX_OBJECTS) throw new PersonalizationError(409, 'FLEX_OBJECTS_EXHAUSTED', [MAX_FLEX_OBJECTS])
  }
  await UPSERT.into(FlexObjects).entries({ user, id, content })
}

export async function removeFlexObject(user: string, id: string): Promise<void> {
  await DELETE.from(FlexObjects).where({ user, id })
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
  } catch {
    return false
  }
}
