import { CommonsError, forbidden, notFound } from '../../../shared/errors.ts'
import { readRecord } from '../../../shared/model/records.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { Channel, Deliverable, FileRecord } from '../../../shared/model/types.ts'
import { findChannelByName } from '../../../shared/operations/channels.ts'
import { getDeliverable, listDeliverables } from '../../../shared/operations/deliverables.ts'
import { getFile, listFiles } from '../../../shared/operations/files.ts'
import type { ToolContext } from './toolTypes.ts'

/**
 * What a caller may reach. The caller's channel set (made by the task runner or the assistant from the
 * workspace's membership, never from anything the model read) is the only authority: a channel outside
 * it is refused with a `forbidden` error (the registry records it as a refusal), and a deliverable or file
 * kept in such a channel is refused the same way. Workspace-wide deliverables and files (no channel) are
 * reachable by everyone in the workspace.
 */

/** The caller's channels that exist, oldest first. */
export function channelsInReach(context: ToolContext): Channel[] {
  const { channels } = rootCollections(context.session.root)
  return [...context.caller.channelIds]
    .flatMap((id) => {
      const record = channels.get(id)
      return record === undefined ? [] : [readRecord<Channel>(record)]
    })
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
}

export function describeReach(context: ToolContext): string {
  const names = channelsInReach(context).map((channel) => `#${channel.name}`)
  return names.length === 0 ? 'you have no channels' : `your channels are ${names.join(', ')}`
}

export function isReachable(context: ToolContext, channelId: string | null): boolean {
  return channelId === null || context.caller.channelIds.has(channelId)
}

/** A channel in reach, by id or by name (with or without `#`); refuses any other, saying which are in reach. */
export function reachableChannel(context: ToolContext, idOrName: string, action: string): Channel {
  const wanted = idOrName.trim()
  const name = wanted.replace(/^#/, '').toLowerCase()
  const mine = channelsInReach(context)
  const found = mine.find((channel) => channel.id === wanted) ?? mine.find((channel) => channel.name === name)
  if (found !== undefined) return found
  const record = rootCollections(context.session.root).channels.get(wanted)
  const other = record !== undefined ? readRecord<Channel>(record) : findChannelByName(context.session.root, name)
  if (other === undefined) throw notFound('channel', wanted, describeReach(context))
  throw forbidden(`#${other.name} is not one of your channels, so you cannot ${action} it`, describeReach(context))
}

/**
 * The channel a tool acts in: the one named, or else the channel of the task being run, or else the
 * caller's only channel.
 */
export function targetChannel(context: ToolContext, idOrName: string | undefined, action: string): Channel {
  if (idOrName !== undefined) return reachableChannel(context, idOrName, action)
  const mine = channelsInReach(context)
  const taskChannelId = taskOf(context)?.get('channelId')
  const fromTask = mine.find((channel) => channel.id === taskChannelId)
  if (fromTask !== undefined) return fromTask
  if (mine.length === 1) return mine[0]!
  throw new CommonsError('invalid-input', `say which channel to ${action}`, describeReach(context))
}

/** The record of the task a coworker is running, when it is one. */
export function taskOf(context: ToolContext) {
  if (context.caller.kind !== 'coworker') return undefined
  return rootCollections(context.session.root).tasks.get(context.caller.taskId)
}

/** A deliverable in reach, by id or by exact title (case-insensitive; the most recently changed wins). */
export function reachableDeliverable(context: ToolContext, idOrTitle: string): Deliverable {
  const wanted = idOrTitle.trim()
  const root = context.session.root
  let deliverable: Deliverable | undefined
  if (rootCollections(root).deliverables.has(wanted)) deliverable = getDeliverable(root, wanted)
  else {
    const title = wanted.toLowerCase()
    const matches = listDeliverables(root).filter((item) => item.title.toLowerCase() === title)
    deliverable = matches.find((item) => isReachable(context, item.channelId)) ?? matches[0]
  }
  if (deliverable === undefined) throw notFound('deliverable', wanted, 'find it with search_workspace, or give its dl_ id')
  requireReachable(context, deliverable.channelId, `"${deliverable.title}"`)
  return deliverable
}

/** A file in reach, by id or by exact name (case-insensitive; the newest wins). */
export function reachableFile(context: ToolContext, idOrName: string): FileRecord {
  const wanted = idOrName.trim()
  const root = context.session.root
  let file: FileRecord | undefined
  if (rootCollections(root).files.has(wanted)) file = getFile(root, wanted)
  else {
    const name = wanted.toLowerCase()
    const matches = listFiles(root).filter((item) => item.name.toLowerCase() === name)
    file = matches.find((item) => isReachable(context, item.channelId)) ?? matches[0]
  }
  if (file === undefined) throw notFound('file', wanted, 'list the files with list_files')
  requireReachable(context, file.channelId, file.name)
  return file
}

export function requireReachable(context: ToolContext, channelId: string | null, what: string): void {
  if (isReachable(context, channelId)) return
  const record = rootCollections(context.session.root).channels.get(channelId!)
  const where = record === undefined ? 'a channel' : `#${String(record.get('name'))}`
  throw forbidden(`${what} is kept in ${where}, which is not one of your channels`, describeReach(context))
}

/** `#name` of a channel id, or null for workspace-wide things. */
export function channelLabel(context: ToolContext, channelId: string | null): string | null {
  if (channelId === null) return null
  const record = rootCollections(context.session.root).channels.get(channelId)
  return record === undefined ? channelId : `#${String(record.get('name'))}`
}
