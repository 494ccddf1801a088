import cds from '@sap/cds'
import { Channels, ContactOutcomes, DispatchStatuses, DisputeOutcomes, DisputeReasons, DisputeStatuses } from '#cds-models/invoicecrm/codes'

// A timeline entry is stored as a message key and its parameters (srv/crm/timeline.ts) and turned into a sentence
// when it is read, in the reader's language: the same entry reads "Disputed: Wrong Quantity (Phone)" to a clerk in
// English, "Bestritten: Falsche Menge (Telefon)" in German. The sentences are in _i18n/messages*.properties.

/** The sentences of the timeline: the keys of _i18n/messages.properties. */
export type TimelineMessage =
  | 'TIMELINE_MAIL_SENT' | 'TIMELINE_MAIL_SENT_WITH_PDF' | 'TIMELINE_MAIL_FAILED' | 'TIMELINE_MAIL_FAILED_RETRY'
  | 'TIMELINE_NO_EMAIL' | 'TIMELINE_ADDRESS_FOUND' | 'TIMELINE_RESEND' | 'TIMELINE_RESEND_NEVER_SENT'
  | 'TIMELINE_LINK_OPENED' | 'TIMELINE_LINKS_REVOKED'
  | 'TIMELINE_CONFIRMED' | 'TIMELINE_DISPUTED' | 'TIMELINE_DISPUTED_WITHDRAWS' | 'TIMELINE_CONTACT_PROPOSED'
  | 'TIMELINE_DISPUTE_STATUS' | 'TIMELINE_COMMENT' | 'TIMELINE_INTERNAL_COMMENT' | 'TIMELINE_ESCALATED'
  | 'TIMELINE_RESOLUTION_TOLD' | 'TIMELINE_SURVEY_SENT' | 'TIMELINE_SURVEY_SCHEDULED' | 'TIMELINE_SURVEY_ANSWERED'
  | 'TIMELINE_SURVEY_ANSWERED_NPS' | 'TIMELINE_FOLLOW_UP'
  | 'TIMELINE_REMINDER_SENT' | 'TIMELINE_PROMISED' | 'TIMELINE_PROMISED_AMOUNT' | 'TIMELINE_PROMISE_KEPT' | 'TIMELINE_PROMISE_BROKEN'
  | 'TIMELINE_PAYMENT_REPORTED' | 'TIMELINE_PAYMENT_NOT_RECEIVED' | 'TIMELINE_CONTACT' | 'TIMELINE_CONTACT_NOTE'
  | 'TIMELINE_DUNNING_BLOCK_PROPOSED' | 'TIMELINE_DUNNING_BLOCK_APPROVED' | 'TIMELINE_DUNNING_BLOCK_REJECTED' | 'TIMELINE_DUNNING_BLOCK_LIFTED'
  | 'TIMELINE_STATEMENT_CONFIRMED' | 'TIMELINE_STATEMENT_DISAGREED'

export type TimelineParams = Record<string, string | number | null | undefined>

type CodeList = typeof Channels | typeof ContactOutcomes | typeof DispatchStatuses | typeof DisputeOutcomes | typeof DisputeReasons | typeof DisputeStatuses

/** How a parameter is rendered, by its name; any other parameter is free text or a number, shown as it is. */
const PARAMETERS: Record<string, { codes: CodeList } | { messages: string } | 'date' | 'timestamp'> = {
  channel: { codes: Channels },
  confirmedChannel: { codes: Channels },
  reason: { codes: DisputeReasons },
  from: { codes: DisputeStatuses },
  to: { codes: DisputeStatuses },
  outcome: { codes: DisputeOutcomes },
  result: { codes: ContactOutcomes },
  was: { codes: DispatchStatuses },
  trigger: { messages: 'SURVEY_TRIGGER_' },
  why: { messages: 'LINK_REVOCATION_' },
  confirmedAt: 'date',
  date: 'date',
  scheduledAt: 'timestamp',
}

/** What an entry's text is rendered from. */
export const TIMELINE_TEXT_SOURCES = ['message', 'params'] as const

export interface RenderedEntry {
  message?: string | null
  params?: string | null
  text?: string | null
}

/** Sets the text of each entry that has a message to its sentence in the locale, the request's (code names are read
 * in its transaction); an entry without a message keeps its text. */
export async function renderTimelineTexts(entries: RenderedEntry[], locale: string): Promise<void> {
  const rendered = entries.filter(entry => entry.message)
  if (!rendered.length) return
  const values = rendered.map(entry => (entry.params ? (JSON.parse(entry.params) as TimelineParams) : {}))
  const names = await codeNames(values)
  const language = locale.replace('_', '-')
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' })
  // In UTC, which the sentences say (Intl refuses dateStyle with a time zone name).
  const timestamp = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
  rendered.forEach((entry, i) => {
    const args: Record<string, string> = {}
    for (const [name, value] of Object.entries(values[i])) {
      const kind = PARAMETERS[name]
      if (value === null || value === undefined) args[name] = ''
      else if (kind === 'date') args[name] = date.format(new Date(String(value)))
      else if (kind === 'timestamp') args[name] = timestamp.format(new Date(String(value)))
      else if (kind && 'messages' in kind) args[name] = cds.i18n.messages.at(kind.messages + String(value), locale) ?? String(value)
      else if (kind && 'codes' in kind) args[name] = names.get(kind.codes)?.get(String(value)) ?? String(value)
      else args[name] = String(value)
    }
    entry.text = cds.i18n.messages.at(entry.message!, locale, args) ?? entry.message!
  })
}

/** The names of the codes the parameters hold, in the locale: one read per code list that any of them needs. */
async function codeNames(values: TimelineParams[]): Promise<Map<CodeList, Map<string, string>>> {
  const wanted = new Map<CodeList, Set<string>>()
  for (const params of values)
    for (const [name, value] of Object.entries(params)) {
      const kind = PARAMETERS[name]
      if (kind && typeof kind === 'object' && 'codes' in kind && value !== null && value !== undefined)
        wanted.set(kind.codes, (wanted.get(kind.codes) ?? new Set()).add(String(value)))
    }
  const names = new Map<CodeList, Map<string, string>>()
  for (const [list, codes] of wanted) {
    // In the reader's transaction, whose locale the localized texts follow.
    const rows = (await SELECT.localized.from(list).columns('code', 'name').where({ code: { in: [...codes] } })) as { code: string; name: string }[]
    names.set(list, new Map(rows.map(row => [row.code, row.name])))
  }
  return names
}
