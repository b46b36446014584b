import type * as Y from 'yjs'
import { readRecord } from '../../../shared/model/records.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { TaskRecord, TaskTrigger, Workflow } from '../../../shared/model/types.ts'
import type { OperationContext } from '../../../shared/operations/context.ts'
import { createTask, workflowSlotTaskId } from '../../../shared/operations/tasks.ts'
import type { WorkflowSession } from './workflowSession.ts'

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
  session: Pick<WorkflowSession, 'root' | 'deviceId'>,
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
