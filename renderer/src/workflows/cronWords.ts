import { Cron } from 'croner'
import { cronExpression, timeZone as timeZoneSchema } from '../../../shared/operations/workflows.ts'

/**
 * Schedules as people read them: a five-field cron expression in words ("Every Monday at 09:00"), the
 * presets the workflow form offers, the next few runs in the workflow's time zone, and live validation
 * with the same schemas the workflow operations use. Anything the words do not cover falls back to the
 * expression itself, so a schedule is never described wrongly.
 */

const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const
const dayAbbreviations = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const
const monthAbbreviations = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const

export interface SchedulePreset {
  label: string
  cron: string
}

/** What the workflow form offers before anyone types a cron expression. */
export const schedulePresets: readonly SchedulePreset[] = [
  { label: 'Every weekday at 09:00', cron: '0 9 * * 1-5' },
  { label: 'Every Monday at 09:00', cron: '0 9 * * 1' },
  { label: 'Every Friday at 16:00', cron: '0 16 * * 5' },
  { label: 'Every day at 08:30', cron: '30 8 * * *' },
  { label: 'On the 1st of every month at 09:00', cron: '0 9 1 * *' },
  { label: 'Every hour', cron: '0 * * * *' }
]

/** `1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`, `22nd`, `31st`. */
export function ordinal(day: number): string {
  const tens = day % 100
  if (tens >= 11 && tens <= 13) return `${day}th`
  switch (day % 10) {
    case 1:
      return `${day}st`
    case 2:
      return `${day}nd`
    case 3:
      return `${day}rd`
    default:
      return `${day}th`
  }
}

