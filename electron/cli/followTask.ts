import type * as Y from 'yjs'
import { channelCollections } from '../../shared/model/channelDoc.ts'
import { rootCollections } from '../../shared/model/rootDoc.ts'
import { readLiveReply } from '../../shared/model/trail.ts'
import type { TaskRecord } from '../../shared/model/types.ts'
import { getDeliverable } from '../../shared/operations/deliverables.ts'
import { getMessage } from '../../shared/operations/messages.ts'
import { getTask, isFinished, requestStop } from '../../shared/operations/tasks.ts'
import type { WorkspaceSession } from '../host/workspaceSession.ts'
import type { CliContext } from './cliContext.ts'

/**
 * Runs a coworker task on this device and follows it to its end: the reply streams to stdout as the
 * coworker writes it (the same live text every synced device sees), then the deliverables it touched.
 * Ctrl+C asks the task to stop. Exit code: 0 succeeded, 1 stopped, 3 failed (the model or its connection).
 */
export async function followTask(context: CliContext, session: WorkspaceSession, taskId: string): Promise<TaskRecord> {
  const host = await context.host()
  const lease = await session.leaseChannel(getTask(session.root, taskId).channelId)
  const channel = lease.doc
  let printedRun: string | null = null
  let printed = 0
  const streamLive = () => {
    if (context.json) return
    const live = readLiveReply(channel, taskId)
    if (live === null) return
    if (live.runId !== printedRun) {
      if (printedRun !== null) context.io.stdout('\n(the run started over)\n')
      printedRun = live.runId
      printed = 0
    }
    const text = live.text.toString()
    if (text.length > printed) {
      context.io.stdout(text.slice(printed))
      printed = text.length
    }
  }
  const onLive = () => streamLive()
  channelCollections(channel).liveText.observeDeep(onLive)
  try {
    await host.startCoworkers(session)
    const ended = new Promise<TaskRecord>((resolve) => {
      const check = () => {
        const task = getTask(session.root, taskId)
        if (!isFinished(task.status)) return
        rootCollections(session.root).tasks.unobserveDeep(check)
        resolve(task)
      }
      rootCollections(session.root).tasks.observeDeep(check)
      check()
    })
    void context.io.interrupted.then(() => {
      if (!isFinished(getTask(session.root, taskId).status)) {
        context.io.stderr('\nstopping…\n')
        requestStop(session.root, { taskId }, session.context)
      }
    })
    const task = await ended
    context.changed()
    report(context, session, channel, task, printed > 0)
    return task
  } finally {
    channelCollections(channel).liveText.unobserveDeep(onLive)
    lease.release()
  }
}

function report(context: CliContext, session: WorkspaceSession, channel: Y.Doc, task: TaskRecord, streamed: boolean): void {
  const reply = task.result?.messageId ? getMessage(channel, task.result.messageId) : null
  const deliverables = (task.result?.deliverableIds ?? []).map((id) => getDeliverable(session.root, id))
  if (context.json) {
    context.io.stdout(JSON.stringify({ task, reply, deliverables }, null, 2) + '\n')
  } else {
    // What streamed is the reply; a reply written without streaming (an error, a stop note) is printed whole.
    if (!streamed && reply !== null) context.io.stdout(reply.text)
    context.io.stdout('\n')
    for (const deliverable of deliverables) context.io.stdout(`  ${deliverable.kind} "${deliverable.title}" (${deliverable.id}, ${deliverable.status})\n`)
    if (task.status !== 'succeeded' && task.endReason !== null) context.io.stderr(`${task.status}: ${task.endReason}\n`)
  }
  if (task.status === 'stopped') context.fail(1)
  if (task.status === 'failed') context.fail(3)
}
