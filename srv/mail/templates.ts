import type { DisputeOutcome } from '#cds-models/invoicecrm/crm'
import type { ReminderTone } from '#cds-models/invoicecrm/collections'
import { renderMail, type Block, type RenderedMail } from './layout'
import { localeFormat, mailLanguage, type Amount, type CalendarDate, type LocaleFormat, type MailLanguage } from './locale'

// The mails to customers, in their correspondence language. All wording lives in TEXTS, one table per language
// with the same keys (the compiler checks that no language misses one); the functions below only choose and
// arrange the texts, and layout.ts renders them. Sentences that embed values are functions, because word order
// differs between the languages. German sentences after the greeting start in lower case, as German letters do.

interface Texts {
  /** Between a label and its value in the plain text: Chinese uses the full-width colon. */
  colon: string
  greeting(customerName: string): string
  closing: string
  /** The link to the customer's account page, beside a mail's own link. */
  account: { text: string; label: string }
  invoice: {
    subject(number: string): string
    intro(number: string, date: string): string
    due(grossAmount: string, dueDate: string): string
    /** FI cleared the invoice before the mail went out: nothing to pay. */
    paid: string
    overdue(openAmount: string, dueDate: string, days: number): string
    number: string
    date: string
    dueDate: string
    netAmount: string
    taxAmount: string
    grossAmount: string
    item: string
    quantity: string
    itemAmount: string
    action: string
    actionNote: string
    questions: string
  }
  disputeResolved: {
    subject(invoiceNumber: string): string
    accepted(invoiceNumber: string): string
    rejected(invoiceNumber: string): string
    acceptedClosing: string
    rejectedClosing: string
  }
  surveyInvitation: {
    subject(invoiceNumber: string): string
    intro(invoiceNumber: string): string
    question: string
    action: string
    actionNote: string
  }
  reminder: {
    /** Per tone: the subject (one invoice's number, or how many) and the opening paragraph. */
    subject: Record<ReminderTone, (numbers: string[]) => string>
    intro: Record<ReminderTone, (count: number) => string>
    /** Before the due date nothing is overdue: the friendly notice of a coming due date. */
    notice: { subject(numbers: string[]): string; intro(count: number): string }
    number: string
    dueDate: string
    amount: string
    daysOverdue: string
    notDueYet: string
    /** The link of one invoice: view it, promise a date, report a payment or query it. */
    action(number: string): string
    actionNote: string
    paidNote: string
  }
  statement: {
    subject(month: string): string
    /** A statement unanswered after some days: the same mail once more, with this subject and opening. */
    reminderSubject(month: string): string
    intro(month: string): string
    reminderIntro(month: string): string
    period: string
    currency: string
    openingBalance: string
    closingBalance: string
    attached: string
    action: string
    actionNote: string
  }
}

