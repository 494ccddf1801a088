// The set-up of the crash tests' app processes (test/*-crash-app.ts): the app's model deployed into an SQLite file
// that the real server later starts on, with S/4HANA at the given URL.
import cds from '@sap/cds'
import { s4Settings } from '../srv/sync/s4-destination'

export async function deployIntoSqliteFile(s4Url: string, file: string): Promise<void> {
  s4Settings().url = s4Url
  cds.env.requires.db = { ...cds.env.requires.db, kind: 'sqlite', credentials: { url: file } }
  const csn = await cds.load('*')
  cds.model = cds.compile.for.nodejs(csn)
  const db = await cds.connect.to('db')
  // cds.deploy is missing from @cap-js/cds-types.
  const { deploy } = cds as unknown as { deploy: (model: unknown) => { to: (db: unknown) => Promise<unknown> } }
  await deploy(csn).to(db)
}
