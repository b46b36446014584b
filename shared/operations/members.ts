import type * as Y from 'yjs'
import { z } from 'zod'
import { conflict, notFound } from '../errors.ts'
import { newRecordMap, readRecord, setChangedFields, type RecordMap } from '../model/records.ts'
import { rootCollections } from '../model/rootDoc.ts'
import type { Member } from '../model/types.ts'
import { transact, type OperationContext } from './context.ts'
import { idOf, parseInput, trimmedText } from './validate.ts'

export const memberName = trimmedText('name', 80)

/**
 * A handle is what follows `@` in a mention: the name lowercased, runs of anything but letters, digits,
 * dots and underscores turned into one dash. When a current member already has it, a number is added
 * (`ada`, `ada-2`).
 */
export function makeHandle(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9._]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'member'
  if (!taken.has(base)) return base
  for (let suffix = 2; ; suffix++) {
    const candidate = `${base}-${suffix}`
    if (!taken.has(candidate)) return candidate
  }
}

export function takenHandles(members: Y.Map<RecordMap>, exceptId?: string): Set<string> {
  const taken = new Set<string>()
  for (const [id, record] of members) {
    if (id !== exceptId && record.get('removedAt') == null) taken.add(String(record.get('handle')))
  }
  return taken
}

/** Adds a person inside an open transaction (workspace creation adds its creator this way). */
export function addPersonInTransaction(members: Y.Map<RecordMap>, memberId: string, name: string, now: number): void {
  members.set(
    memberId,
    newRecordMap({ id: memberId, kind: 'person', name, handle: makeHandle(name, takenHandles(members)), joinedAt: now, removedAt: null })
  )
}

export const addPersonInput = z.object({ memberId: idOf('mem'), name: memberName })

/**
 * Adds a person to the workspace. The member id is made once when the person joins and is the same on
 * all their devices; adding an id that is already a member only updates the name.
 */
export function addPerson(root: Y.Doc, input: z.input<typeof addPersonInput>, context: OperationContext): Member {
  const { memberId, name } = parseInput('add member', addPersonInput, input)
  const { members } = rootCollections(root)
  const existing = members.get(memberId)
  transact(root, context, () => {
    if (existing === undefined) addPersonInTransaction(members, memberId, name, context.now())
    else setChangedFields(existing, { name, removedAt: null })
  })
  return getMember(root, memberId)
}

export const renameMemberInput = z.object({ memberId: idOf('mem'), name: memberName })

export function renameMember(root: Y.Doc, input: z.input<typeof renameMemberInput>, context: OperationContext): Member {
  const { memberId, name } = parseInput('rename member', renameMemberInput, input)
  const { members } = rootCollections(root)
  const record = requireMemberRecord(members, memberId)
  transact(root, context, () => {
    setChangedFields(record, { name, handle: makeHandle(name, takenHandles(members, memberId)) })
  })
  return getMember(root, memberId)
}

/** Marks a member removed and takes them out of every channel; their messages keep their name. */
export function removeMember(root: Y.Doc, input: { memberId: string }, context: OperationContext): void {
  const { memberId } = parseInput('remove member', z.object({ memberId: idOf('mem') }), input)
  const { members, channels } = rootCollections(root)
  const record = requireMemberRecord(members, memberId)
  transact(root, context, () => {
    record.set('removedAt', context.now())
    for (const channel of channels.values()) {
      const channelMembers = channel.get('members') as Y.Map<number>
      if (channelMembers.has(memberId)) channelMembers.delete(memberId)
    }
  })
}

export function getMember(root: Y.Doc, memberId: string): Member {
  return readRecord<Member>(requireMemberRecord(rootCollections(root).members, memberId))
}

export function findMember(root: Y.Doc, memberId: string): Member | undefined {
  const record = rootCollections(root).members.get(memberId)
  return record === undefined ? undefined : readRecord<Member>(record)
}

/** Current members (people first, then coworkers, each by name). */
export function listMembers(root: Y.Doc, options: { includeRemoved?: boolean } = {}): Member[] {
  const members = [...rootCollections(root).members.values()].map((record) => readRecord<Member>(record))
  return members
    .filter((member) => options.includeRemoved === true || member.removedAt === null)
    .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'person' ? -1 : 1))
}

/** Finds a current member by handle (with or without `@`) or by exact name, case-insensitively. */
export function findMemberByHandle(root: Y.Doc, handleOrName: string): Member | undefined {
  const wanted = handleOrName.replace(/^@/, '').toLowerCase()
  const current = listMembers(root)
  return current.find((member) => member.handle === wanted) ?? current.find((member) => member.name.toLowerCase() === wanted)
}

export function requireMemberRecord(members: Y.Map<RecordMap>, memberId: string): RecordMap {
  const record = members.get(memberId)
  if (record === undefined) throw notFound('member', memberId)
  return record
}

/** Throws unless `memberId` is a current member of the workspace. */
export function requireCurrentMember(root: Y.Doc, memberId: string): Member {
  const member = getMember(root, memberId)
  if (member.removedAt !== null) throw conflict(`${member.name} is no longer a member of this workspace`)
  return member
}
