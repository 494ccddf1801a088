// Outgoing mail against a real SMTP server on loopback (test/smtp-server.ts): what arrives is parsed back with
// mailparser, so the tests see what a customer's mail client would: subject, text, HTML, attachments, and the
// server's refusals as MailErrors.
import cds from '@sap/cds'
import { expect } from 'chai'
import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import { format } from 'node:util'
import type { AddressObject, ParsedMail } from 'mailparser'
import { closeMailer, disputeResolvedMail, invoiceMail, MailError, sendMail, surveyInvitationMail, type MailSettings, type OutgoingMail } from '../srv/mail'
import { redact } from '../srv/logging'
import { startSmtpServer, type TestSmtpServer } from './smtp-server'

const CUSTOMER = 'billing@customer.example'
const UNKNOWN = 'nobody@customer.example'
const LINK = 'http://localhost:4004/respond/invoice?token=abc.def&lang=x'

const invoice = {
  number: '90000001',
  date: '2026-11-22',
  dueDate: '2026-12-22',
  currency: 'EUR',
  netAmount: '1000.50',
  taxAmount: 190.1,
  grossAmount: '1190.60',
  items: [
    { description: 'Consulting', quantity: '8.000', unit: 'H', netAmount: '800.00' },
    { description: 'Travel expenses', quantity: 1, unit: 'PC', netAmount: 200.5 },
  ],
}

/** What a customer's mail client shows as the recipient's display name. */
const toName = (mail: ParsedMail) => (mail.to as AddressObject).value[0].name

