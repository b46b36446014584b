import type * as Y from 'yjs'
import { readRecord } from '../model/records.ts'
import { rootCollections } from '../model/rootDoc.ts'
import type { Deliverable, TaskRecord, TaskStatus, TaskTrigger, TaskUsage, Workflow } from '../model/types.ts'
import type { OperationContext } from './context.ts'
import { findMember } from './members.ts'
import { createTask, workflowSlotTaskId } from './tasks.ts'

// The tasks a workflow made: its scheduled slots, its manual runs, and their history.

export type WorkflowTrigger = Extract<TaskTrigger, { type: 'workflow' }>
export type WorkflowTask = TaskRecord & { trigger: WorkflowTrigger }

const isWorkflowTask = (task: TaskRecord): task is WorkflowTask => task.trigger.type === 'workflow'

/** Every task a workflow's slots and manual runs made, in no particular order. */
export function workflowTasks(root: Y.Doc, workflowId: string): WorkflowTask[] {
  const tasks: WorkflowTask[] = []
  for (const record of rootCollections(root).tasks.values()) {
    const task = readRecord<TaskRecord>(record)
    if (isWorkflowTask(task) && task.trigger.workflowId === workflowId) tasks.push(task)
  }
  return tasks
}

/**
 * The latest slot that has a task, per workflow, in one pass over the tasks. Manual runs count: a run
 * someone started by hand after missed slots already did their work.
 */
export function lastTaskSlots(root: Y.Doc): Map<string, number> {
  const latest = new Map<string, number>()
  for (const record of rootCollections(root).tasks.values()) {
    const trigger = record.get('trigger') as TaskTrigger | undefined
    if (trigger?.type !== 'workflow') continue
    const current = latest.get(trigger.workflowId)
    if (current === undefined || trigger.slot > current) latest.set(trigger.workflowId, trigger.slot)
  }
  return latest
}

/**
 * Creates the task of one slot of a workflow under the slot's derived id. `created` is false when the
 * task was already there (another device fired the slot first, or the same minute was run by hand), so
 * a caller posts what goes with a new task only once across devices.
 */
export function createSlotTask(
  session: { root: Y.Doc; deviceId: string },
  workflow: Workflow,
  slot: number,
  options: { missed: boolean; context: OperationContext }
): { task: TaskRecord; created: boolean } {
  const taskId = workflowSlotTaskId(workflow.id, slot)
  const created = !rootCollections(session.root).tasks.has(taskId)
  const task = createTask(
    session.root,
    {
      taskId,
      coworkerId: workflow.coworkerId,
      channelId: workflow.channelId,
      trigger: { type: 'workflow', workflowId: workflow.id, slot, missed: options.missed },
      prompt: workflow.prompt,
      deviceId: session.deviceId
    },
    options.context
  )
  return { task, created }
}

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

/** The latest task whose result names each deliverable (its coworker and channel made it), in one pass over the tasks. */
export function producingTasks(root: Y.Doc): Map<string, TaskRecord> {
  const latest = new Map<string, TaskRecord>()
  for (const record of rootCollections(root).tasks.values()) {
    const result = record.get('result') as TaskRecord['result'] | undefined
    if (result == null || result.deliverableIds.length === 0) continue
    const task = readRecord<TaskRecord>(record)
    for (const id of result.deliverableIds) {
      const current = latest.get(id)
      if (current === undefined || (task.finishedAt ?? task.createdAt) > (current.finishedAt ?? current.createdAt)) latest.set(id, task)
    }
  }
  return latest
}

/** The latest task whose result names the deliverable: the coworker (and channel) that made it. */
export function producingTask(root: Y.Doc, deliverableId: string): TaskRecord | null {
  return producingTasks(root).get(deliverableId) ?? null
}

/**
 * The workflow a task's output belongs to: its own for a slot or a manual run; for a revision, the one
 * the revised deliverable's first task came from (followed back through earlier revisions).
 */
export function workflowOf(root: Y.Doc, task: TaskRecord): Workflow | null {
  const { tasks, workflows } = rootCollections(root)
  const seen = new Set<string>()
  let current: TaskRecord | undefined = task
  while (current !== undefined && !seen.has(current.id)) {
    seen.add(current.id)
    const trigger: TaskRecord['trigger'] = current.trigger
    if (trigger.type === 'workflow') {
      const record = workflows.get(trigger.workflowId)
      return record === undefined ? null : readRecord<Workflow>(record)
    }
    if (trigger.type !== 'revision' || trigger.previousTaskId === null) return null
    const previous = tasks.get(trigger.previousTaskId)
    current = previous === undefined ? undefined : readRecord<TaskRecord>(previous)
  }
  return null
}
