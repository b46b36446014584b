import { Cron } from 'croner'
import type { Workflow } from '../../../shared/model/types.ts'

/**
 * A workflow's slots: the times its cron expression names, read in its time zone. A slot is a time in
 * ms since the epoch (whole minutes, since the expressions have five fields).
 */

const minuteMs = 60_000

/** `ms` rounded down to its minute: the slot of a manual run. */
export const minuteOf = (ms: number): number => Math.floor(ms / minuteMs) * minuteMs

function cronOf(workflow: Pick<Workflow, 'cron' | 'timeZone'>): Cron {
  // The same options as shared/operations/workflows.ts `nextRunOf`, so the UI and the scheduler agree.
  return new Cron(workflow.cron, { timezone: workflow.timeZone, paused: true })
}

/** The first slot strictly after `after`, or null when the schedule never fires again. */
export function nextSlot(workflow: Pick<Workflow, 'cron' | 'timeZone'>, after: number): number | null {
  return cronOf(workflow).nextRun(new Date(after))?.getTime() ?? null
}

/** The last slot at or before `at`, or null when there is none. */
export function latestSlot(workflow: Pick<Workflow, 'cron' | 'timeZone'>, at: number): number | null {
  // previousRuns is strictly before its reference; one ms later takes in a slot exactly at `at`.
  return cronOf(workflow).previousRuns(1, new Date(at + 1))[0]?.getTime() ?? null
}

/**
 * The slots in (after, until], oldest first, at most `limit` of them; `more` says some were left out
 * (a minutely schedule over a month away is tens of thousands of slots).
 */
export function slotsBetween(
  workflow: Pick<Workflow, 'cron' | 'timeZone'>,
  after: number,
  until: number,
  limit = 1_000
): { slots: number[]; more: boolean } {
  const cron = cronOf(workflow)
  const slots: number[] = []
  for (let next = cron.nextRun(new Date(after)); next !== null && next.getTime() <= until; next = cron.nextRun(next)) {
    if (slots.length === limit) return { slots, more: true }
    slots.push(next.getTime())
  }
  return { slots, more: false }
}

/**
 * A slot as people read it in the workflow's time zone: "Mon 9:00", with the date when it is more than
 * six days before `now` ("Mon 3 Nov 9:00").
 */
export function formatSlot(slot: number, timeZone: string, now: number): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: 'numeric',
    minute: '2-digit',
    hourCycle: 'h23'
  }).formatToParts(new Date(slot))
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((entry) => entry.type === type)?.value ?? ''
  const time = `${Number(part('hour'))}:${part('minute')}`
  const recent = now - slot < 6 * 24 * 60 * minuteMs
  return recent ? `${part('weekday')} ${time}` : `${part('weekday')} ${part('day')} ${part('month')} ${time}`
}
