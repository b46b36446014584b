import type * as Y from 'yjs'
import { z } from 'zod'
import { conflict, notFound } from '../errors.ts'
import { derivedId, newId } from '../ids.ts'
import { newRecordMap, readRecord, setChangedFields, type RecordMap } from '../model/records.ts'
import { rootCollections } from '../model/rootDoc.ts'
import type { TaskClaim, TaskRecord, TaskStatus, TaskTrigger, TaskUsage } from '../model/types.ts'
import { transact, type OperationContext } from './context.ts'

/**
 * Task records: the shared half of a coworker task (design section 5). A task is created where it was
 * asked for; the device that created it claims it with a lease and runs it; when the lease lapses another
 * device may take it over. Only the holder of the current claim may publish a result.
 */

/** The id of the task a workflow's scheduled slot makes (a slot is the scheduled time in ms). */
export function workflowSlotTaskId(workflowId: string, slot: number): string {
  return derivedId('task', `${workflowId}@${slot}`)
}

export interface CreateTaskInput {
  /** Given for workflow slots (see workflowSlotTaskId); drawn at random otherwise. */
  taskId?: string
  coworkerId: string
  channelId: string
  trigger: TaskTrigger
  prompt: string
  deviceId: string
}

/**
 * Creates a queued task, or returns the existing one when a task with this id is already there (two
 * devices firing one workflow slot).
 */
export function createTask(root: Y.Doc, input: CreateTaskInput, context: OperationContext): TaskRecord {
  const id = input.taskId ?? newId('task')
  const tasks = rootCollections(root).tasks
  const existing = tasks.get(id)
  if (existing !== undefined) return readRecord<TaskRecord>(existing)
  const record: TaskRecord = {
    id,
    coworkerId: input.coworkerId,
    channelId: input.channelId,
    trigger: input.trigger,
    requestedBy: context.actorId,
    prompt: input.prompt,
    createdAt: context.now(),
    createdByDevice: input.deviceId,
    status: 'queued',
    claim: null,
    stopRequest: null,
    result: null,
    endReason: null,
    usage: null,
    startedAt: null,
    finishedAt: null
  }
  transact(root, context, () => tasks.set(id, newRecordMap({ ...record })))
  return record
}

export const isFinished = (status: TaskStatus): boolean => status === 'succeeded' || status === 'failed' || status === 'stopped'

/**
 * Claims a task for a run on this device: a queued task, or a running one whose lease has lapsed (a
 * takeover). Throws a conflict when another run holds a live lease or the task is finished.
 */
export function claimTask(
  root: Y.Doc,
  input: { taskId: string; deviceId: string; runId: string; leaseMs: number },
  context: OperationContext
): TaskClaim {
  const record = requireTaskRecord(root, input.taskId)
  const task = readRecord<TaskRecord>(record)
  const now = context.now()
  if (isFinished(task.status)) throw conflict(`task ${task.id} has already ${task.status}`)
  if (task.stopRequest !== null) throw conflict(`task ${task.id} was asked to stop`)
  if (task.claim !== null && task.claim.leaseUntil > now && task.claim.runId !== input.runId) {
    throw conflict(`task ${task.id} is being run by device ${task.claim.deviceId}`)
  }
  const claim: TaskClaim = {
    deviceId: input.deviceId,
    runId: input.runId,
    claimedAt: now,
    leaseUntil: now + input.leaseMs,
    attempt: (task.claim?.attempt ?? 0) + (task.claim?.runId === input.runId ? 0 : 1)
  }
  transact(root, context, () => setChangedFields(record, { claim, status: 'running', startedAt: task.startedAt ?? now }))
  return claim
}

/** True while `runId` holds the task's claim: the check a runner makes before it publishes anything. */
export function holdsClaim(root: Y.Doc, taskId: string, runId: string): boolean {
  return getTask(root, taskId).claim?.runId === runId
}

/** Extends the holder's lease. Throws a conflict when the run no longer holds the claim. */
export function renewLease(root: Y.Doc, input: { taskId: string; runId: string; leaseMs: number }, context: OperationContext): TaskClaim {
  const record = requireTaskRecord(root, input.taskId)
  const claim = requireHeldClaim(readRecord<TaskRecord>(record), input.runId)
  const renewed = { ...claim, leaseUntil: context.now() + input.leaseMs }
  transact(root, context, () => record.set('claim', renewed))
  return renewed
}

