// The PDFs the app writes (srv/documents/pdf.ts over pdfkit): the statement of account and the write-back receipt,
// read back as a PDF reader would (test/pdf-text.ts), so that the tests see the text a customer sees, in Chinese and
// German too. No database, no server.
import { expect } from 'chai'
import crypto from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { renderStatementPdf, type StatementPdfInput, type StatementPdfLine } from '../srv/statements/statement-pdf'
import { attachment, type AttachmentPayload } from '../srv/writeback/targets/attachment'
import { S4Client, type RequestOptions, type S4Response } from '../srv/s4/client'
import { pdfPages, pdfText } from './pdf-text'

const CUSTOMER = '上海华信贸易有限公司'
const TYPES = ['RV', 'DZ', 'DG', 'AB', 'DA', 'G2']

/** The period's lines: 1400000100, 1400000101, …; every sixth a payment (a credit), the others debits. */
function lines(count: number): StatementPdfLine[] {
  return Array.from({ length: count }, (_, i) => ({
    postingDate: `2026-01-${String((i % 28) + 1).padStart(2, '0')}`,
    documentDate: null,
    documentType: TYPES[i % TYPES.length],
    accountingDocument: String(1400000100 + i),
    billingDocument: i % 2 ? null : String(90000100 + i),
    purchaseOrder: i % 3 ? `Größe ${i}` : null,
    netDueDate: '2026-03-02',
    amount: TYPES[i % TYPES.length] === 'DZ' ? `-${1000 + i}.25` : `${2000 + i}.5`,
  }))
}

function statement(overrides: Partial<StatementPdfInput> = {}): StatementPdfInput {
  return {
    language: 'DE',
    company: { code: '1010', name: 'Müller & Söhne Maschinenbau GmbH' },
    customer: { id: '10100001', name: CUSTOMER },
    currency: 'EUR',
    periodStart: '2026-01-01',
    periodEnd: '2026-01-31',
    statementDate: '2026-02-02',
    openingBalance: '15234.5',
    closingBalance: '123456.78',
    lines: lines(12),
    openItems: [
      { accountingDocument: '1300000001', billingDocument: '90000001', netDueDate: '2025-12-15', daysOverdue: 47, amount: '1234.5' },
      { accountingDocument: '1300000002', billingDocument: null, netDueDate: '2026-03-15', daysOverdue: 0, amount: '122222.28' },
    ],
    aging: [
      { bucket: 0, amount: '122222.28' },
      { bucket: 2, amount: '1234.5' },
    ],
    ...overrides,
  }
}

const sha256 = (pdf: Buffer) => crypto.createHash('sha256').update(pdf).digest('hex')

