import type * as Y from 'yjs'
import { z } from 'zod'
import { conflict, forbidden, notFound } from '../errors.ts'
import { newId } from '../ids.ts'
import { parseMentions } from '../mentions.ts'
import { channelCollections } from '../model/channelDoc.ts'
import { messageIndex } from '../model/messageIndex.ts'
import { rootCollections } from '../model/rootDoc.ts'
import type { MessageRecord, MessageView } from '../model/types.ts'
import { requireChannelMember } from './channels.ts'
import { transact, type OperationContext } from './context.ts'
import { findMember, listMembers } from './members.ts'
import { createTask } from './tasks.ts'
import { idOf, messageText, parseInput } from './validate.ts'

/** The docs a message operation touches: the root (members, channels) and the channel's own doc. */
export interface ChannelDocs {
  root: Y.Doc
  channel: Y.Doc
}

export const postMessageInput = z.object({
  channelId: idOf('ch'),
  text: messageText,
  /** Reply in the thread of this message (a reply to a reply joins the same thread). */
  replyTo: idOf('msg').nullable().default(null),
  deliverableIds: z.array(idOf('dl')).max(50, { error: 'at most 50 linked deliverables' }).default([]),
  taskId: idOf('task').nullable().default(null),
  sharedFromAssistant: z.boolean().default(false)
})

/**
 * Posts a message as the acting member, who must be in the channel. `@handle` mentions of current
 * members are parsed into structured mentions; linked deliverables must exist.
 */
export function postMessage(docs: ChannelDocs, input: z.input<typeof postMessageInput>, context: OperationContext): MessageView {
  const parsed = parseInput('post message', postMessageInput, input)
  const channel = requireChannelMember(docs.root, parsed.channelId, context.actorId)
  if (channel.archived) throw conflict(`#${channel.name} is archived`, 'restore it to post')
  requireDeliverables(docs.root, parsed.deliverableIds)
  let threadId: string | null = null
  if (parsed.replyTo !== null) {
    const parent = messageIndex(docs.channel).byId.get(parsed.replyTo)
    if (parent === undefined) throw notFound('message', parsed.replyTo, `it is not in #${channel.name}`)
    threadId = parent.threadId ?? parent.id
  }
  const record: MessageRecord = {
    id: newId('msg'),
    authorId: context.actorId,
    text: parsed.text,
    mentions: parseMentions(parsed.text, listMembers(docs.root)),
    createdAt: context.now(),
    threadId,
    deliverableIds: parsed.deliverableIds,
    taskId: parsed.taskId,
    sharedFromAssistant: parsed.sharedFromAssistant
  }
  transact(docs.channel, context, () => channelCollections(docs.channel).messages.push([record]))
  createMentionTasks(docs.root, channel.id, record, channel.members, context)
  return getMessage(docs.channel, record.id)
}

/**
 * A person's message that @mentions a coworker in the channel asks that coworker for something: it
 * becomes a queued task, created here, on the device that posted it (which then claims and runs it).
 * A coworker mentioned outside its channels is not asked, and coworkers' own messages ask nobody, so two
 * coworkers cannot set each other off.
 */
function createMentionTasks(root: Y.Doc, channelId: string, message: MessageRecord, channelMembers: Record<string, number>, context: OperationContext): void {
  if (findMember(root, message.authorId)?.kind !== 'person') return
  const asked = new Set(message.mentions.filter((mention) => mention.kind === 'coworker' && channelMembers[mention.memberId] !== undefined).map((mention) => mention.memberId))
  for (const coworkerId of asked) {
    createTask(
      root,
      {
        coworkerId,
        channelId,
        trigger: { type: 'mention', messageId: message.id, threadId: message.threadId },
        prompt: message.text,
        deviceId: context.deviceId ?? 'unknown-device'
      },
      context
    )
  }
}

export const editMessageInput = z.object({
  messageId: idOf('msg'),
  text: messageText,
  deliverableIds: z.array(idOf('dl')).max(50).optional()
})

