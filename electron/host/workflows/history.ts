import type * as Y from 'yjs'
import { readRecord } from '../../../shared/model/records.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { Deliverable, TaskStatus, TaskUsage } from '../../../shared/model/types.ts'
import { findMember } from '../../../shared/operations/members.ts'
import { workflowTasks } from './workflowTasks.ts'

/** One run of a workflow, as its history shows it. */
export interface WorkflowRun {
  taskId: string
  /** The scheduled time (a manual run's is when it was asked for, to the minute). */
  slot: number
  /** Made by the missed-slot policy, after every device was off through this slot. */
  missed: boolean
  /** The schedule, or the person who pressed "Run now". */
  ranBy: { kind: 'schedule' } | { kind: 'person'; memberId: string; name: string }
  status: TaskStatus
  createdAt: number
  startedAt: number | null
  finishedAt: number | null
  /** From start to finish; null until it has finished. */
  durationMs: number | null
  usage: TaskUsage | null
  /** Why it ended other than by succeeding. */
  endReason: string | null
  channelId: string
  /** The coworker's reply in the channel. */
  messageId: string | null
  /** The deliverables it created or changed; title and status are null for one no longer in the index. */
  deliverables: Array<{ id: string; title: string | null; kind: Deliverable['kind'] | null; status: Deliverable['status'] | null }>
}

/**
 * A workflow's runs, newest slot first, read from the task records its slots made. Scheduled runs are
 * requested by the workflow's coworker; a run requested by a person was started by hand (runNow.ts).
 */
export function workflowHistory(root: Y.Doc, workflowId: string): WorkflowRun[] {
  const index = rootCollections(root).deliverables
  return workflowTasks(root, workflowId)
    .sort((a, b) => b.trigger.slot - a.trigger.slot || b.createdAt - a.createdAt)
    .map((task) => {
      const requester = findMember(root, task.requestedBy)
      const deliverables = (task.result?.deliverableIds ?? []).map((id) => {
        const entry = index.get(id)
        if (entry === undefined) return { id, title: null, kind: null, status: null }
        const { title, kind, status } = readRecord<Deliverable>(entry)
        return { id, title, kind, status }
      })
      return {
        taskId: task.id,
        slot: task.trigger.slot,
        missed: task.trigger.missed,
        ranBy: requester?.kind === 'person' ? { kind: 'person', memberId: requester.id, name: requester.name } : { kind: 'schedule' },
        status: task.status,
        createdAt: task.createdAt,
        startedAt: task.startedAt,
        finishedAt: task.finishedAt,
        durationMs: task.startedAt !== null && task.finishedAt !== null ? task.finishedAt - task.startedAt : null,
        usage: task.usage,
        endReason: task.endReason,
        channelId: task.channelId,
        messageId: task.result?.messageId ?? null,
        deliverables
      }
    })
}