export const finishTaskInput = z.object({
  taskId: z.string(),
  runId: z.string(),
  status: z.enum(['succeeded', 'failed', 'stopped']),
  result: z.object({ messageId: z.string().nullable(), deliverableIds: z.array(z.string()) }).nullable().default(null),
  endReason: z.string().nullable().default(null),
  usage: z.custom<TaskUsage>().nullable().default(null)
})

/** Records how the holder's run ended. */
export function finishTask(root: Y.Doc, input: z.input<typeof finishTaskInput>, context: OperationContext): TaskRecord {
  const parsed = finishTaskInput.parse(input)
  const record = requireTaskRecord(root, parsed.taskId)
  requireHeldClaim(readRecord<TaskRecord>(record), parsed.runId)
  transact(root, context, () =>
    setChangedFields(record, { status: parsed.status, result: parsed.result, endReason: parsed.endReason, usage: parsed.usage, finishedAt: context.now() })
  )
  return getTask(root, parsed.taskId)
}

/**
 * Asks a task to stop; any member can, from any device. A queued task stops at once; a running one is
 * stopped by its runner, which sees the request through sync and aborts.
 */
export function requestStop(root: Y.Doc, input: { taskId: string }, context: OperationContext): TaskRecord {
  const record = requireTaskRecord(root, input.taskId)
  const task = readRecord<TaskRecord>(record)
  if (isFinished(task.status)) return task
  const now = context.now()
  transact(root, context, () => {
    record.set('stopRequest', { by: context.actorId, at: now })
    if (task.status === 'queued') setChangedFields(record, { status: 'stopped', endReason: 'stopped before it started', finishedAt: now })
  })
  return getTask(root, input.taskId)
}

/**
 * Ends a task that was asked to stop but whose runner is gone (its lease lapsed without a renewal, or it
 * never claimed the task): any device may record the stop, since nobody is left to publish anything.
 * Does nothing while a live runner holds the task (it stops itself) or once the task has ended.
 */
export function settleStoppedTask(root: Y.Doc, input: { taskId: string }, context: OperationContext): TaskRecord {
  const record = requireTaskRecord(root, input.taskId)
  const task = readRecord<TaskRecord>(record)
  const now = context.now()
  const runnerAlive = task.claim !== null && task.claim.leaseUntil > now
  if (isFinished(task.status) || task.stopRequest === null || runnerAlive) return task
  const stopper = readRecord<{ name: string }>(rootCollections(root).members.get(task.stopRequest.by) ?? newRecordMap({ name: 'someone' }))
  transact(root, context, () =>
    setChangedFields(record, { status: 'stopped', endReason: `stopped by ${stopper.name} (its runner had gone away)`, finishedAt: now })
  )
  return getTask(root, input.taskId)
}

export function getTask(root: Y.Doc, taskId: string): TaskRecord {
  return readRecord<TaskRecord>(requireTaskRecord(root, taskId))
}

/** Tasks, newest first. */
export function listTasks(root: Y.Doc, filter: { channelId?: string; coworkerId?: string; status?: TaskStatus } = {}): TaskRecord[] {
  return [...rootCollections(root).tasks.values()]
    .map((record) => readRecord<TaskRecord>(record))
    .filter((task) => filter.channelId === undefined || task.channelId === filter.channelId)
    .filter((task) => filter.coworkerId === undefined || task.coworkerId === filter.coworkerId)
    .filter((task) => filter.status === undefined || task.status === filter.status)
    .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id))
}

/** The tasks a message asked for (one per coworker it mentioned in its channel). */
export function tasksForMessage(root: Y.Doc, messageId: string): TaskRecord[] {
  return listTasks(root).filter((task) => task.trigger.type === 'mention' && task.trigger.messageId === messageId)
}

function requireTaskRecord(root: Y.Doc, taskId: string): RecordMap {
  const record = rootCollections(root).tasks.get(taskId)
  if (record === undefined) throw notFound('task', taskId, 'list tasks with `commons task list`')
  return record
}

function requireHeldClaim(task: TaskRecord, runId: string): TaskClaim {
  if (task.claim === null || task.claim.runId !== runId) throw conflict(`this run no longer holds task ${task.id}; another device took it over`)
  return task.claim
}
