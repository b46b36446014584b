import type { Logger } from '../../../shared/log.ts'
import type { TaskRecord, Workflow } from '../../../shared/model/types.ts'
import { postMessage } from '../../../shared/operations/messages.ts'
import { listWorkflows } from '../../../shared/operations/workflows.ts'
import { formatSlot, latestSlot, slotsBetween } from './slots.ts'
import { createSlotTask, lastTaskSlots } from '../../../shared/operations/workflowRuns.ts'
import { actingAs, type WorkflowSession } from './workflowSession.ts'

/**
 * The missed-slot policy. When every device was off (or asleep) through some of a workflow's slots,
 * running each of them late helps nobody: the device that comes back makes ONE task, for the latest
 * missed slot, marked `missed`, and the coworker says so in the channel. The task's id is derived from
 * the slot, so when two devices come back at once they make one task, and only the device that
 * actually created it posts the note.
 */

export interface CatchUpOptions {
  now: () => number
  /** A slot at most this old counts as on time: its task is made as usual, with no note. */
  graceMs: number
  log: Logger
}

export interface CaughtUp {
  workflowId: string
  /** The slots found without a task (at most the first 1,000 are listed). */
  missedSlots: number[]
  /** More slots were missed than are listed. */
  more: boolean
  task: TaskRecord
  /** This device made the task (and posted the note); false when another device was first. */
  created: boolean
}

const listLimit = 1_000

export async function catchUpMissedSlots(session: WorkflowSession, options: CatchUpOptions): Promise<CaughtUp[]> {
  const now = options.now()
  const lastSlots = lastTaskSlots(session.root)
  const results: CaughtUp[] = []
  for (const workflow of listWorkflows(session.root)) {
    if (!workflow.enabled) continue
    try {
      const result = await catchUpWorkflow(session, workflow, lastSlots.get(workflow.id), now, options)
      if (result !== null) results.push(result)
    } catch (error) {
      // One broken workflow (a schedule from a newer peer) does not stop the others.
      options.log.error('could not catch up a workflow', { workflowId: workflow.id, error })
    }
  }
  return results
}

async function catchUpWorkflow(
  session: WorkflowSession,
  workflow: Workflow,
  lastTaskSlot: number | undefined,
  now: number,
  options: CatchUpOptions
): Promise<CaughtUp | null> {
  // Slots since the last one that has a task, or since the schedule last changed (or the workflow was
  // enabled again): a disabled stretch is not a missed one. Workflows from before the field existed use createdAt.
  const since = Math.max(lastTaskSlot ?? -Infinity, workflow.scheduleChangedAt ?? workflow.createdAt)
  const { slots, more } = slotsBetween(workflow, since, now, listLimit)
  const oldest = slots[0]
  if (oldest === undefined) return null
  const context = actingAs(session, workflow.coworkerId, options.now)
  if (!more && now - oldest <= options.graceMs) {
    // Just due (the device started a moment after the slot): an ordinary run.
    for (const slot of slots) createSlotTask(session, workflow, slot, { missed: false, context })
    return null
  }
  const latest = (more ? latestSlot(workflow, now) : null) ?? slots[slots.length - 1]!
  const { task, created } = createSlotTask(session, workflow, latest, { missed: true, context })
  options.log.info('workflow slots were missed; running the latest', { workflowId: workflow.id, missed: slots.length, more, slot: latest, taskId: task.id, created })
  if (created) await postMissedNote(session, workflow, { count: slots.length, more, latest, now }, options)
  return { workflowId: workflow.id, missedSlots: slots, more, task, created }
}

/** "Weekly report: 2 runs were missed while every device was off; running the latest (Mon 9:00) now" */
export function missedNoteText(workflow: Pick<Workflow, 'name' | 'timeZone'>, missed: { count: number; more: boolean; latest: number; now: number }): string {
  const when = formatSlot(missed.latest, workflow.timeZone, missed.now)
  if (missed.count === 1 && !missed.more) return `${workflow.name}: 1 run was missed while every device was off; running it (${when}) now`
  const count = missed.more ? `more than ${missed.count.toLocaleString('en')}` : String(missed.count)
  return `${workflow.name}: ${count} runs were missed while every device was off; running the latest (${when}) now`
}

async function postMissedNote(
  session: WorkflowSession,
  workflow: Workflow,
  missed: { count: number; more: boolean; latest: number; now: number },
  options: CatchUpOptions
): Promise<void> {
  // The coworker posts it: it is in the channel (the person at this device may not be), and a
  // coworker's message asks nobody for anything.
  const context = actingAs(session, workflow.coworkerId, options.now)
  try {
    await session.withChannel(workflow.channelId, (docs) =>
      postMessage(docs, { channelId: workflow.channelId, text: missedNoteText(workflow, missed) }, context)
    )
  } catch (error) {
    options.log.warn('could not post the missed-runs note; the run goes ahead', { workflowId: workflow.id, channelId: workflow.channelId, error })
  }
}