/** Changes a message's text. Only its author can, and not once it is deleted. */
export function editMessage(docs: ChannelDocs, input: z.input<typeof editMessageInput>, context: OperationContext): MessageView {
  const parsed = parseInput('edit message', editMessageInput, input)
  const current = requireOwnMessage(docs.channel, parsed.messageId, context, 'edit')
  if (current.deleted !== null) throw conflict('this message was deleted', 'deleted messages cannot be edited')
  const deliverableIds = parsed.deliverableIds ?? current.deliverableIds
  requireDeliverables(docs.root, deliverableIds)
  transact(docs.channel, context, () => {
    channelCollections(docs.channel).edits.set(parsed.messageId, {
      text: parsed.text,
      mentions: parseMentions(parsed.text, listMembers(docs.root)),
      deliverableIds,
      editedAt: context.now()
    })
  })
  return getMessage(docs.channel, parsed.messageId)
}

/** Deletes a message softly: readers see "message deleted" in its place, and thread replies stay. */
export function deleteMessage(channelDoc: Y.Doc, input: { messageId: string }, context: OperationContext): MessageView {
  const { messageId } = parseInput('delete message', z.object({ messageId: idOf('msg') }), input)
  const current = requireOwnMessage(channelDoc, messageId, context, 'delete')
  if (current.deleted === null) {
    transact(channelDoc, context, () => {
      const { deletions, edits } = channelCollections(channelDoc)
      deletions.set(messageId, { deletedAt: context.now(), deletedBy: context.actorId })
      // The old text must not linger in an edit either.
      if (edits.has(messageId)) edits.delete(messageId)
    })
  }
  return getMessage(channelDoc, messageId)
}

export const deletedMessageText = 'message deleted'

export function getMessage(channelDoc: Y.Doc, messageId: string): MessageView {
  const record = messageIndex(channelDoc).byId.get(messageId)
  if (record === undefined) throw notFound('message', messageId)
  return viewOf(channelDoc, record)
}

export const readMessagesInput = z.object({
  limit: z.number().int().min(1, { error: 'limit must be at least 1' }).max(10_000, { error: 'limit must be at most 10,000' }).default(50),
  /** Read this thread (its first message and replies) instead of the channel's top level. */
  threadId: idOf('msg').nullable().default(null),
  /** Only messages before this one, for paging back. */
  before: idOf('msg').nullable().default(null)
})

/** The latest messages of the channel's top level, or of one thread, oldest first. */
export function readMessages(channelDoc: Y.Doc, input: z.input<typeof readMessagesInput> = {}): MessageView[] {
  const { limit, threadId, before } = parseInput('read messages', readMessagesInput, input)
  const index = messageIndex(channelDoc)
  let list: MessageRecord[]
  if (threadId === null) list = index.topLevel
  else {
    const first = index.byId.get(threadId)
    if (first === undefined) throw notFound('thread', threadId)
    list = [first, ...(index.replies.get(threadId) ?? [])]
  }
  let end = list.length
  if (before !== null) {
    const position = list.findLastIndex((record) => record.id === before)
    if (position === -1) throw notFound('message', before)
    end = position
  }
  return list.slice(Math.max(0, end - limit), end).map((record) => viewOf(channelDoc, record))
}

/** How many top-level messages the channel has. */
export function countMessages(channelDoc: Y.Doc): number {
  return messageIndex(channelDoc).topLevel.length
}

function viewOf(channelDoc: Y.Doc, record: MessageRecord): MessageView {
  const { edits, deletions } = channelCollections(channelDoc)
  const deleted = deletions.get(record.id) ?? null
  const replyCount = record.threadId === null ? (messageIndex(channelDoc).replies.get(record.id)?.length ?? 0) : 0
  if (deleted !== null) {
    return { ...record, text: '', mentions: [], deliverableIds: [], editedAt: null, deleted, replyCount }
  }
  const edit = edits.get(record.id)
  if (edit === undefined) return { ...record, editedAt: null, deleted: null, replyCount }
  return { ...record, text: edit.text, mentions: edit.mentions, deliverableIds: edit.deliverableIds, editedAt: edit.editedAt, deleted: null, replyCount }
}

function requireOwnMessage(channelDoc: Y.Doc, messageId: string, context: OperationContext, action: string): MessageView {
  const message = getMessage(channelDoc, messageId)
  if (message.authorId !== context.actorId) throw forbidden(`only the author can ${action} this message`)
  return message
}

function requireDeliverables(root: Y.Doc, deliverableIds: readonly string[]): void {
  const index = rootCollections(root).deliverables
  for (const id of deliverableIds) if (!index.has(id)) throw notFound('deliverable', id)
}
