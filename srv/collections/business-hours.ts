// Reminders reach a customer on a working day, within business hours, in the customer's own time zone: AR sets it
// per customer (CustomerCollections.timeZone) where the country's usual one is wrong, e.g. for the US west coast.

/** The time zone of most of each country's business; a country missing here is reminded by UTC. */
const COUNTRY_TIME_ZONES: Record<string, string> = {
  AE: 'Asia/Dubai', AR: 'America/Argentina/Buenos_Aires', AT: 'Europe/Vienna', AU: 'Australia/Sydney', BE: 'Europe/Brussels',
  BR: 'America/Sao_Paulo', CA: 'America/Toronto', CH: 'Europe/Zurich', CL: 'America/Santiago', CN: 'Asia/Shanghai',
  CZ: 'Europe/Prague', DE: 'Europe/Berlin', DK: 'Europe/Copenhagen', ES: 'Europe/Madrid', FI: 'Europe/Helsinki',
  FR: 'Europe/Paris', GB: 'Europe/London', HK: 'Asia/Hong_Kong', HU: 'Europe/Budapest', ID: 'Asia/Jakarta',
  IE: 'Europe/Dublin', IL: 'Asia/Jerusalem', IN: 'Asia/Kolkata', IT: 'Europe/Rome', JP: 'Asia/Tokyo', KR: 'Asia/Seoul',
  MX: 'America/Mexico_City', MY: 'Asia/Kuala_Lumpur', NL: 'Europe/Amsterdam', NO: 'Europe/Oslo', NZ: 'Pacific/Auckland',
  PH: 'Asia/Manila', PL: 'Europe/Warsaw', PT: 'Europe/Lisbon', RO: 'Europe/Bucharest', SA: 'Asia/Riyadh', SE: 'Europe/Stockholm',
  SG: 'Asia/Singapore', TH: 'Asia/Bangkok', TR: 'Europe/Istanbul', TW: 'Asia/Taipei', US: 'America/New_York',
  VN: 'Asia/Ho_Chi_Minh', ZA: 'Africa/Johannesburg',
}

/** The customer's time zone: AR's setting if it is a zone this runtime knows, else its country's, else UTC. */
export function timeZoneOf(country: string | null | undefined, override?: string | null): string {
  if (override && isTimeZone(override)) return override
  return COUNTRY_TIME_ZONES[(country ?? '').trim().toUpperCase()] ?? 'UTC'
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

/** Whether at that moment it is a working day (Monday to Friday) within [start, end) o'clock in the zone. */
export function inBusinessHours(at: Date, timeZone: string, hours: { start: number; end: number }): boolean {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' }).formatToParts(at)
  const weekday = WEEKDAYS.indexOf(parts.find(p => p.type === 'weekday')!.value)
  const hour = Number(parts.find(p => p.type === 'hour')!.value)
  return weekday >= 1 && weekday <= 5 && hour >= hours.start && hour < hours.end
}
