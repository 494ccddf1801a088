import cds from '@sap/cds'
import type { Request } from 'express'

/** The languages of _i18n/messages*.properties. */
const LANGUAGES = ['en', 'de', 'zh-CN', 'zh']

/**
 * The text of a key of _i18n/messages*.properties in the language the request asks for (Accept-Language), for the
 * answers that middleware sends before CAP sees the request (CAP translates its own answers itself).
 */
export function messageFor(req: Request, key: string, args: unknown[] = []): string {
  const language = req.acceptsLanguages(...LANGUAGES) || 'en'
  return cds.i18n.messages.at(key, language.startsWith('zh') ? 'zh_CN' : language, args) ?? key
}