describe('mail', () => {
  let server: TestSmtpServer
  const original = cds.env.requires.mail as MailSettings | undefined
  const configure = (settings: Partial<MailSettings> = {}) => {
    cds.env.requires.mail = {
      smtp: { host: '127.0.0.1', port: server.port, secure: false },
      from: 'Accounts Receivable <ar@example.com>',
      publicUrl: 'http://localhost:4004',
      ...settings,
    } satisfies MailSettings
  }

  /** Sends and returns the message as the server received it. */
  async function deliver(mail: OutgoingMail): Promise<ParsedMail> {
    const { messageId } = await sendMail(mail)
    const received = server.messages.find(m => m.messageId === messageId)
    expect(received, `message ${messageId} on the server`).to.not.equal(undefined)
    return received!
  }

  /** A port on which nothing listens. */
  async function closedPort(): Promise<number> {
    const probe = createServer().listen(0, '127.0.0.1')
    await once(probe, 'listening')
    const { port } = probe.address() as AddressInfo
    await new Promise(resolve => probe.close(resolve))
    return port
  }

  before(async () => {
    server = await startSmtpServer({ rejectRecipients: /^nobody@/ })
  })
  beforeEach(() => configure())
  after(async () => {
    closeMailer()
    await server.close()
    // An undefined entry in cds.requires breaks later deployments: restore by deleting it.
    if (original) cds.env.requires.mail = original
    else delete cds.env.requires.mail
  })

  describe('invoice mail in the customer\'s language', () => {
    const cases = [
      { language: 'EN', subject: 'Your invoice 90000001', gross: '€1,190.60', item: '€800.00', date: '22 Nov 2026', due: '22 Dec 2026', action: 'Confirm or query this invoice' },
      { language: 'DE', subject: 'Ihre Rechnung 90000001', gross: '1.190,60\u00a0€', item: '800,00\u00a0€', date: '22.11.2026', due: '22.12.2026', action: 'Rechnung bestätigen oder Rückfrage stellen' },
      { language: 'ZH', subject: '您的发票 90000001', gross: '€1,190.60', item: '€800.00', date: '2026年11月22日', due: '2026年12月22日', action: '确认或咨询此发票' },
    ]
    for (const c of cases)
      it(`${c.language}: subject, amounts, dates and the link`, async () => {
        const mail = await deliver({ to: CUSTOMER, ...invoiceMail({ language: c.language, customerName: 'ACME Ltd', invoice, link: LINK }) })
        expect(mail.subject).to.equal(c.subject)
        for (const part of [mail.text!, mail.html as string]) {
          expect(part).to.include(c.gross)
          expect(part).to.include(c.item)
          expect(part).to.include(c.date)
          expect(part).to.include(c.due)
          expect(part).to.include(c.action)
        }
        expect(mail.text).to.include(LINK)
        expect(mail.html).to.include(`href="${LINK.replace('&', '&amp;')}"`)
        expect(mail.html).to.match(new RegExp(`<html lang="${c.language === 'EN' ? 'en-GB' : c.language === 'DE' ? 'de-DE' : 'zh-CN'}">`))
      })

    it('falls back to English for a language without texts', async () => {
      for (const language of ['FR', '', null]) {
        const mail = await deliver({ to: CUSTOMER, ...invoiceMail({ language, customerName: 'Société Exemple', invoice, link: LINK }) })
        expect(mail.subject).to.equal('Your invoice 90000001')
        expect(mail.text).to.include('€1,190.60').and.include('Confirm or query this invoice')
      }
    })

    it('carries the PDF attachment', async () => {
      const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 7), Buffer.from('\n%%EOF\n')])
      const mail = await deliver({
        to: CUSTOMER,
        ...invoiceMail({ language: 'DE', customerName: 'ACME GmbH', invoice, link: LINK }),
        attachments: [{ filename: 'invoice-90000001.pdf', content: pdf }],
      })
      expect(mail.attachments).to.have.length(1)
      const [attachment] = mail.attachments
      expect(attachment.filename).to.equal('invoice-90000001.pdf')
      expect(attachment.contentType).to.equal('application/pdf')
      expect(attachment.content.subarray(0, 5).toString()).to.equal('%PDF-')
      expect(attachment.content.equals(pdf)).to.equal(true)
    })

    it('escapes a hostile customer name in the HTML, and keeps it intact in the text and the To header', async () => {
      const name = '<script>alert("x")</script> & \'Partners\' <Ltd>'
      const mail = await deliver({
        to: { name, address: CUSTOMER },
        ...invoiceMail({ language: 'EN', customerName: name, invoice: { ...invoice, items: [{ ...invoice.items[0], description: '<b>bold</b>' }] }, link: LINK }),
      })
      expect(mail.html).not.to.include('<script>')
      expect(mail.html).not.to.include('<b>bold')
      expect(mail.html).to.include('Dear &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Partners&#39; &lt;Ltd&gt;,')
      expect(mail.html).to.include('&lt;b&gt;bold&lt;/b&gt;')
      expect(mail.text).to.include(`Dear ${name},`)
      expect(toName(mail)).to.equal(name)
    })

    it('refuses a link that is not http(s)', () => {
      expect(() => invoiceMail({ language: 'EN', customerName: 'ACME', invoice, link: 'javascript:alert(1)' })).to.throw(/http\(s\) URL/)
    })
  })

  describe('dispute and survey mails', () => {
    it('an accepted dispute announces a credit note, in the customer\'s language', () => {
      const en = disputeResolvedMail({ language: 'EN', customerName: 'ACME', invoiceNumber: '90000001', outcome: 'accepted', explanation: '' })
      expect(en.subject).to.equal('Your query about invoice 90000001')
      expect(en.text).to.include('A credit note will follow')
      const de = disputeResolvedMail({ language: 'DE', customerName: 'ACME', invoiceNumber: '90000001', outcome: 'accepted', explanation: 'Menge korrigiert.' })
      expect(de.text).to.include('Gutschrift').and.include('Menge korrigiert.')
    })

    it('a rejected dispute gives the explanation, escaped and with its line breaks', () => {
      const mail = disputeResolvedMail({
        language: 'ZH',
        customerName: 'ACME',
        invoiceNumber: '90000001',
        outcome: 'rejected',
        explanation: 'Delivered on 3 Nov <signed>.\nSee the proof of delivery.',
      })
      expect(mail.subject).to.equal('关于发票 90000001 的异议')
      expect(mail.text).to.include('我们无法接受').and.include('Delivered on 3 Nov <signed>.\nSee the proof of delivery.')
      expect(mail.html).to.include('Delivered on 3 Nov &lt;signed&gt;.<br>See the proof of delivery.')
      expect(() =>
        disputeResolvedMail({ language: 'EN', customerName: 'ACME', invoiceNumber: '90000001', outcome: 'rejected', explanation: ' ' })
      ).to.throw(/needs an explanation/)
    })

    it('writes a label and its value as the language does', () => {
      const mail = invoiceMail({ language: 'ZH', customerName: 'ACME', invoice, link: LINK })
      expect(mail.text).to.include('发票号码：90000001').and.include('总额：€1,190.60')
    })

    it('a survey invitation asks one question with the link', async () => {
      const mail = await deliver({ to: CUSTOMER, ...surveyInvitationMail({ language: 'DE', customerName: '', invoiceNumber: '90000001', link: LINK }) })
      expect(mail.subject).to.equal('Wie zufrieden waren Sie? Eine Frage zur Rechnung 90000001')
      expect(mail.text).to.include('Sehr geehrte Damen und Herren,').and.include(LINK)
      expect(mail.html).to.include('Frage beantworten')
    })
  })

  describe('delivery', () => {
    it('logs the message id and the reference, not the recipient', async () => {
      const log = cds.log('mail') as unknown as { info: (...args: unknown[]) => void }
      const info = log.info
      const lines: string[] = []
      log.info = (...args) => void lines.push(format(...args))
      try {
        const { messageId } = await sendMail({ to: { name: 'Jane Doe', address: CUSTOMER }, subject: 's', text: 't', html: '<p>t</p>', reference: '90000001' })
        expect(lines).to.have.length(1)
        // As the log's mask leaves it: the Message-ID's unique part is still there.
        const line = redact(lines[0])
        expect(line).to.include(messageId.slice(1, messageId.indexOf('@'))).and.include('90000001')
        expect(lines[0]).not.to.include('Jane').and.not.include('@customer.example')
      } finally {
        log.info = info
      }
    })

    it('an unknown mailbox (550) is a permanent MailError: the mail bounced', async () => {
      const error = await sendMail({ to: UNKNOWN, subject: 's', text: 't', html: 't' }).then(() => undefined, (e: unknown) => e)
      expect(error).to.be.instanceOf(MailError)
      expect(error).to.include({ permanent: true, smtpCode: 550 })
      expect((error as MailError).message).to.match(/bounced: 550 5\.1\.1 mailbox unavailable/)
      expect((error as MailError).message).not.to.include(UNKNOWN)
    })

    it('a mail to a known and an unknown recipient goes out, and says who was refused', async () => {
      const before = server.messages.length
      const sent = await sendMail({ to: [CUSTOMER, UNKNOWN], subject: 'partly', text: 't', html: 't' })
      expect(sent.rejected).to.deep.equal([UNKNOWN])
      expect(server.messages).to.have.length(before + 1)
    })

    it('a 4xx reply is a transient MailError; the next attempt goes through', async () => {
      server.failNext(1)
      const error = await sendMail({ to: CUSTOMER, subject: 'busy', text: 't', html: 't' }).then(() => undefined, (e: unknown) => e)
      expect(error).to.be.instanceOf(MailError)
      expect(error).to.include({ permanent: false, smtpCode: 451 })
      expect((error as MailError).message).to.match(/deferred.*451/)
      const mail = await deliver({ to: CUSTOMER, subject: 'busy', text: 't', html: 't' })
      expect(mail.subject).to.equal('busy')
    })

    it('an SMTP server that is not there is a transient MailError without SMTP code', async () => {
      configure({ smtp: { host: '127.0.0.1', port: await closedPort(), secure: false } })
      const error = await sendMail({ to: CUSTOMER, subject: 's', text: 't', html: 't' }).then(() => undefined, (e: unknown) => e)
      expect(error).to.be.instanceOf(MailError)
      expect(error).to.include({ permanent: false, smtpCode: undefined })
      expect((error as MailError).message).to.match(/unreachable.*ECONNREFUSED/)
    })

    it('credentials of a bound service win over the smtp settings, login included', async () => {
      configure({
        smtp: { host: '127.0.0.1', port: await closedPort(), secure: false },
        credentials: { host: '127.0.0.1', port: String(server.port), user: 'smtp-user', password: 'secret' },
      })
      const mail = await deliver({ to: CUSTOMER, subject: 'bound', text: 't', html: 't' })
      expect(mail.subject).to.equal('bound')
      expect(server.logins).to.include('smtp-user')
    })

    it('without cds.requires.mail the error says what is missing', async () => {
      delete cds.env.requires.mail
      const error = await sendMail({ to: CUSTOMER, subject: 's', text: 't', html: 't' }).then(() => undefined, (e: unknown) => e)
      expect(error).to.be.instanceOf(MailError).and.include({ permanent: false, code: 'ECONFIG' })
      expect((error as MailError).message).to.include('cds.requires.mail')
    })
  })
})
