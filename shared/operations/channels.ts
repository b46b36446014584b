import * as Y from 'yjs'
import { z } from 'zod'
import { conflict, forbidden, notFound } from '../errors.ts'
import { newId } from '../ids.ts'
import { newRecordMap, readRecord, setChangedFields, type RecordMap } from '../model/records.ts'
import { rootCollections } from '../model/rootDoc.ts'
import type { Channel } from '../model/types.ts'
import { transact, type OperationContext } from './context.ts'
import { getCoworker } from './coworkers.ts'
import { requireCurrentMember } from './members.ts'
import { idOf, parseInput, trimmedText } from './validate.ts'

/**
 * Channel names are lowercase words joined by dashes (`design-review`), as people type them after `#`.
 * Input is forgiving: a leading `#` is dropped, spaces become dashes, capitals are lowered.
 */
export const channelName = z
  .string({ error: 'channel name must be text' })
  .transform((value) => value.trim().replace(/^#/, '').toLowerCase().replace(/\s+/g, '-'))
  .refine((value) => value.length >= 1 && value.length <= 80, { error: 'channel name must be 1 to 80 characters' })
  .refine((value) => /^[a-z0-9][a-z0-9_-]*$/.test(value), {
    error: 'channel name may hold only letters, digits, dashes and underscores, and must start with a letter or digit'
  })

const topic = trimmedText('topic', 250, 0)

export const createChannelInput = z.object({ name: channelName, topic: topic.default('') })

/** Creates a channel; its creator joins it. */
export function createChannel(root: Y.Doc, input: z.input<typeof createChannelInput>, context: OperationContext): Channel {
  const { name, topic } = parseInput('create channel', createChannelInput, input)
  requireCurrentMember(root, context.actorId)
  if (findChannelByName(root, name) !== undefined) throw conflict(`a channel named #${name} already exists`, 'pick another name, or join it')
  const id = newId('ch')
  const now = context.now()
  transact(root, context, () => {
    const members = new Y.Map<number>()
    members.set(context.actorId, now)
    rootCollections(root).channels.set(
      id,
      newRecordMap({ id, name, topic, createdAt: now, createdBy: context.actorId, archived: false, members })
    )
  })
  return getChannel(root, id)
}

export function renameChannel(root: Y.Doc, input: { channelId: string; name: string }, context: OperationContext): Channel {
  const { channelId, name } = parseInput('rename channel', z.object({ channelId: idOf('ch'), name: channelName }), input)
  const record = requireChannelRecord(root, channelId)
  const existing = findChannelByName(root, name)
  if (existing !== undefined && existing.id !== channelId) throw conflict(`a channel named #${name} already exists`)
  transact(root, context, () => setChangedFields(record, { name }))
  return getChannel(root, channelId)
}

export function setChannelTopic(root: Y.Doc, input: { channelId: string; topic: string }, context: OperationContext): Channel {
  const parsed = parseInput('set channel topic', z.object({ channelId: idOf('ch'), topic }), input)
  const record = requireChannelRecord(root, parsed.channelId)
  transact(root, context, () => setChangedFields(record, { topic: parsed.topic }))
  return getChannel(root, parsed.channelId)
}

/** Archives (or, with `archived: false`, restores) a channel: its history stays readable, nobody can post. */
export function archiveChannel(root: Y.Doc, input: { channelId: string; archived?: boolean }, context: OperationContext): Channel {
  const { channelId, archived } = parseInput(
    'archive channel',
    z.object({ channelId: idOf('ch'), archived: z.boolean().default(true) }),
    input
  )
  const record = requireChannelRecord(root, channelId)
  transact(root, context, () => setChangedFields(record, { archived }))
  return getChannel(root, channelId)
}

/** The acting person joins a channel. Joining twice is fine. */
export function joinChannel(root: Y.Doc, input: { channelId: string }, context: OperationContext): Channel {
  const { channelId } = parseInput('join channel', z.object({ channelId: idOf('ch') }), input)
  const record = requireChannelRecord(root, channelId)
  requireCurrentMember(root, context.actorId)
  if (record.get('archived') === true) throw conflict(`#${String(record.get('name'))} is archived`, 'restore it before joining')
  const members = record.get('members') as Y.Map<number>
  if (!members.has(context.actorId)) transact(root, context, () => members.set(context.actorId, context.now()))
  return getChannel(root, channelId)
}

export function leaveChannel(root: Y.Doc, input: { channelId: string }, context: OperationContext): Channel {
  const { channelId } = parseInput('leave channel', z.object({ channelId: idOf('ch') }), input)
  const members = requireChannelRecord(root, channelId).get('members') as Y.Map<number>
  if (members.has(context.actorId)) transact(root, context, () => members.delete(context.actorId))
  return getChannel(root, channelId)
}

const coworkerInChannel = z.object({ channelId: idOf('ch'), coworkerId: idOf('mem') })

/** Adds a coworker to a channel: from then on it can be @mentioned there, and read and post there. */
export function addCoworkerToChannel(root: Y.Doc, input: z.input<typeof coworkerInChannel>, context: OperationContext): Channel {
  const { channelId, coworkerId } = parseInput('add coworker to channel', coworkerInChannel, input)
  const record = requireChannelRecord(root, channelId)
  const coworker = getCoworker(root, coworkerId)
  if (coworker.removedAt !== null) throw conflict(`${coworker.name} was removed from the workspace`)
  requireChannelMember(root, channelId, context.actorId)
  const members = record.get('members') as Y.Map<number>
  if (!members.has(coworkerId)) transact(root, context, () => members.set(coworkerId, context.now()))
  return getChannel(root, channelId)
}

export function removeCoworkerFromChannel(root: Y.Doc, input: z.input<typeof coworkerInChannel>, context: OperationContext): Channel {
  const { channelId, coworkerId } = parseInput('remove coworker from channel', coworkerInChannel, input)
  getCoworker(root, coworkerId)
  const members = requireChannelRecord(root, channelId).get('members') as Y.Map<number>
  if (members.has(coworkerId)) transact(root, context, () => members.delete(coworkerId))
  return getChannel(root, channelId)
}

export function getChannel(root: Y.Doc, channelId: string): Channel {
  return readRecord<Channel>(requireChannelRecord(root, channelId))
}

/**
 * Channels by name. Two devices offline can each create `#general`; both channels are kept, and a lookup
 * by name takes the older one, the same on every device.
 */
export function listChannels(root: Y.Doc, options: { includeArchived?: boolean; memberId?: string } = {}): Channel[] {
  return [...rootCollections(root).channels.values()]
    .map((record) => readRecord<Channel>(record))
    .filter((channel) => options.includeArchived === true || !channel.archived)
    .filter((channel) => options.memberId === undefined || channel.members[options.memberId] !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name) || a.createdAt - b.createdAt || a.id.localeCompare(b.id))
}

export function findChannelByName(root: Y.Doc, name: string): Channel | undefined {
  const wanted = name.trim().replace(/^#/, '').toLowerCase()
  return listChannels(root, { includeArchived: true }).find((channel) => channel.name === wanted)
}

/** A channel by id, or by name with or without `#`. */
export function resolveChannel(root: Y.Doc, idOrName: string): Channel {
  const byId = rootCollections(root).channels.get(idOrName)
  if (byId !== undefined) return readRecord<Channel>(byId)
  const byName = findChannelByName(root, idOrName)
  if (byName === undefined) throw notFound('channel', idOrName, 'list channels with `commons channels`')
  return byName
}

export function requireChannelRecord(root: Y.Doc, channelId: string): RecordMap {
  const record = rootCollections(root).channels.get(channelId)
  if (record === undefined) throw notFound('channel', channelId)
  return record
}

/** Throws unless `memberId` is in the channel. */
export function requireChannelMember(root: Y.Doc, channelId: string, memberId: string): Channel {
  const channel = getChannel(root, channelId)
  if (channel.members[memberId] === undefined) {
    throw forbidden(`not a member of #${channel.name}`, `join it first (\`commons channel join ${channel.name}\`)`)
  }
  return channel
}
