import type { MailLanguage } from '../mail'

// The words of the WeCom notices, per language with the same keys (the compiler checks that no language misses one),
// as the mails' texts are kept (srv/mail/templates.ts). A notice is short: it says what the mail says, in a line or
// two, with the link; the mail has the details. Sentences that embed values are functions (word order differs).

export interface WeComTexts {
  /** Between a label and its value: Chinese uses the full-width colon. */
  colon: string
  statement: {
    title(month: string): string
    /** A statement unanswered after some days: its reminder. */
    reminderTitle(month: string): string
    intro(month: string): string
    reminderIntro(month: string): string
    period: string
    closingBalance: string
    action: string
    note: string
  }
  reminder: {
    /** Overdue invoices, or (notice) invoices not due yet only. */
    title(count: number, notice: boolean): string
    intro(count: number, notice: boolean): string
    dueOn(date: string): string
    overdue(days: number): string
    notDueYet: string
    /** The label of one invoice's link. */
    action: string
    /** The invoices left out, for the message's size. */
    more(count: number): string
    note: string
  }
}

export const WECOM_TEXTS: Record<MailLanguage, WeComTexts> = {
  EN: {
    colon: ': ',
    statement: {
      title: month => `Statement of account for ${month}`,
      reminderTitle: month => `Reminder: please confirm your balance for ${month}`,
      intro: month => `Your statement of account for ${month} has been sent to you by e-mail. Please check it against your books and confirm the closing balance.`,
      reminderIntro: month => `We have not yet received your answer to our statement of account for ${month}. Please confirm the closing balance, or tell us what differs.`,
      period: 'Period',
      closingBalance: 'Closing balance',
      action: 'Confirm the balance or tell us what differs',
      note: 'The link is valid for this statement only, without logging in.',
    },
    reminder: {
      title: (count, notice) => `${notice ? 'Coming due' : 'Payment reminder'}: ${count === 1 ? '1 invoice' : `${count} invoices`}`,
      intro: (count, notice) =>
        notice
          ? `The following ${count === 1 ? 'invoice falls' : 'invoices fall'} due soon; we have sent you the details by e-mail.`
          : `The following ${count === 1 ? 'invoice is' : 'invoices are'} overdue. We have sent you a reminder by e-mail; please settle the ${count === 1 ? 'amount' : 'amounts'} below.`,
      dueOn: date => `due ${date}`,
      overdue: days => (days === 1 ? '1 day overdue' : `${days} days overdue`),
      notDueYet: 'not due yet',
      action: 'Respond',
      more: count => `…and ${count === 1 ? '1 more invoice' : `${count} more invoices`}: please see the e-mail.`,
      note: 'Each link is valid for its invoice only, without logging in. If you have paid in the meantime, thank you, and please disregard this reminder.',
    },
  },
  DE: {
    colon: ': ',
    statement: {
      title: month => `Kontoauszug für ${month}`,
      reminderTitle: month => `Erinnerung: Bitte bestätigen Sie Ihren Saldo für ${month}`,
      intro: month => `Ihren Kontoauszug für ${month} haben wir Ihnen per E-Mail gesendet. Bitte gleichen Sie ihn mit Ihrer Buchhaltung ab und bestätigen Sie den Endsaldo.`,
      reminderIntro: month => `Zu unserem Kontoauszug für ${month} liegt uns noch keine Antwort vor. Bitte bestätigen Sie den Endsaldo oder teilen Sie uns mit, was abweicht.`,
      period: 'Zeitraum',
      closingBalance: 'Endsaldo',
      action: 'Saldo bestätigen oder Abweichung mitteilen',
      note: 'Der Link gilt nur für diesen Kontoauszug, ohne Anmeldung.',
    },
    reminder: {
      title: (count, notice) => `${notice ? 'Bald fällig' : 'Zahlungserinnerung'}: ${count === 1 ? '1 Rechnung' : `${count} Rechnungen`}`,
      intro: (count, notice) =>
        notice
          ? `${count === 1 ? 'Die folgende Rechnung wird' : 'Die folgenden Rechnungen werden'} bald fällig; die Einzelheiten haben wir Ihnen per E-Mail gesendet.`
          : `${count === 1 ? 'Die folgende Rechnung ist' : 'Die folgenden Rechnungen sind'} überfällig. Wir haben Ihnen eine Zahlungserinnerung per E-Mail gesendet; bitte begleichen Sie ${count === 1 ? 'den folgenden Betrag' : 'die folgenden Beträge'}.`,
      dueOn: date => `fällig am ${date}`,
      overdue: days => (days === 1 ? '1 Tag überfällig' : `${days} Tage überfällig`),
      notDueYet: 'noch nicht fällig',
      action: 'Antworten',
      more: count => `… und ${count === 1 ? '1 weitere Rechnung' : `${count} weitere Rechnungen`}: siehe E-Mail.`,
      note: 'Jeder Link gilt nur für seine Rechnung, ohne Anmeldung. Falls Sie inzwischen bezahlt haben, vielen Dank; diese Erinnerung ist dann gegenstandslos.',
    },
  },
  ZH: {
    colon: '：',
    statement: {
      title: month => `${month}对账单`,
      reminderTitle: month => `提醒：请确认${month}的余额`,
      intro: month => `${month}对账单已通过电子邮件发送给贵司。请与贵司账目核对，并确认期末余额。`,
      reminderIntro: month => `我们尚未收到贵司对${month}对账单的回复。请确认期末余额，或告知我们差异之处。`,
      period: '期间',
      closingBalance: '期末余额',
      action: '确认余额或反馈差异',
      note: '该链接仅对本对账单有效，无需登录。',
    },
    reminder: {
      title: (count, notice) => `${notice ? '即将到期' : '付款提醒'}：${count} 张发票`,
      intro: (_count, notice) => (notice ? '以下发票即将到期，详细信息已通过电子邮件发送。' : '以下发票已逾期。我们已通过电子邮件发送付款提醒，请尽快支付以下款项。'),
      dueOn: date => `到期日 ${date}`,
      overdue: days => `逾期 ${days} 天`,
      notDueYet: '尚未到期',
      action: '回复',
      more: count => `……另有 ${count} 张发票，详见电子邮件。`,
      note: '每个链接仅对相应发票有效，无需登录。如贵司已付款，谨致谢意，请忽略本提醒。',
    },
  },
}
