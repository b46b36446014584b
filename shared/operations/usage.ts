import type * as Y from 'yjs'
import { readRecord } from '../model/records.ts'
import { rootCollections } from '../model/rootDoc.ts'
import type { TaskRecord } from '../model/types.ts'

/**
 * What coworkers have used, added up from the task records (each finished task records its usage). Days
 * are UTC days, as the daily spend limit counts them; a task counts on the day it finished (or started,
 * while it runs).
 */

export interface UsageTotals {
  /** Tasks that recorded usage. */
  tasks: number
  turns: number
  inputTokens: number
  outputTokens: number
  cacheReadTokens: number
  cacheWriteTokens: number
  estimatedCostUsd: number
}

export interface CoworkerUsage {
  coworkerId: string
  allTime: UsageTotals
  /** The UTC day that holds `now`. */
  today: UsageTotals
}

const dayMs = 86_400_000

export const emptyTotals = (): UsageTotals => ({ tasks: 0, turns: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, estimatedCostUsd: 0 })

/** Midnight UTC at the start of the day that holds `now`. */
export function utcDayStart(now: number): number {
  return Math.floor(now / dayMs) * dayMs
}

/** The time a task's usage counts at: when it finished, else when it started, else when it was asked for. */
export function usageTimeOf(task: TaskRecord): number {
  return task.finishedAt ?? task.startedAt ?? task.createdAt
}

/** Usage per coworker, in one pass over the tasks. Coworkers without tasks are absent. */
export function usageByCoworker(root: Y.Doc, now: number): Map<string, CoworkerUsage> {
  const dayStart = utcDayStart(now)
  const byCoworker = new Map<string, CoworkerUsage>()
  for (const record of rootCollections(root).tasks.values()) {
    const task = readRecord<TaskRecord>(record)
    let entry = byCoworker.get(task.coworkerId)
    if (entry === undefined) {
      entry = { coworkerId: task.coworkerId, allTime: emptyTotals(), today: emptyTotals() }
      byCoworker.set(task.coworkerId, entry)
    }
    if (task.usage === null) continue
    add(entry.allTime, task)
    const at = usageTimeOf(task)
    if (at >= dayStart && at < dayStart + dayMs) add(entry.today, task)
  }
  return byCoworker
}

/** One coworker's usage, all time and today (UTC). */
export function coworkerUsage(root: Y.Doc, coworkerId: string, now: number): CoworkerUsage {
  return usageByCoworker(root, now).get(coworkerId) ?? { coworkerId, allTime: emptyTotals(), today: emptyTotals() }
}

/** What a coworker's tasks other than `exceptTaskId` spent today (UTC), in estimated US dollars. */
export function spentTodayUsd(tasks: Iterable<TaskRecord>, coworkerId: string, now: number, exceptTaskId?: string): number {
  const dayStart = utcDayStart(now)
  let spent = 0
  for (const task of tasks) {
    if (task.coworkerId !== coworkerId || task.id === exceptTaskId || task.usage === null) continue
    const at = usageTimeOf(task)
    if (at >= dayStart && at < dayStart + dayMs) spent += task.usage.estimatedCostUsd
  }
  return spent
}

function add(totals: UsageTotals, task: TaskRecord): void {
  const usage = task.usage!
  totals.tasks += 1
  totals.turns += usage.turns
  totals.inputTokens += usage.inputTokens
  totals.outputTokens += usage.outputTokens
  totals.cacheReadTokens += usage.cacheReadTokens
  totals.cacheWriteTokens += usage.cacheWriteTokens
  totals.estimatedCostUsd += usage.estimatedCostUsd
}