describe('PDF documents', () => {
  describe('the statement of account', () => {
    it('renders a German statement to a Chinese customer over several pages, the table header on each', async () => {
      const input = statement({ lines: lines(120) })
      const pages = await pdfPages(await renderStatementPdf(input))
      const text = pages.join(' ')

      expect(pages.length).to.be.at.least(3)
      expect(text).to.contain(`Kunde ${CUSTOMER} Kundennummer 10100001`)
      expect(text).to.contain('Müller & Söhne Maschinenbau GmbH Buchungskreis 1010 Kontoauszug')
      expect(text).to.contain('Zeitraum 01.01.2026 – 31.01.2026 Währung EUR Datum 02.02.2026')
      expect(text).to.contain('Anfangssaldo am 01.01.2026 15.234,50 €')
      expect(text).to.contain('Endsaldo am 31.01.2026 123.456,78 €')
      // A line as its row reads: date, document, invoice, type in words, the order with its umlaut, due date, debit.
      expect(text).to.contain('08.01.2026 1400000107 Zahlung Größe 7 02.03.2026 1.007,25 €')
      expect(text).to.contain('03.01.2026 1400000102 90000102 Gutschrift Größe 2 02.03.2026 2.002,50 €')
      expect(text).not.to.contain('-1.007,25')

      const header = 'Buchungsdatum Beleg Rechnung Belegart Ihre Bestellung Fälligkeit Soll Haben'
      const withLines = pages.filter(page => /14000001\d\d/.test(page))
      expect(withLines.length).to.be.at.least(3)
      for (const page of withLines) expect(page).to.contain(header)
      // No line lost or doubled at a page break.
      for (const line of input.lines) expect(text.split(line.accountingDocument).length - 1, line.accountingDocument).to.equal(1)
      pages.forEach((page, i) => expect(page).to.match(new RegExp(`Kontoauszug 10100001 · 01\\.01\\.2026 – 31\\.01\\.2026 ${i + 1} / ${pages.length}$`)))

      expect(text).to.contain('Offene Posten am 31.01.2026 Beleg Rechnung Fälligkeit Tage überfällig Betrag')
      expect(text).to.contain('1300000001 90000001 15.12.2025 47 1.234,50 €')
      expect(text).to.contain('1300000002 15.03.2026 nicht fällig 122.222,28 €')
      expect(text).to.contain('Nicht fällig 1–30 Tage 31–60 Tage 61–90 Tage Über 90 Tage 122.222,28 € 0,00 € 1.234,50 € 0,00 € 0,00 €')
    })

    it('writes Chinese: the wording, the dates and the customer', async () => {
      const text = await pdfText(await renderStatementPdf(statement({ language: 'ZH', company: { code: '1310', name: '华信集团' } })))
      expect(text).to.contain('华信集团 公司代码 1310 对账单')
      expect(text).to.contain(`客户 ${CUSTOMER}`)
      expect(text).to.contain('期末余额（2026年1月31日） €123,456.78')
      expect(text).to.contain('过账日期 凭证 发票 类型 贵司订单号 到期日 借方 贷方')
      expect(text).to.contain('2026年1月1日 1400000100 90000100 发票 2026年3月2日 €2,000.50')
    })

    it('names common FI document types in words and shows any other by its code', async () => {
      const text = await pdfText(await renderStatementPdf(statement({ language: 'EN', lines: lines(6) })))
      expect(text).to.contain('1400000100 90000100 Invoice')
      expect(text).to.contain('1400000101 Payment')
      expect(text).to.contain('1400000102 90000102 Credit memo')
      expect(text).to.contain('1400000103 Clearing')
      expect(text).to.contain('1400000104 90000104 DA')
      expect(text).to.contain('1400000105 Credit memo')
    })

    it('carries the confirmation note only when the customer confirmed the balance', async () => {
      const confirmed = await pdfText(await renderStatementPdf(statement({ confirmation: { confirmedAt: '2026-02-03T09:15:00Z', confirmedBy: 'Anna Schmidt' } })))
      expect(confirmed).to.contain('Sie haben diesen Saldo am 03.02.2026 bestätigt (bestätigt von Anna Schmidt). Vielen Dank.')
      const unconfirmed = await pdfText(await renderStatementPdf(statement()))
      expect(unconfirmed).not.to.contain('bestätigt')
      expect(unconfirmed).not.to.contain('Anna Schmidt')
    })

    it('says so when nothing was posted in the period and nothing is open', async () => {
      const text = await pdfText(await renderStatementPdf(statement({ language: 'EN', lines: [], openItems: [], aging: [], openingBalance: 0, closingBalance: 0 })))
      expect(text).to.contain('Items posted in the period No items were posted in this period. Closing balance on 31 Jan 2026 €0.00')
      expect(text).to.contain('Open items on 31 Jan 2026 No items are open.')
      expect(text).not.to.contain('Posting date')
    })

    it('gives the same bytes for the same statement, other bytes for another balance', async () => {
      const first = await renderStatementPdf(statement())
      // pdfkit would date the document now (and derive its file ID from that) unless told the statement's date.
      await sleep(20)
      const second = await renderStatementPdf(statement())
      expect(second.equals(first)).to.equal(true)
      expect(sha256(second)).to.equal(sha256(first))
      expect(first.toString('latin1')).to.contain('(D:20260202000000Z)')

      const other = await renderStatementPdf(statement({ closingBalance: '123456.79' }))
      expect(other.equals(first)).to.equal(false)
      expect(sha256(other)).not.to.equal(sha256(first))
    })
  })

  describe('the write-back receipt', () => {
    /** Stands in for S/4HANA: no attachment yet, and every write recorded. */
    class RecordingS4 extends S4Client {
      readonly writes: { url: string; options: RequestOptions }[] = []
      constructor() {
        super({ url: 'http://s4.invalid' }, { timeoutMs: 1000, retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 } })
      }
      override async read(): Promise<S4Response> {
        return { status: 200, data: { d: { results: [] } }, headers: {} }
      }
      override async write(_method: 'post' | 'patch' | 'delete', url: string, options: RequestOptions = {}): Promise<S4Response> {
        this.writes.push({ url, options })
        return { status: 201, data: {}, headers: {} }
      }
    }

    it('is a PDF with the title, the lines, the link to the record and the marker', async () => {
      const s4 = new RecordingS4()
      const ID = '3f8e2a5c-1b7d-4e9f-a2c6-5d4b3a291807'
      const payload: AttachmentPayload = {
        objectType: 'BUS2032',
        objectKey: '0000000001',
        mode: 'pdf',
        description: 'Confirmation of invoice 90000001 2026-02-03',
        url: "http://localhost:4004/launchpad/index.html#Invoice-manage&/Invoices('90000001')",
        lines: ['Invoice 90000001 confirmed by the customer (web)', `Bestätigt für ${CUSTOMER} (Größe 7)`],
      }
      await attachment.deliver({ ID, payload }, s4)

      expect(s4.writes).to.have.length(1)
      const body = s4.writes[0].options.body as Buffer
      expect(body.subarray(0, 5).toString()).to.equal('%PDF-')
      const text = await pdfText(body)
      expect(text).to.equal(
        'Confirmation of invoice 90000001 2026-02-03 Invoice 90000001 confirmed by the customer (web) ' +
          `Bestätigt für ${CUSTOMER} (Größe 7) ${payload.url} [crm:${ID}] 1 / 1`
      )
    })
  })
})
