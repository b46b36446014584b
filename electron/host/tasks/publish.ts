import type * as Y from 'yjs'
import { isCommonsError } from '../../../shared/errors.ts'
import { messageIndex } from '../../../shared/model/messageIndex.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import { endLiveReply, readTrail } from '../../../shared/model/trail.ts'
import type { MessageView, TaskRecord, TaskUsage } from '../../../shared/model/types.ts'
import type { OperationContext } from '../../../shared/operations/context.ts'
import { deleteMessage, getMessage, postMessage } from '../../../shared/operations/messages.ts'
import { estimateCostUsd } from '../../agent/providers/pricing.ts'
import { finishTask, getTask, holdsClaim } from '../../../shared/operations/tasks.ts'
import { endingRecord, type RunEnding } from './outcomeReply.ts'
import type { RunTrail } from './runTrail.ts'

/**
 * Publishing a task's result: the reply message, the task record's ending, the trail's `finished`.
 *
 * Exactly once across devices: a run publishes only while it holds the task's claim, checked right after
 * the device and the sync server agreed (the caller waits for that). It also looks for a reply another
 * run already published (two claims made apart can merge so that the later one wins after the earlier
 * one published): then it does not post again, and points the task record at that reply.
 *
 * A published reply is found from the trail's `finished` entry written right after it, or else by the
 * task id it carries, looked for where the reply goes (the request's thread, or the latest top-level
 * messages).
 */

export interface PublishInput {
  root: Y.Doc
  channel: Y.Doc
  task: TaskRecord
  runId: string
  ending: RunEnding
  usage: TaskUsage
  /** Deliverables the run created or changed. */
  deliverableIds: readonly string[]
  trail: RunTrail
  /** The coworker's context (actor: the coworker, origin: agent). */
  context: OperationContext
  /** The coworker's model, to price another run's usage when this one adopts its reply. */
  model: string
}

export type PublishOutcome =
  | { kind: 'published'; messageId: string | null; task: TaskRecord }
  /** Another run's reply was there already; the task record now points at it. */
  | { kind: 'already-published'; messageId: string }
  | { kind: 'lost'; winnerRunId: string | null }
  /** The task is gone from the workspace. */
  | { kind: 'gone' }

export function publishIfHolding(input: PublishInput): PublishOutcome {
  const { root, channel, runId, trail, context } = input
  const taskId = input.task.id
  if (!rootCollections(root).tasks.has(taskId)) return { kind: 'gone' }
  const task = getTask(root, taskId)
  if (!holdsClaim(root, taskId, runId)) {
    const winnerRunId = task.claim?.runId ?? null
    channel.transact(() => {
      trail.add({ type: 'lost-claim', winnerRunId: winnerRunId ?? 'none' })
      endLiveReply(channel, taskId, runId, context.origin)
    }, context.origin)
    return { kind: 'lost', winnerRunId }
  }

  const existing = publishedReply(channel, taskId, replyThreadOf(task))
  if (existing !== null) {
    adoptReply(input, task, existing)
    return { kind: 'already-published', messageId: existing.id }
  }

  const index = rootCollections(root).deliverables
  const deliverableIds = [...new Set(input.deliverableIds)].filter((id) => index.has(id)).slice(0, 50)
  const ending = endingRecord(input.ending, { linkedDeliverables: deliverableIds.length })
  const replyTo = replyThreadOf(task)
  let messageId: string | null = null
  let endReason = ending.endReason
  let status = ending.status
  try {
    messageId = postMessage({ root, channel }, { channelId: task.channelId, text: ending.replyText, replyTo, deliverableIds, taskId }, context).id
  } catch (error) {
    // The coworker was taken out of the channel, the channel archived, the thread deleted: say why on the task.
    if (!isCommonsError(error)) throw error
    status = 'failed'
    endReason = `the reply could not be posted: ${error.message}${error.hint ? ` (${error.hint})` : ''}`
  }
  channel.transact(() => {
    trail.add({ type: 'finished', status, reason: endReason, messageId })
    endLiveReply(channel, taskId, runId, context.origin)
  }, context.origin)
  const finished = finishTask(
    root,
    { taskId, runId, status, result: { messageId, deliverableIds: messageId === null ? [] : deliverableIds }, endReason, usage: input.usage },
    context
  )
  return { kind: 'published', messageId, task: finished }
}

/**
 * The reply a run of this task published, or null: the first one in channel order that is not deleted.
 * Found through the trail's `finished` entries, which are written with their reply.
 */
export function publishedReply(channel: Y.Doc, taskId: string, thread: string | null = null): MessageView | null {
  const replies = publishedReplies(channel, taskId, thread)
  return replies[0] ?? null
}

