import { conflict } from '../../../shared/errors.ts'
import type { TaskRecord } from '../../../shared/model/types.ts'
import { getChannel } from '../../../shared/operations/channels.ts'
import { coworkerChannelIds, getCoworker } from '../../../shared/operations/coworkers.ts'
import { getWorkflow } from '../../../shared/operations/workflows.ts'
import { minuteOf } from './slots.ts'
import { createSlotTask } from '../../../shared/operations/workflowRuns.ts'
import type { WorkflowSession } from './workflowSession.ts'

/**
 * Runs a workflow now, by hand: a task for the slot "now, rounded down to the minute", requested by the
 * person at this device (its `requestedBy`, which is how the run history tells it from a scheduled
 * run). It works on a disabled workflow too. The slot's id is derived like a scheduled one, so a double
 * click, or a scheduled slot in the same minute, makes one task: `created` is false and the task
 * returned is the one already there.
 */
export function runNow(session: Pick<WorkflowSession, 'root' | 'deviceId' | 'context'>, workflowId: string): { task: TaskRecord; created: boolean } {
  const workflow = getWorkflow(session.root, workflowId)
  const coworker = getCoworker(session.root, workflow.coworkerId)
  if (coworker.removedAt !== null) {
    throw conflict(`${coworker.name} was removed from the workspace, so "${workflow.name}" has nobody to run it`, 'edit the workflow to give it another coworker')
  }
  const channel = getChannel(session.root, workflow.channelId)
  if (channel.archived) throw conflict(`#${channel.name}, where "${workflow.name}" runs, is archived`, 'restore the channel, or edit the workflow to run in another one')
  if (!coworkerChannelIds(session.root, coworker.id).includes(workflow.channelId)) {
    throw conflict(`${coworker.name} is no longer in #${channel.name}, where "${workflow.name}" runs`, `add it back to #${channel.name}, or edit the workflow`)
  }
  const slot = minuteOf(session.context.now())
  return createSlotTask(session, workflow, slot, { missed: false, context: session.context })
}
