// A real SMTP server on loopback for the mail tests: it keeps every message it accepts, parsed (attachments
// included), and plays a mail server's refusals: 550 for unknown recipients, 4xx for a server that is busy.
import { SMTPServer } from 'smtp-server'
import { simpleParser, type ParsedMail } from 'mailparser'
import type { AddressInfo } from 'node:net'

export interface SmtpServerOptions {
  /** Recipients refused with 550 5.1.1 mailbox unavailable. */
  rejectRecipients?: RegExp
  /** So many transactions from the start fail with 451. */
  failNext?: number
  /** Each message is answered (and kept) only this long after it arrived: a slow server, for crash tests. */
  delayMs?: number
}

export interface TestSmtpServer {
  port: number
  /** Accepted messages, in the order they arrived. */
  messages: ParsedMail[]
  /** Messages received and not answered yet (see delayMs): the client is in the middle of sending them. */
  readonly inTransfer: number
  /** User names of the logins, in order (the server accepts any password). */
  logins: string[]
  /** Resolves once n messages have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<ParsedMail[]>
  /** The next n transactions fail at MAIL FROM with code (a 4xx: the client may try again). */
  failNext(n: number, code?: number): void
  close(): Promise<void>
}

/** smtp-server answers an error with its responseCode and its message. */
const reply = (responseCode: number, text: string) => Object.assign(new Error(text), { responseCode })

export async function startSmtpServer({ rejectRecipients, failNext = 0, delayMs = 0 }: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const messages: ParsedMail[] = []
  const logins: string[] = []
  const failures = { remaining: failNext, code: 451 }
  const arrived = new Set<() => void>()
  let inTransfer = 0

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    // Connections a test left open must not hold close() for the default 30 s.
    closeTimeout: 500,
    onAuth(auth, _session, callback) {
      logins.push(auth.username ?? '')
      callback(null, { user: auth.username })
    },
    onMailFrom(_address, _session, callback) {
      if (failures.remaining <= 0) return callback()
      failures.remaining--
      callback(reply(failures.code, `${Math.floor(failures.code / 100)}.3.0 Temporary local problem, try again later`))
    },
    onRcptTo(address, _session, callback) {
      callback(rejectRecipients?.test(address.address) ? reply(550, '5.1.1 mailbox unavailable') : undefined)
    },
    onData(stream, _session, callback) {
      // Accept only once the message is parsed, so that it is in `messages` when the client's send resolves.
      inTransfer++
      simpleParser(stream).then(
        async mail => {
          if (delayMs) await new Promise(resolve => setTimeout(resolve, delayMs))
          inTransfer--
          messages.push(mail)
          for (const notify of arrived) notify()
          callback()
        },
        (error: Error) => {
          inTransfer--
          callback(error)
        }
      )
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  // A client killed in the middle of a transaction (the crash tests kill the app) resets its connection: its end, not
  // the server's error. Anything else still ends the test process, as an error event without a listener does.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error
  })

  return {
    port: (server.server.address() as AddressInfo).port,
    messages,
    get inTransfer() {
      return inTransfer
    },
    logins,
    waitFor(n, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < n) return
          done()
          resolve(messages)
        }
        const timer = setTimeout(() => {
          done()
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${n} message(s), got ${messages.length}`))
        }, timeoutMs)
        const done = () => {
          clearTimeout(timer)
          arrived.delete(check)
        }
        arrived.add(check)
        check()
      })
    },
    failNext(n, code = 451) {
      failures.remaining = n
      failures.code = code
    },
    close: () => new Promise(resolve => server.close(() => resolve())),
  }
}