const TEXTS: Record<MailLanguage, Texts> = {
  EN: {
    colon: ': ',
    greeting: name => (name ? `Dear ${name},` : 'Dear customer,'),
    closing: 'Kind regards\nAccounts Receivable',
    account: {
      text: 'All your invoices, statements and orders with us are on your account page, where you can also answer about each invoice. This link is for you only as well.',
      label: 'Your account',
    },
    invoice: {
      subject: number => `Your invoice ${number}`,
      intro: (number, date) => `Thank you for your order. Please find below a summary of invoice ${number} dated ${date}.`,
      due: (gross, dueDate) => `The total of ${gross} is due for payment by ${dueDate}.`,
      paid: 'Our records show that this invoice has already been paid. Thank you very much; there is nothing more for you to do.',
      overdue: (open, dueDate, days) =>
        `The amount of ${open} was due for payment on ${dueDate} and is ${days === 1 ? '1 day' : `${days} days`} overdue. ` +
        'Please arrange payment promptly; if you have paid in the meantime, please disregard this note.',
      number: 'Invoice number',
      date: 'Invoice date',
      dueDate: 'Due date',
      netAmount: 'Net amount',
      taxAmount: 'Tax',
      grossAmount: 'Total',
      item: 'Item',
      quantity: 'Quantity',
      itemAmount: 'Net amount',
      action: 'Confirm or query this invoice',
      actionNote:
        'With this link you can confirm the invoice, or tell us if anything is not right, without logging in. ' +
        'It is valid for this invoice only, so please do not forward this e-mail.',
      questions: 'If you have any questions, simply reply to this e-mail.',
    },
    disputeResolved: {
      subject: number => `Your query about invoice ${number}`,
      accepted: number => `We have reviewed your query about invoice ${number} and agree with you. A credit note will follow shortly.`,
      rejected: number =>
        `We have carefully reviewed your query about invoice ${number}. Unfortunately we cannot accept it, for the following reason:`,
      acceptedClosing: 'Thank you for letting us know, and please excuse the inconvenience.',
      rejectedClosing: 'The invoice therefore remains due as issued. If you have further questions, simply reply to this e-mail.',
    },
    surveyInvitation: {
      subject: number => `How did we do? One question about invoice ${number}`,
      intro: number => `You recently dealt with us about invoice ${number}. We would like to know how we did.`,
      question: 'How satisfied are you with the way we handled this invoice?',
      action: 'Answer the question',
      actionNote: 'It takes less than a minute. The link is valid for this invoice only.',
    },
    reminder: {
      subject: {
        friendly: numbers => (numbers.length === 1 ? `Payment reminder: invoice ${numbers[0]}` : `Payment reminder: ${numbers.length} invoices`),
        firm: numbers => (numbers.length === 1 ? `Second reminder: invoice ${numbers[0]} is overdue` : `Second reminder: ${numbers.length} invoices are overdue`),
        final: numbers => (numbers.length === 1 ? `Final notice: invoice ${numbers[0]}` : `Final notice: ${numbers.length} overdue invoices`),
      },
      intro: {
        friendly: count => `our records show ${count === 1 ? 'the following invoice' : 'the following invoices'} still open past the due date. Perhaps this has simply been overlooked.`,
        firm: count => `despite our earlier reminder, ${count === 1 ? 'the following invoice remains' : 'the following invoices remain'} unpaid. Please settle the amounts below without further delay.`,
        final: count => `this is our final notice: ${count === 1 ? 'the following invoice is' : 'the following invoices are'} still unpaid. If we do not receive payment or hear from you within 7 days, we will have to take further steps.`,
      },
      notice: {
        subject: numbers => (numbers.length === 1 ? `Coming due: invoice ${numbers[0]}` : `Coming due: ${numbers.length} invoices`),
        intro: count => `a friendly note that ${count === 1 ? 'the following invoice falls' : 'the following invoices fall'} due soon.`,
      },
      number: 'Invoice',
      dueDate: 'Due date',
      amount: 'Amount due',
      daysOverdue: 'Days overdue',
      notDueYet: 'not yet due',
      action: number => `Invoice ${number}: promise a payment date, tell us you have paid, or query it`,
      actionNote: 'Each link is valid for its invoice only, without logging in; please do not forward this e-mail.',
      paidNote: 'If you have paid in the meantime, thank you, and please disregard this reminder.',
    },
    statement: {
      subject: month => `Statement of account for ${month}`,
      reminderSubject: month => `Reminder: please confirm your balance for ${month}`,
      intro: month => `please find attached your statement of account for ${month}. We kindly ask you to check it against your books and confirm the closing balance.`,
      reminderIntro: month => `we have not yet received your answer to our statement of account for ${month}. We would be grateful if you could confirm the closing balance, or tell us what differs.`,
      period: 'Period',
      currency: 'Currency',
      openingBalance: 'Opening balance',
      closingBalance: 'Closing balance',
      attached: 'The statement with every item of the period and the items still open is attached as a PDF.',
      action: 'Confirm the balance or tell us what differs',
      actionNote: 'The link is valid for this statement only, without logging in; please do not forward this e-mail.',
    },
  },
  DE: {
    colon: ': ',
    greeting: name => (name ? `Guten Tag ${name},` : 'Sehr geehrte Damen und Herren,'),
    closing: 'Mit freundlichen Grüßen\nIhre Debitorenbuchhaltung',
    account: {
      text: 'Alle Ihre Rechnungen, Kontoauszüge und Aufträge bei uns finden Sie auf Ihrer Kontoseite, wo Sie sich auch zu jeder Rechnung äußern können. Auch dieser Link ist nur für Sie bestimmt.',
      label: 'Ihr Kundenkonto',
    },
    invoice: {
      subject: number => `Ihre Rechnung ${number}`,
      intro: (number, date) => `vielen Dank für Ihren Auftrag. Nachfolgend finden Sie die Übersicht zur Rechnung ${number} vom ${date}.`,
      due: (gross, dueDate) => `Der Gesamtbetrag von ${gross} ist zahlbar bis zum ${dueDate}.`,
      paid: 'Laut unseren Unterlagen ist diese Rechnung bereits bezahlt. Vielen Dank; Sie müssen nichts weiter tun.',
      overdue: (open, dueDate, days) =>
        `Der Betrag von ${open} war am ${dueDate} fällig und ist seit ${days === 1 ? '1 Tag' : `${days} Tagen`} überfällig. ` +
        'Bitte begleichen Sie ihn umgehend; sollten Sie inzwischen gezahlt haben, betrachten Sie diesen Hinweis bitte als gegenstandslos.',
      number: 'Rechnungsnummer',
      date: 'Rechnungsdatum',
      dueDate: 'Fällig am',
      netAmount: 'Nettobetrag',
      taxAmount: 'Steuer',
      grossAmount: 'Gesamtbetrag',
      item: 'Position',
      quantity: 'Menge',
      itemAmount: 'Nettobetrag',
      action: 'Rechnung bestätigen oder Rückfrage stellen',
      actionNote:
        'Über diesen Link können Sie die Rechnung ohne Anmeldung bestätigen oder uns mitteilen, wenn etwas nicht stimmt. ' +
        'Er gilt nur für diese Rechnung; bitte leiten Sie diese E-Mail daher nicht weiter.',
      questions: 'Bei Fragen antworten Sie einfach auf diese E-Mail.',
    },
    disputeResolved: {
      subject: number => `Ihre Rückfrage zur Rechnung ${number}`,
      accepted: number => `wir haben Ihre Rückfrage zur Rechnung ${number} geprüft und geben Ihnen recht. Sie erhalten in Kürze eine Gutschrift.`,
      rejected: number =>
        `wir haben Ihre Rückfrage zur Rechnung ${number} sorgfältig geprüft. Leider können wir ihr aus folgendem Grund nicht entsprechen:`,
      acceptedClosing: 'Vielen Dank für Ihren Hinweis; bitte entschuldigen Sie die Unannehmlichkeiten.',
      rejectedClosing:
        'Die Rechnung bleibt daher in der ausgestellten Höhe fällig. Bei weiteren Fragen antworten Sie einfach auf diese E-Mail.',
    },
    surveyInvitation: {
      subject: number => `Wie zufrieden waren Sie? Eine Frage zur Rechnung ${number}`,
      intro: number => `Sie hatten kürzlich mit uns zur Rechnung ${number} zu tun. Wir möchten gern wissen, wie zufrieden Sie mit uns waren.`,
      question: 'Wie zufrieden sind Sie mit der Bearbeitung dieser Rechnung?',
      action: 'Frage beantworten',
      actionNote: 'Das dauert weniger als eine Minute. Der Link gilt nur für diese Rechnung.',
    },
    reminder: {
      subject: {
        friendly: numbers => (numbers.length === 1 ? `Zahlungserinnerung: Rechnung ${numbers[0]}` : `Zahlungserinnerung: ${numbers.length} Rechnungen`),
        firm: numbers => (numbers.length === 1 ? `Zweite Erinnerung: Rechnung ${numbers[0]} ist überfällig` : `Zweite Erinnerung: ${numbers.length} Rechnungen sind überfällig`),
        final: numbers => (numbers.length === 1 ? `Letzte Mahnung: Rechnung ${numbers[0]}` : `Letzte Mahnung: ${numbers.length} überfällige Rechnungen`),
      },
      intro: {
        friendly: count => `laut unseren Unterlagen ${count === 1 ? 'ist die folgende Rechnung' : 'sind die folgenden Rechnungen'} über das Fälligkeitsdatum hinaus offen. Vielleicht ist das im Alltag untergegangen.`,
        firm: count => `trotz unserer Erinnerung ${count === 1 ? 'ist die folgende Rechnung' : 'sind die folgenden Rechnungen'} noch nicht beglichen. Bitte überweisen Sie die unten genannten Beträge umgehend.`,
        final: count => `dies ist unsere letzte Mahnung: ${count === 1 ? 'die folgende Rechnung ist' : 'die folgenden Rechnungen sind'} weiterhin unbezahlt. Erhalten wir innerhalb von 7 Tagen weder Zahlung noch Nachricht von Ihnen, müssen wir weitere Schritte einleiten.`,
      },
      notice: {
        subject: numbers => (numbers.length === 1 ? `Bald fällig: Rechnung ${numbers[0]}` : `Bald fällig: ${numbers.length} Rechnungen`),
        intro: count => `ein freundlicher Hinweis: ${count === 1 ? 'die folgende Rechnung wird' : 'die folgenden Rechnungen werden'} in Kürze fällig.`,
      },
      number: 'Rechnung',
      dueDate: 'Fällig am',
      amount: 'Offener Betrag',
      daysOverdue: 'Tage überfällig',
      notDueYet: 'noch nicht fällig',
      action: number => `Rechnung ${number}: Zahlungstermin zusagen, Zahlung melden oder Rückfrage stellen`,
      actionNote: 'Jeder Link gilt ohne Anmeldung nur für seine Rechnung; bitte leiten Sie diese E-Mail nicht weiter.',
      paidNote: 'Sollten Sie inzwischen gezahlt haben, danken wir Ihnen und bitten Sie, diese Erinnerung als gegenstandslos zu betrachten.',
    },
    statement: {
      subject: month => `Kontoauszug für ${month}`,
      reminderSubject: month => `Erinnerung: Bitte bestätigen Sie Ihren Saldo für ${month}`,
      intro: month => `anbei erhalten Sie Ihren Kontoauszug für ${month}. Bitte gleichen Sie ihn mit Ihrer Buchhaltung ab und bestätigen Sie den Endsaldo.`,
      reminderIntro: month => `zu unserem Kontoauszug für ${month} liegt uns noch keine Antwort vor. Bitte bestätigen Sie den Endsaldo oder teilen Sie uns mit, was abweicht.`,
      period: 'Zeitraum',
      currency: 'Währung',
      openingBalance: 'Anfangssaldo',
      closingBalance: 'Endsaldo',
      attached: 'Der Kontoauszug mit allen Posten des Zeitraums und den noch offenen Posten liegt als PDF bei.',
      action: 'Saldo bestätigen oder Abweichung melden',
      actionNote: 'Der Link gilt ohne Anmeldung nur für diesen Kontoauszug; bitte leiten Sie diese E-Mail nicht weiter.',
    },
  },
  ZH: {
    colon: '：',
    greeting: name => (name ? `尊敬的${name}：` : '尊敬的客户：'),
    closing: '顺祝商祺！\n应收账款部',
    account: {
      text: '您在我们这里的所有发票、对账单和订单都可以在您的账户页面上查看，您也可以在那里就每张发票作出答复。此链接同样仅供您本人使用。',
      label: '您的账户',
    },
    invoice: {
      subject: number => `您的发票 ${number}`,
      intro: (number, date) => `感谢您的惠顾。以下是 ${date} 开具的发票 ${number} 的摘要。`,
      due: (gross, dueDate) => `发票总额为 ${gross}，请于 ${dueDate} 前付款。`,
      paid: '根据我们的记录，此发票已经付清。非常感谢，您无需再采取任何行动。',
      overdue: (open, dueDate, days) => `金额 ${open} 已于 ${dueDate} 到期，现已逾期 ${days} 天。请尽快安排付款；如您已付款，请忽略此提示。`,
      number: '发票号码',
      date: '发票日期',
      dueDate: '付款到期日',
      netAmount: '净额',
      taxAmount: '税额',
      grossAmount: '总额',
      item: '项目',
      quantity: '数量',
      itemAmount: '净额',
      action: '确认或咨询此发票',
      actionNote: '您无需登录，即可通过此链接确认发票，或告知我们任何问题。该链接仅适用于此发票，请勿转发本邮件。',
      questions: '如有任何疑问，请直接回复本邮件。',
    },
    disputeResolved: {
      subject: number => `关于发票 ${number} 的异议`,
      accepted: number => `我们已审核您对发票 ${number} 提出的异议，并同意您的意见。我们将尽快向您开具贷项通知单。`,
      rejected: number => `我们已认真审核您对发票 ${number} 提出的异议。很遗憾，由于以下原因，我们无法接受该异议：`,
      acceptedClosing: '感谢您的反馈，给您带来不便，敬请谅解。',
      rejectedClosing: '因此，该发票仍按原金额到期应付。如有其他疑问，请直接回复本邮件。',
    },
    surveyInvitation: {
      subject: number => `您对我们满意吗？关于发票 ${number} 的一个问题`,
      intro: number => `您近期与我们就发票 ${number} 进行了沟通。我们希望了解您对我们服务的评价。`,
      question: '您对我们处理此发票的方式满意吗？',
      action: '回答问题',
      actionNote: '只需不到一分钟。该链接仅适用于此发票。',
    },
    reminder: {
      subject: {
        friendly: numbers => (numbers.length === 1 ? `付款提醒：发票 ${numbers[0]}` : `付款提醒：${numbers.length} 张发票`),
        firm: numbers => (numbers.length === 1 ? `再次提醒：发票 ${numbers[0]} 已逾期` : `再次提醒：${numbers.length} 张发票已逾期`),
        final: numbers => (numbers.length === 1 ? `最终催款通知：发票 ${numbers[0]}` : `最终催款通知：${numbers.length} 张逾期发票`),
      },
      intro: {
        friendly: count => `根据我们的记录，${count === 1 ? '以下发票' : `以下 ${count} 张发票`}已过付款到期日仍未结清，可能是您一时疏忽。`,
        firm: count => `尽管我们此前已发出提醒，${count === 1 ? '以下发票' : `以下 ${count} 张发票`}仍未付款。请尽快支付下列金额。`,
        final: count => `这是我们的最终催款通知：${count === 1 ? '以下发票' : `以下 ${count} 张发票`}仍未付款。如 7 天内仍未收到付款或您的回复，我们将不得不采取进一步措施。`,
      },
      notice: {
        subject: numbers => (numbers.length === 1 ? `即将到期：发票 ${numbers[0]}` : `即将到期：${numbers.length} 张发票`),
        intro: count => `温馨提示：${count === 1 ? '以下发票' : `以下 ${count} 张发票`}即将到期。`,
      },
      number: '发票',
      dueDate: '付款到期日',
      amount: '应付金额',
      daysOverdue: '逾期天数',
      notDueYet: '尚未到期',
      action: number => `发票 ${number}：承诺付款日期、告知已付款或提出咨询`,
      actionNote: '每个链接仅适用于对应的发票，无需登录；请勿转发本邮件。',
      paidNote: '如您已付款，谨致谢意，请忽略此提醒。',
    },
    statement: {
      subject: month => `${month}对账单`,
      reminderSubject: month => `提醒：请确认${month}的余额`,
      intro: month => `随函附上贵司${month}的对账单。请与贵司账簿核对，并确认期末余额。`,
      reminderIntro: month => `我们尚未收到贵司对${month}对账单的回复。请确认期末余额，或告知我们差异之处。`,
      period: '期间',
      currency: '币种',
      openingBalance: '期初余额',
      closingBalance: '期末余额',
      attached: '对账单（含本期全部项目及未清项目）以 PDF 附件形式发送。',
      action: '确认余额或告知差异',
      actionNote: '此链接无需登录，仅适用于本对账单；请勿转发本邮件。',
    },
  },
}

