import type * as Y from 'yjs'
import type { EventPayload } from '../../../shared/bridge/contract.ts'
import { readRecord } from '../../../shared/model/records.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { Channel, Deliverable, MessageRecord, TaskRecord, Workflow } from '../../../shared/model/types.ts'
import { findMember } from '../../../shared/operations/members.ts'
import { isFinished } from '../../../shared/operations/tasks.ts'
import { producingTask, workflowOf } from '../../../shared/operations/workflowRuns.ts'

/**
 * What is worth telling a person when they are looking elsewhere, decided from the shared docs alone
 * (no Electron, no clock of its own): the feed (notificationFeed.ts) calls these for each change it sees,
 * and the desktop app shows the result natively, the renderer as a toast.
 *
 * - a mention: a new message in a channel the person joined, from someone else, that @mentions them;
 * - a task finished: a coworker task the person asked for reached a final status;
 * - a review requested: a deliverable went "in review" and the workflow that produced it is the person's.
 *
 * Each decision also says what it is about (`key`), so one event seen twice (a message and the status
 * change it announces, a change replayed by sync) is told once.
 */

export type NotificationPayload = EventPayload<'notification'>

export interface Decision {
  payload: NotificationPayload
  /** What the notification is about; the feed tells each key once. */
  key: string
}

export interface DecisionContext {
  workspaceId: string
  /** The person at this device. */
  memberId: string
  now: number
  /** Older events are history (a device catching up after being offline), not news. */
  maxAgeMs: number
}

const maxBodyChars = 200

/** A new message in a joined channel: a mention of the person, or (from a coworker) the review request it carries. */
export function decideMessage(root: Y.Doc, channel: Pick<Channel, 'id' | 'name'>, message: MessageRecord, context: DecisionContext): Decision | null {
  if (message.authorId === context.memberId) return null
  if (!message.mentions.some((mention) => mention.memberId === context.memberId)) return null
  if (!isRecent(message.createdAt, context)) return null
  const author = findMember(root, message.authorId)
  // A workflow's review request is a coworker's message that @mentions the owner and links what is in review:
  // it is told as the review request, keyed like the status change it announces, so it shows once.
  if (author?.kind === 'coworker' && message.deliverableIds.length > 0) {
    const reviews = message.deliverableIds.map((deliverableId) => reviewFor(root, deliverableId, context, { recentOnly: false }))
    const first = reviews[0]
    if (first !== null && first !== undefined && reviews.every((review) => review !== null)) return first
  }
  const where = message.threadId === null ? `#${channel.name}` : `a thread in #${channel.name}`
  return {
    key: `mention:${message.id}`,
    payload: {
      workspaceId: context.workspaceId,
      kind: 'mention',
      title: `${author?.name ?? 'Someone'} mentioned you in ${where}`,
      body: clip(message.text),
      channelId: channel.id
    }
  }
}

/**
 * A task record changed: told when a task the person asked for has just reached a final status
 * (`previous` is the status this device knew before, undefined for a task it had not seen).
 */
export function decideTask(root: Y.Doc, task: TaskRecord, previous: TaskRecord['status'] | undefined, context: DecisionContext): Decision | null {
  if (task.requestedBy !== context.memberId) return null
  if (!isFinished(task.status) || (previous !== undefined && isFinished(previous))) return null
  if (!isRecent(task.finishedAt ?? context.now, context)) return null
  // They stopped it themselves: nothing to tell.
  if (task.status === 'stopped' && task.stopRequest?.by === context.memberId) return null
  // A workflow run with review on, by its owner, that made something: the review request says it.
  if (task.status === 'succeeded' && (task.result?.deliverableIds.length ?? 0) > 0) {
    const workflow = workflowOf(root, task)
    if (workflow !== null && workflow.review && workflow.ownerId === context.memberId) return null
  }
  const coworker = findMember(root, task.coworkerId)?.name ?? 'A coworker'
  const asked = clip(firstLine(task.prompt))
  const { title, body } =
    task.status === 'succeeded'
      ? { title: `${coworker} finished your task`, body: asked }
      : task.status === 'failed'
        ? { title: `${coworker} could not finish your task`, body: clip(task.endReason ?? asked) }
        : { title: `${coworker} stopped your task`, body: clip(task.endReason ?? asked) }
  return { key: `task:${task.id}:${task.status}`, payload: { workspaceId: context.workspaceId, kind: 'task-finished', title, body, channelId: task.channelId } }
}

/** A deliverable's index entry changed: told when it went in review and the workflow that made it is the person's. */
export function decideDeliverable(root: Y.Doc, deliverableId: string, previous: Deliverable['status'] | undefined, context: DecisionContext): Decision | null {
  if (previous === 'in-review') return null
  return reviewFor(root, deliverableId, context, { recentOnly: true })
}

function reviewFor(root: Y.Doc, deliverableId: string, context: DecisionContext, options: { recentOnly: boolean }): Decision | null {
  const entry = rootCollections(root).deliverables.get(deliverableId)
  if (entry === undefined) return null
  const deliverable = readRecord<Deliverable>(entry)
  if (deliverable.status !== 'in-review') return null
  const change = deliverable.statusHistory.at(-1)
  if (change === undefined || change.status !== 'in-review' || change.by === context.memberId) return null
  if (options.recentOnly && !isRecent(change.at, context)) return null
  const producer = producingTask(root, deliverableId)
  const workflow: Workflow | null = producer === null ? null : workflowOf(root, producer)
  if (workflow === null || workflow.ownerId !== context.memberId) return null
  return {
    key: `review:${deliverableId}:${change.at}`,
    payload: {
      workspaceId: context.workspaceId,
      kind: 'review-requested',
      title: `"${deliverable.title}" is ready for your review`,
      body: clip(`${workflow.name}: approve it or ask for changes.`),
      channelId: deliverable.channelId ?? producer?.channelId ?? null
    }
  }
}

function isRecent(at: number, context: DecisionContext): boolean {
  return context.now - at <= context.maxAgeMs
}

function firstLine(text: string): string {
  return text.trim().split('\n', 1)[0] ?? ''
}

/** One line, at most 200 characters: a notification is a pointer, not the message. */
export function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= maxBodyChars ? flat : `${flat.slice(0, maxBodyChars - 1).trimEnd()}…`
}
