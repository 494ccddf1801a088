import cds from '@sap/cds'
import fs from 'node:fs'
import path from 'node:path'

// Who the customer's page speaks for: per company code of the invoice, the company's name, logo and AR contact, and
// the bank account it is paid to (cds.requires.crm.companies, keyed by company code; '*' for every other one). From
// configuration, not from S/4HANA: the APIs in scope carry neither the company's letterhead nor its house bank.
// Nothing configured: the page shows the neutral brand and no bank details, as before.

export interface CompanySettings {
  name?: string
  /** An SVG or PNG file, relative to the project root; served at /respond/logos/<company code>. */
  logo?: string
  contact?: { email?: string; phone?: string }
  bank?: { accountHolder?: string; bankName?: string; iban?: string; bic?: string }
}

const LOGO_TYPES: Record<string, string> = { '.svg': 'image/svg+xml', '.png': 'image/png' }

function settingsOf(companyCode: string | null | undefined): CompanySettings | undefined {
  const companies = (cds.env.requires as unknown as { crm?: { companies?: Record<string, CompanySettings> } }).crm?.companies ?? {}
  return (companyCode ? companies[companyCode] : undefined) ?? companies['*']
}

/** The company's logo file and its media type, if one is configured and there. */
export function logoOf(companyCode: string): { file: string; type: string } | undefined {
  const logo = settingsOf(companyCode)?.logo
  const type = logo && LOGO_TYPES[path.extname(logo).toLowerCase()]
  if (!logo || !type) return undefined
  const file = path.resolve(cds.root, logo)
  return fs.existsSync(file) ? { file, type } : undefined
}

/** What the page shows of the company: its name, logo and AR contact. */
export function companyIdentity(companyCode: string | null | undefined) {
  const settings = settingsOf(companyCode)
  if (!settings) return null
  return {
    name: settings.name ?? null,
    logoUrl: companyCode && logoOf(companyCode) ? `logos/${encodeURIComponent(companyCode)}` : null,
    contactEmail: settings.contact?.email ?? null,
    contactPhone: settings.contact?.phone ?? null,
  }
}

/** Where the customer pays the invoice: the company's bank account, and the invoice number as the payment reference. */
export function paymentDetails(companyCode: string | null | undefined, invoiceNumber: string) {
  const settings = settingsOf(companyCode)
  const bank = settings?.bank
  if (!bank?.iban) return null
  return {
    accountHolder: bank.accountHolder ?? settings?.name ?? null,
    bankName: bank.bankName ?? null,
    iban: bank.iban.replace(/\s+/g, ''),
    bic: bank.bic ?? null,
    reference: invoiceNumber,
  }
}