/** S/4HANA language key ('EN', 'DE', 'ZH'); any other gets English. */
type Language = string | null | undefined

export interface InvoiceMailInput {
  language: Language
  customerName: string
  invoice: {
    number: string
    date: CalendarDate
    dueDate: CalendarDate
    currency: string
    netAmount: Amount
    taxAmount: Amount
    grossAmount: Amount
    items: { description: string; quantity: Amount; unit: string; netAmount: Amount }[]
    /** What FI says when the mail is written: cleared (paid), or still open and overdue by that many days. */
    isCleared?: boolean | null
    daysOverdue?: number | null
    openAmount?: Amount | null
  }
  /** The customer's signed link to the response page for this invoice. */
  link: string
  /** The customer's signed link to its account page (purpose account), if the mail carries one. */
  accountLink?: string
}

export function invoiceMail({ language, customerName, invoice, link, accountLink }: InvoiceMailInput): RenderedMail {
  return mail(language, (texts, format) => {
    const t = texts.invoice
    const money = (amount: Amount) => format.money(amount, invoice.currency)
    const date = format.date(invoice.date)
    return {
      subject: t.subject(invoice.number),
      blocks: [
        greeting(texts, customerName),
        paragraph(t.intro(invoice.number, date)),
        {
          kind: 'facts',
          rows: [
            { label: t.number, value: invoice.number },
            { label: t.date, value: date },
            { label: t.dueDate, value: format.date(invoice.dueDate) },
          ],
        },
        {
          kind: 'table',
          columns: [{ label: t.item }, { label: t.quantity, align: 'right' }, { label: t.itemAmount, align: 'right' }],
          rows: invoice.items.map(item => [item.description, `${format.quantity(item.quantity)} ${item.unit}`.trim(), money(item.netAmount)]),
        },
        {
          kind: 'facts',
          rows: [
            { label: t.netAmount, value: money(invoice.netAmount) },
            { label: t.taxAmount, value: money(invoice.taxAmount) },
            { label: t.grossAmount, value: money(invoice.grossAmount), strong: true },
          ],
        },
        paragraph(paymentNote(t, invoice, money, format)),
        { kind: 'action', label: t.action, href: link },
        paragraph(t.actionNote),
        ...accountBlock(texts, accountLink),
        paragraph(t.questions),
        paragraph(texts.closing),
      ],
    }
  })
}

