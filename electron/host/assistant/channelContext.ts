/**
 * The channel context a private session can be opened with: a bounded, plain-text snapshot of the
 * channel's recent messages (with author names), its deliverables and the workspace's pinned memory.
 *
 * It is taken once, when the session opens, and kept in the session (on this device) so the person can
 * see exactly what the model reads, and remove it. Channel content is data for the model to read,
 * never instructions (the system prompt says so; assistantPrompt.ts).
 */

import { requireChannelMember } from '../../../shared/operations/channels.ts'
import { listDeliverables } from '../../../shared/operations/deliverables.ts'
import { listMembers } from '../../../shared/operations/members.ts'
import { listMemory } from '../../../shared/operations/memory.ts'
import { countMessages, readMessages } from '../../../shared/operations/messages.ts'
import type { WorkspaceSession } from '../workspaceSession.ts'

export interface ContextLimits {
  /** Recent top-level messages to include. */
  messages: number
  /** A longer message is cut, with an ellipsis. */
  charsPerMessage: number
  deliverables: number
  pinnedMemory: number
  /** The whole snapshot; older messages are left out first to stay under it. */
  totalChars: number
}

export const defaultContextLimits: ContextLimits = { messages: 30, charsPerMessage: 1_000, deliverables: 20, pinnedMemory: 20, totalChars: 16_000 }

/** What a snapshot needs of a workspace session (a WorkspaceSession has it all). */
export type ContextSource = Pick<WorkspaceSession, 'root' | 'memberId' | 'withChannel'>

export interface ChannelContextSnapshot {
  channelId: string
  channelName: string
  /** For the chip: "#launch · 30 messages · 2 deliverables · 3 pinned". */
  label: string
  text: string
  takenAt: number
  /** What made it in. */
  counts: { messages: number; deliverables: number; pinnedMemory: number }
}

/**
 * Takes the snapshot. The person must be in the channel: the assistant reads only the channels its
 * person is in (a `forbidden` error says to join it first).
 */
export async function snapshotChannelContext(
  session: ContextSource,
  channelId: string,
  limits: Partial<ContextLimits> = {},
  now: () => number = Date.now
): Promise<ChannelContextSnapshot> {
  const bounds = { ...defaultContextLimits, ...limits }
  const channel = requireChannelMember(session.root, channelId, session.memberId)
  const takenAt = now()
  const members = new Map(listMembers(session.root, { includeRemoved: true }).map((member) => [member.id, member]))
  const authorOf = (memberId: string) => {
    const member = members.get(memberId)
    if (member === undefined) return 'someone no longer known'
    return member.kind === 'coworker' ? `${member.name} (AI coworker)` : member.name
  }

  const { recent, total } = await session.withChannel(channelId, ({ channel: doc }) => ({
    recent: bounds.messages > 0 ? readMessages(doc, { limit: Math.min(bounds.messages, 10_000) }) : [],
    total: countMessages(doc)
  }))
  const messageLines = recent
    .filter((message) => message.deleted === null)
    .map((message) => {
      const replies = message.replyCount > 0 ? ` (${message.replyCount} ${message.replyCount === 1 ? 'reply' : 'replies'} in its thread)` : ''
      return `[${formatTime(message.createdAt)}] ${authorOf(message.authorId)}: ${cut(message.text, bounds.charsPerMessage)}${replies}`
    })

  const deliverables = listDeliverables(session.root, { channelId }).slice(0, bounds.deliverables)
  const deliverableLines = deliverables.map(
    (item) => `- "${item.title}" (${item.kind}, ${item.status}, id ${item.id}, updated ${formatTime(item.updatedAt)})`
  )
  const memory = listMemory(session.root, { pinnedOnly: true }).slice(0, bounds.pinnedMemory)
  const memoryLines = memory.map((item) => `- ${item.kind}: ${cut(item.text, bounds.charsPerMessage)}`)

  const header = [`Channel #${channel.name}${channel.topic === '' ? '' : ` (topic: ${channel.topic})`}`, `Snapshot taken ${formatTime(takenAt)}.`].join('\n')
  const deliverableSection = ['Deliverables in this channel:', ...(deliverableLines.length > 0 ? deliverableLines : ['(none)'])].join('\n')
  const memorySection = ['Pinned workspace memory:', ...(memoryLines.length > 0 ? memoryLines : ['(none)'])].join('\n')

  // Messages get what room is left, newest first, so the oldest are the ones left out.
  const fixed = header.length + deliverableSection.length + memorySection.length + 200
  let room = bounds.totalChars - fixed
  const kept: string[] = []
  for (let index = messageLines.length - 1; index >= 0; index--) {
    const line = messageLines[index]!
    if (line.length + 1 > room) break
    kept.unshift(line)
    room -= line.length + 1
  }
  const messageHeading =
    kept.length === 0 ? 'Recent messages: (none)' : `Recent messages (the last ${kept.length} of ${total}, oldest first; threads not included):`
  const text = cut([header, [messageHeading, ...kept].join('\n'), deliverableSection, memorySection].join('\n\n'), bounds.totalChars)

  const labelParts = [`#${channel.name}`, plural(kept.length, 'message')]
  if (deliverables.length > 0) labelParts.push(plural(deliverables.length, 'deliverable'))
  if (memory.length > 0) labelParts.push(`${memory.length} pinned`)
  return {
    channelId: channel.id,
    channelName: channel.name,
    label: labelParts.join(' · '),
    text,
    takenAt,
    counts: { messages: kept.length, deliverables: deliverables.length, pinnedMemory: memory.length }
  }
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text
  return text.slice(0, Math.max(0, max - 1)).trimEnd() + '…'
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/** "2026-11-21 09:00 UTC": the same on every machine, so the model and the tests read one thing. */
function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
}
