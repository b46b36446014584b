import { Cron } from 'croner'
import type * as Y from 'yjs'
import { z } from 'zod'
import { conflict, notFound } from '../errors.ts'
import { newId } from '../ids.ts'
import { newRecordMap, readRecord, setChangedFields, type RecordMap } from '../model/records.ts'
import { rootCollections } from '../model/rootDoc.ts'
import type { Workflow } from '../model/types.ts'
import { getChannel } from './channels.ts'
import { transact, type OperationContext } from './context.ts'
import { coworkerChannelIds, getCoworker } from './coworkers.ts'
import { idOf, parseInput, trimmedText } from './validate.ts'

export const cronExpression = z.string().trim().superRefine((expression, issue) => {
  if (expression.split(/\s+/).length !== 5) {
    issue.addIssue({ code: 'custom', message: 'schedule must be a five-field cron expression (minute hour day month weekday), e.g. "0 9 * * MON"' })
    return
  }
  try {
    new Cron(expression, { paused: true })
  } catch (error) {
    issue.addIssue({ code: 'custom', message: `schedule is not a valid cron expression: ${(error as Error).message}` })
  }
})

export const timeZone = z.string().trim().refine(isTimeZone, { error: 'time zone must be an IANA zone such as Europe/Paris or UTC' })

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return zone.length > 0
  } catch {
    return false
  }
}

export const createWorkflowInput = z.object({
  name: trimmedText('workflow name', 120),
  coworkerId: idOf('mem'),
  cron: cronExpression,
  timeZone: timeZone.default('UTC'),
  prompt: trimmedText('prompt', 8_000),
  channelId: idOf('ch'),
  review: z.boolean().default(true),
  enabled: z.boolean().default(true)
})

/**
 * Defines a recurring workflow: a coworker runs `prompt` in a channel on a cron schedule, and with review
 * on its output waits for the owner (the person who defined it) to approve it.
 */
export function createWorkflow(root: Y.Doc, input: z.input<typeof createWorkflowInput>, context: OperationContext): Workflow {
  const parsed = parseInput('create workflow', createWorkflowInput, input)
  checkCoworkerInChannel(root, parsed.coworkerId, parsed.channelId)
  const id = newId('wf')
  transact(root, context, () => {
    const now = context.now()
    rootCollections(root).workflows.set(id, newRecordMap({ id, ...parsed, ownerId: context.actorId, createdAt: now, scheduleChangedAt: now }))
  })
  return getWorkflow(root, id)
}

export const editWorkflowInput = createWorkflowInput.partial().extend({ workflowId: idOf('wf') })

export function editWorkflow(root: Y.Doc, input: z.input<typeof editWorkflowInput>, context: OperationContext): Workflow {
  const { workflowId, ...changes } = parseInput('edit workflow', editWorkflowInput, input)
  const record = requireWorkflowRecord(root, workflowId)
  const current = readRecord<Workflow>(record)
  checkCoworkerInChannel(root, changes.coworkerId ?? current.coworkerId, changes.channelId ?? current.channelId)
  const scheduleChanged =
    (changes.cron !== undefined && changes.cron !== current.cron) ||
    (changes.timeZone !== undefined && changes.timeZone !== current.timeZone) ||
    (changes.enabled === true && !current.enabled)
  transact(root, context, () => setChangedFields(record, { ...changes, ...(scheduleChanged ? { scheduleChangedAt: context.now() } : {}) }))
  return getWorkflow(root, workflowId)
}

export function removeWorkflow(root: Y.Doc, input: { workflowId: string }, context: OperationContext): void {
  const { workflowId } = parseInput('remove workflow', z.object({ workflowId: idOf('wf') }), input)
  requireWorkflowRecord(root, workflowId)
  transact(root, context, () => rootCollections(root).workflows.delete(workflowId))
}

export function getWorkflow(root: Y.Doc, workflowId: string): Workflow {
  return readRecord<Workflow>(requireWorkflowRecord(root, workflowId))
}

export function listWorkflows(root: Y.Doc): Workflow[] {
  return [...rootCollections(root).workflows.values()]
    .map((record) => readRecord<Workflow>(record))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
}

/** When a workflow runs next after `after`, or null when it is disabled or its schedule never fires again. */
export function nextRunOf(workflow: Workflow, after: Date = new Date()): Date | null {
  if (!workflow.enabled) return null
  return new Cron(workflow.cron, { timezone: workflow.timeZone, paused: true }).nextRun(after)
}

function checkCoworkerInChannel(root: Y.Doc, coworkerId: string, channelId: string): void {
  const coworker = getCoworker(root, coworkerId)
  const channel = getChannel(root, channelId)
  if (!coworkerChannelIds(root, coworkerId).includes(channelId)) {
    throw conflict(`${coworker.name} is not in #${channel.name}`, `add it to the channel first`)
  }
}

function requireWorkflowRecord(root: Y.Doc, workflowId: string): RecordMap {
  const record = rootCollections(root).workflows.get(workflowId)
  if (record === undefined) throw notFound('workflow', workflowId, 'list workflows with `commons workflow list`')
  return record
}