/** What the mail says about paying: only what is true when it is written. */
function paymentNote(t: Texts['invoice'], invoice: InvoiceMailInput['invoice'], money: (amount: Amount) => string, format: LocaleFormat): string {
  if (invoice.isCleared) return t.paid
  const dueDate = format.date(invoice.dueDate)
  if (invoice.daysOverdue && invoice.daysOverdue > 0) return t.overdue(money(invoice.openAmount ?? invoice.grossAmount), dueDate, invoice.daysOverdue)
  return t.due(money(invoice.grossAmount), dueDate)
}

export interface DisputeResolvedMailInput {
  language: Language
  customerName: string
  invoiceNumber: string
  outcome: DisputeOutcome
  /** The clerk's words to the customer; required when the dispute is rejected. */
  explanation: string
}

export function disputeResolvedMail({ language, customerName, invoiceNumber, outcome, explanation }: DisputeResolvedMailInput): RenderedMail {
  const reason = explanation.trim()
  // "…for the following reason:" followed by nothing would be a rejection without a reason.
  if (outcome === 'rejected' && !reason) throw new Error(`A rejected dispute about invoice ${invoiceNumber} needs an explanation`)
  return mail(language, texts => {
    const t = texts.disputeResolved
    return {
      subject: t.subject(invoiceNumber),
      blocks: [
        greeting(texts, customerName),
        paragraph(outcome === 'accepted' ? t.accepted(invoiceNumber) : t.rejected(invoiceNumber)),
        ...(reason ? [paragraph(reason)] : []),
        paragraph(outcome === 'accepted' ? t.acceptedClosing : t.rejectedClosing),
        paragraph(texts.closing),
      ],
    }
  })
}