/** Every reply published for the task and not deleted, in channel order. */
export function publishedReplies(channel: Y.Doc, taskId: string, thread: string | null = null): MessageView[] {
  const index = messageIndex(channel)
  const ids = new Set<string>()
  for (const entry of readTrail(channel, taskId)) {
    if (entry.type === 'finished' && entry.messageId !== null && index.byId.has(entry.messageId)) ids.add(entry.messageId)
  }
  // A reply whose trail entry has not arrived yet (they are two updates): look where it would be.
  const list = thread === null ? index.topLevel : (index.replies.get(thread) ?? [])
  for (let position = list.length - 1, looked = 0; position >= 0 && looked < replyScanLimit; position--, looked++) {
    const record = list[position]!
    if (record.taskId === taskId) ids.add(record.id)
  }
  const replies = [...ids].map((id) => getMessage(channel, id)).filter((message) => message.deleted === null && message.taskId === taskId)
  if (replies.length < 2) return replies
  const position = positions(channel, replies)
  return replies.sort((a, b) => position.get(a.id)! - position.get(b.id)!)
}

/** How many of the latest messages are searched for a reply by its task id. */
const replyScanLimit = 5_000

/**
 * When two runs both published (a claim that settled only after the first run's reply was out), the
 * reply first in channel order stays and later ones are withdrawn by the coworker; the order is the same
 * on every device, so every device keeps the same one. The holder of the claim points the task at it.
 * Returns the reply that stays, or null when there is none.
 */
export function withdrawDuplicateReplies(input: { root: Y.Doc; channel: Y.Doc; taskId: string; thread: string | null; runId: string; context: OperationContext }): MessageView | null {
  const { root, channel, taskId, runId, context } = input
  const replies = publishedReplies(channel, taskId, input.thread)
  const kept = replies[0]
  if (kept === undefined) return null
  for (const duplicate of replies.slice(1)) {
    if (duplicate.authorId === context.actorId) deleteMessage(channel, { messageId: duplicate.id }, context)
  }
  if (rootCollections(root).tasks.has(taskId) && holdsClaim(root, taskId, runId)) {
    const task = getTask(root, taskId)
    if (task.result?.messageId !== kept.id && isFinished(task.status)) {
      finishTask(root, { taskId, runId, status: task.status, result: { messageId: kept.id, deliverableIds: kept.deliverableIds }, endReason: task.endReason, usage: task.usage }, context)
    }
  }
  return kept
}

/**
 * The task record points at another run's reply, with the ending and usage that run recorded in the
 * trail (its own record of them may have been lost when the two claims merged).
 */
function adoptReply(input: PublishInput, task: TaskRecord, reply: MessageView): void {
  const { root, channel, runId, trail, context } = input
  const publisher = readTrail(channel, task.id).find((entry) => entry.type === 'finished' && entry.messageId === reply.id)
  const status: FinishedStatus = publisher?.type === 'finished' ? publisher.status : isFinished(task.status) ? task.status : 'succeeded'
  const endReason = publisher?.type === 'finished' ? publisher.reason : task.endReason
  channel.transact(() => {
    trail.add({ type: 'finished', status, reason: 'another run had already published the reply', messageId: reply.id })
    endLiveReply(channel, task.id, runId, context.origin)
  }, context.origin)
  if (task.result?.messageId === reply.id && task.status === status) return
  const usage = task.usage ?? (publisher === undefined ? input.usage : usageFromTrail(channel, task.id, publisher.runId, input.model))
  finishTask(root, { taskId: task.id, runId, status, result: { messageId: reply.id, deliverableIds: reply.deliverableIds }, endReason, usage }, context)
}

/** A run's usage added up from its `turn` entries, priced for `model`. */
export function usageFromTrail(channel: Y.Doc, taskId: string, runId: string, model: string): TaskUsage {
  const usage: TaskUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, estimatedCostUsd: 0, turns: 0 }
  for (const entry of readTrail(channel, taskId)) {
    if (entry.type !== 'turn' || entry.runId !== runId) continue
    usage.turns += 1
    usage.inputTokens += entry.inputTokens
    usage.outputTokens += entry.outputTokens
    usage.cacheReadTokens += entry.cacheReadTokens
    usage.cacheWriteTokens += entry.cacheWriteTokens
  }
  usage.estimatedCostUsd = estimateCostUsd(model, usage)
  return usage
}

/** Where a task's reply goes: the request's thread, or the top level. */
export function replyThreadOf(task: TaskRecord): string | null {
  return task.trigger.type === 'mention' ? task.trigger.threadId : null
}

type FinishedStatus = 'succeeded' | 'failed' | 'stopped'

const isFinished = (status: TaskRecord['status']): status is FinishedStatus => status === 'succeeded' || status === 'failed' || status === 'stopped'

/** Where messages stand in their list (the top level, or their thread), searched from the newest. */
function positions(channel: Y.Doc, messages: readonly MessageView[]): Map<string, number> {
  const index = messageIndex(channel)
  const out = new Map<string, number>()
  for (const message of messages) {
    const list = message.threadId === null ? index.topLevel : (index.replies.get(message.threadId) ?? [])
    out.set(message.id, list.findLastIndex((record) => record.id === message.id))
  }
  return out
}
