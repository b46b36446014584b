/** Times and durations as people read them. */

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' })
const dateFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' })
const dateYearFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' })
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' })

export const formatTime = (at: number): string => timeFormat.format(at)
export const formatFull = (at: number): string => fullFormat.format(at)

export function startOfDay(at: number): number {
  const date = new Date(at)
  date.setHours(0, 0, 0, 0)
  return date.getTime()
}

export function sameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b)
}

export function dayLabel(at: number, now: number = Date.now()): string {
  const day = startOfDay(at)
  const today = startOfDay(now)
  if (day === today) return 'Today'
  if (today - day <= 36 * 3600_000 && today - day > 0) return 'Yesterday'
  return new Date(at).getFullYear() === new Date(now).getFullYear() ? dateFormat.format(at) : dateYearFormat.format(at)
}

/** `850ms`, `4.2s`, `1m 05s`, `2h 03m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`
}

/** `just now`, `5m ago`, `3h ago`, then a date. */
export function formatRelative(at: number, now: number = Date.now()): string {
  const delta = now - at
  if (delta < 45_000) return 'just now'
  if (delta < 3600_000) return `${Math.round(delta / 60_000)}m ago`
  if (delta < 24 * 3600_000) return `${Math.round(delta / 3600_000)}h ago`
  return dayLabel(at, now)
}

export function formatTokens(count: number): string {
  if (count < 1000) return String(count)
  if (count < 1_000_000) return `${(count / 1000).toFixed(count < 10_000 ? 1 : 0)}k`
  return `${(count / 1_000_000).toFixed(1)}M`
}