export interface SurveyInvitationMailInput {
  language: Language
  customerName: string
  invoiceNumber: string
  /** The customer's signed link to the survey of this invoice. */
  link: string
}

export function surveyInvitationMail({ language, customerName, invoiceNumber, link }: SurveyInvitationMailInput): RenderedMail {
  return mail(language, texts => {
    const t = texts.surveyInvitation
    return {
      subject: t.subject(invoiceNumber),
      blocks: [
        greeting(texts, customerName),
        paragraph(t.intro(invoiceNumber)),
        paragraph(t.question),
        { kind: 'action', label: t.action, href: link },
        paragraph(t.actionNote),
        paragraph(texts.closing),
      ],
    }
  })
}

export interface ReminderMailInvoice {
  number: string
  date: CalendarDate
  dueDate: CalendarDate
  currency: string
  /** What the reminder asks for: the open amount less what is disputed. */
  amount: Amount
  /** 0 for an invoice not yet due (the notice before the due date). */
  daysOverdue: number
  /** The customer's signed link to the response page for this invoice. */
  link: string
}

export interface ReminderMailInput {
  language: Language
  customerName: string
  /** The tone of the highest step among the invoices. */
  tone: ReminderTone
  invoices: ReminderMailInvoice[]
  /** The customer's signed link to its account page (purpose account), if the mail carries one. */
  accountLink?: string
}