/** `a`, `a and b`, `a, b and c`. */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? ''
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`
}

const pad = (value: number) => String(value).padStart(2, '0')
const clock = (hour: number, minute: number) => `${pad(hour)}:${pad(minute)}`

/** A field as a sorted list of values, or null when it is not a plain list of numbers, names and ranges. */
function parseList(field: string, min: number, max: number, names: readonly string[] = []): number[] | null {
  const values = new Set<number>()
  for (const part of field.split(',')) {
    const range = part.split('-')
    if (range.length > 2) return null
    const bounds = range.map((piece) => parseValue(piece, names))
    if (bounds.some((value) => value === null)) return null
    const [from, to = from] = bounds as number[]
    if (from! > to! || from! < min || to! > max) return null
    for (let value = from!; value <= to!; value++) values.add(value)
  }
  return [...values].sort((a, b) => a - b)
}

function parseValue(piece: string, names: readonly string[]): number | null {
  if (/^\d{1,2}$/.test(piece)) return Number(piece)
  const index = names.indexOf(piece.toLowerCase())
  return index === -1 ? null : index
}

/** `*\/N` (or `0/N`) as N; null for anything else. */
function stepOf(field: string): number | null {
  const match = /^(?:\*|0)\/(\d{1,2})$/.exec(field)
  if (match === null) return null
  const step = Number(match[1])
  return step >= 1 ? step : null
}

const isAny = (field: string) => field === '*' || field === '?'

type Days =
  | { kind: 'daily' }
  | { kind: 'weekdays' }
  | { kind: 'week'; days: number[] }
  | { kind: 'month'; days: number[]; months: number[] | null }

function parseDays(dayOfMonth: string, month: string, dayOfWeek: string): Days | null {
  const anyMonth = isAny(month)
  const months = anyMonth ? null : parseList(month, 1, 12, ['', ...monthAbbreviations])
  if (!anyMonth && months === null) return null
  if (isAny(dayOfMonth) && isAny(dayOfWeek)) return months === null ? { kind: 'daily' } : null
  if (!isAny(dayOfMonth) && !isAny(dayOfWeek)) return null
  if (!isAny(dayOfMonth)) {
    const days = parseList(dayOfMonth, 1, 31)
    return days === null ? null : { kind: 'month', days, months: months?.length === 12 ? null : months }
  }
  if (months !== null && months.length < 12) return null
  const parsed = parseList(dayOfWeek, 0, 7, dayAbbreviations)
  if (parsed === null) return null
  const days = [...new Set(parsed.map((day) => day % 7))].sort((a, b) => a - b)
  if (days.length === 7) return { kind: 'daily' }
  if (days.join(',') === '1,2,3,4,5') return { kind: 'weekdays' }
  return { kind: 'week', days }
}

function monthDays(days: readonly number[], months: readonly number[] | null): string {
  const ordinals = joinWords(days.map(ordinal))
  return months === null ? `the ${ordinals} of every month` : `the ${ordinals} of ${joinWords(months.map((month) => monthNames[month - 1]!))}`
}

/** "Every Monday at 09:00", "On the 1st of every month at 09:00". */
function atTimes(days: Days, times: string): string {
  switch (days.kind) {
    case 'daily':
      return `Every day at ${times}`
    case 'weekdays':
      return `Every weekday at ${times}`
    case 'week':
      return `Every ${joinWords(days.days.map((day) => dayNames[day]!))} at ${times}`
    case 'month':
      return `On ${monthDays(days.days, days.months)} at ${times}`
  }
}

/** "Every 15 minutes" + " on weekdays". */
function repeating(base: string, days: Days): string {
  switch (days.kind) {
    case 'daily':
      return base
    case 'weekdays':
      return `${base} on weekdays`
    case 'week':
      return `${base} on ${joinWords(days.days.map((day) => `${dayNames[day]!}s`))}`
    case 'month':
      return `${base} on ${monthDays(days.days, days.months)}`
  }
}

function describe(expression: string): string | null {
  const fields = expression.trim().split(/\s+/)
  if (fields.length !== 5) return null
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string]
  const days = parseDays(dayOfMonth, month, dayOfWeek)
  if (days === null) return null

  if (isAny(minute) && isAny(hour)) return repeating('Every minute', days)
  const minuteStep = stepOf(minute)
  if (minuteStep !== null) {
    if (!isAny(hour) || minuteStep >= 60) return null
    return repeating(minuteStep === 1 ? 'Every minute' : `Every ${minuteStep} minutes`, days)
  }
  const minutes = parseList(minute, 0, 59)
  if (minutes === null || minutes.length !== 1) return null
  const at = minutes[0]!

  if (isAny(hour)) return repeating(at === 0 ? 'Every hour' : `Every hour at :${pad(at)}`, days)
  const hourStep = stepOf(hour)
  if (hourStep !== null) {
    if (hourStep >= 24) return null
    const base = hourStep === 1 ? 'Every hour' : `Every ${hourStep} hours`
    return repeating(at === 0 ? base : `${base} at :${pad(at)}`, days)
  }
  const hours = parseList(hour, 0, 23)
  if (hours === null) return null
  // A contiguous run of three or more hours reads better as a range: "every hour from 09:00 to 17:00".
  const contiguous = hours.length >= 3 && hours.at(-1)! - hours[0]! === hours.length - 1 && /^\d{1,2}-\d{1,2}$/.test(hour)
  if (contiguous) return repeating(`Every hour from ${clock(hours[0]!, at)} to ${clock(hours.at(-1)!, at)}`, days)
  return atTimes(days, joinWords(hours.map((value) => clock(value, at))))
}

/**
 * A five-field cron expression in words, with the time zone after it when one is given:
 * "Every Monday at 09:00 (Europe/Paris)". Patterns it does not cover come back as the expression.
 */
export function cronToWords(expression: string, options: { timeZone?: string | null } = {}): string {
  const words = describe(expression)
  if (words === null) return expression.trim()
  return options.timeZone === undefined || options.timeZone === null || options.timeZone === '' ? words : `${words} (${options.timeZone})`
}

/** Whether cronToWords has words for the expression (rather than falling back to it). */
export function hasWords(expression: string): boolean {
  return describe(expression) !== null
}

export type ScheduleCheck = { ok: true; runs: Date[] } | { ok: false; problem: string }

/**
 * Checks a schedule as the workflow operations will, and gives its next `count` runs after `after`.
 * The problem names what is wrong and how it should look.
 */
export function checkSchedule(cron: string, timeZone: string, options: { count?: number; after?: Date } = {}): ScheduleCheck {
  if (cron.trim() === '') return { ok: false, problem: 'Type a schedule, or pick one above: five fields, minute hour day month weekday, e.g. "0 9 * * 1".' }
  const parsedCron = cronExpression.safeParse(cron)
  if (!parsedCron.success) return { ok: false, problem: capitalize(parsedCron.error.issues[0]?.message ?? 'this is not a cron expression') }
  const parsedZone = timeZoneSchema.safeParse(timeZone)
  if (!parsedZone.success) return { ok: false, problem: capitalize(parsedZone.error.issues[0]?.message ?? 'unknown time zone') }
  try {
    const runs = new Cron(parsedCron.data, { timezone: parsedZone.data, paused: true }).nextRuns(options.count ?? 3, options.after ?? new Date())
    if (runs.length === 0) return { ok: false, problem: 'This schedule never runs again. Check the day and month fields.' }
    return { ok: true, runs }
  } catch (error) {
    return { ok: false, problem: capitalize((error as Error).message) }
  }
}

/** A run time as it reads in the workflow's zone: "Mon, Jun 2, 09:00". */
export function formatRunTime(at: Date | number, timeZone: string, options: { withYear?: boolean } = {}): string {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      ...(options.withYear === true ? { year: 'numeric' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23'
    }).format(at)
  } catch {
    return new Date(at).toISOString()
  }
}

/** "in 5 minutes", "in 3 hours", "in 2 days", "now". */
export function formatUntil(at: number, now: number = Date.now()): string {
  const delta = at - now
  if (delta < 60_000) return delta < 0 ? 'due now' : 'in less than a minute'
  const minutes = Math.round(delta / 60_000)
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.round(delta / 3_600_000)
  if (hours < 36) return `in ${hours} hour${hours === 1 ? '' : 's'}`
  const days = Math.round(delta / 86_400_000)
  return `in ${days} day${days === 1 ? '' : 's'}`
}

/** The zone this device is in, for a new workflow's default. */
export function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

/** IANA zones for the time zone picker: UTC, the given ones, then the rest by name. */
export function timeZoneOptions(include: readonly string[] = []): string[] {
  let zones: string[] = []
  try {
    zones = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? []
  } catch {
    zones = []
  }
  const all = new Set(['UTC', ...include.filter((zone) => zone !== ''), ...zones])
  return [...all].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)))
}

/** A zone's offset from UTC at `at`, as people read it: `UTC+1`, `UTC−3:30`, `UTC`. */
export function zoneOffset(zone: string, at: Date | number = Date.now()): string {
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' }).formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? ''
    const match = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?)?$/.exec(name)
    if (match === null) return name
    if (match[1] === undefined || (Number(match[2]) === 0 && (match[3] === undefined || match[3] === '00'))) return 'UTC'
    return `UTC${match[1] === '-' ? '−' : '+'}${match[2]}${match[3] !== undefined ? `:${match[3]}` : ''}`
  } catch {
    return ''
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