/** One mail for every invoice reminded to a contact in a run: a table of them, then each invoice's own link. */
export function reminderMail({ language, customerName, tone, invoices, accountLink }: ReminderMailInput): RenderedMail {
  return mail(language, (texts, format) => {
    const t = texts.reminder
    const numbers = invoices.map(i => i.number)
    // Only notices before the due date: nothing is overdue, and the mail says so.
    const notice = invoices.every(i => i.daysOverdue <= 0)
    return {
      subject: notice ? t.notice.subject(numbers) : t.subject[tone](numbers),
      blocks: [
        greeting(texts, customerName),
        paragraph(notice ? t.notice.intro(invoices.length) : t.intro[tone](invoices.length)),
        {
          kind: 'table',
          columns: [{ label: t.number }, { label: t.dueDate }, { label: t.amount, align: 'right' }, { label: t.daysOverdue, align: 'right' }],
          rows: invoices.map(i => [i.number, format.date(i.dueDate), format.money(i.amount, i.currency), i.daysOverdue > 0 ? String(i.daysOverdue) : t.notDueYet]),
        },
        ...invoices.map((i): Block => ({ kind: 'action', label: t.action(i.number), href: i.link })),
        paragraph(t.actionNote),
        ...accountBlock(texts, accountLink),
        paragraph(t.paidNote),
        paragraph(texts.closing),
      ],
    }
  })
}

export interface StatementMailInput {
  language: Language
  customerName: string
  periodStart: CalendarDate
  periodEnd: CalendarDate
  currency: string
  openingBalance: Amount
  closingBalance: Amount
  /** The customer's signed link to confirm the balance. */
  link: string
  /** The reminder of an unanswered statement. */
  reminder?: boolean
  /** The customer's signed link to its account page (purpose account), if the mail carries one. */
  accountLink?: string
}

/** The monthly statement of account (its PDF attached by the caller), or its reminder. */
export function statementMail(input: StatementMailInput): RenderedMail {
  return mail(input.language, (texts, format) => {
    const t = texts.statement
    const month = format.month(input.periodStart)
    return {
      subject: input.reminder ? t.reminderSubject(month) : t.subject(month),
      blocks: [
        greeting(texts, input.customerName),
        paragraph(input.reminder ? t.reminderIntro(month) : t.intro(month)),
        {
          kind: 'facts',
          rows: [
            { label: t.period, value: `${format.date(input.periodStart)} – ${format.date(input.periodEnd)}` },
            { label: t.currency, value: input.currency },
            { label: t.openingBalance, value: format.money(input.openingBalance, input.currency) },
            { label: t.closingBalance, value: format.money(input.closingBalance, input.currency), strong: true },
          ],
        },
        paragraph(t.attached),
        { kind: 'action', label: t.action, href: input.link },
        paragraph(t.actionNote),
        ...accountBlock(texts, input.accountLink),
        paragraph(texts.closing),
      ],
    }
  })
}

const paragraph = (text: string): Block => ({ kind: 'paragraph', text })
/** The line with the link to the customer's account page, when the mail has one. */
const accountBlock = (texts: Texts, href: string | undefined): Block[] => (href ? [{ kind: 'link', text: texts.account.text, label: texts.account.label, href }] : [])
/** A name of blanks only (as S/4HANA may send it) gets the greeting without a name. */
const greeting = (texts: Texts, customerName: string) => paragraph(texts.greeting(customerName.trim()))

/** Picks the language's texts and formats, lets compose arrange them, and renders the result. */
function mail(language: Language, compose: (texts: Texts, format: LocaleFormat) => { subject: string; blocks: Block[] }): RenderedMail {
  const key = mailLanguage(language)
  const format = localeFormat(key)
  const texts = TEXTS[key]
  return renderMail({ locale: format.locale, colon: texts.colon, ...compose(texts, format) })
}
