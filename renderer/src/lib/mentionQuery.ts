import type { Member } from '../../../shared/model/types.ts'

/**
 * The `@` autocomplete of the composer, as pure functions: find the mention being typed at the caret,
 * rank the members it could name, and put the chosen handle into the text.
 */

export interface ActiveMention {
  /** Offset of the `@`. */
  start: number
  /** What follows the `@` up to the caret, lowercased. */
  query: string
}

// The same boundary rule as shared/mentions.ts: a mention starts at the start of the text or after a
// character that cannot be part of a word or an email address.
const wordChar = /[a-z0-9._-]/i
const handleChar = /[a-z0-9._-]/i

export function activeMention(text: string, caret: number): ActiveMention | null {
  let index = caret - 1
  while (index >= 0 && handleChar.test(text[index]!)) index--
  if (index < 0 || text[index] !== '@') return null
  const before = index === 0 ? '' : text[index - 1]!
  if (before !== '' && wordChar.test(before)) return null
  const query = text.slice(index + 1, caret)
  if (query.length > 40) return null
  return { start: index, query: query.toLowerCase() }
}

/** Members whose handle or name matches, best first: handle prefix, then a name word's prefix, then anywhere. */
export function matchMembers<M extends Pick<Member, 'id' | 'name' | 'handle' | 'kind' | 'removedAt'>>(
  members: readonly M[],
  query: string,
  options: { limit?: number; excludeId?: string } = {}
): M[] {
  const wanted = query.toLowerCase()
  const scored: { member: M; score: number }[] = []
  for (const member of members) {
    if (member.removedAt !== null || member.id === options.excludeId) continue
    const name = member.name.toLowerCase()
    let score: number
    if (wanted === '') score = 1
    else if (member.handle.startsWith(wanted)) score = 4
    else if (name.split(/\s+/).some((word) => word.startsWith(wanted))) score = 3
    else if (member.handle.includes(wanted) || name.includes(wanted)) score = 2
    else continue
    scored.push({ member, score })
  }
  scored.sort((a, b) => b.score - a.score || a.member.handle.length - b.member.handle.length || a.member.name.localeCompare(b.member.name))
  return scored.slice(0, options.limit ?? 8).map((entry) => entry.member)
}

/** Replaces the mention being typed with `@handle ` and says where the caret goes. */
export function insertMention(text: string, mention: ActiveMention, caret: number, handle: string): { text: string; caret: number } {
  const after = text.slice(caret)
  const insert = `@${handle}` + (after.startsWith(' ') ? '' : ' ')
  const next = text.slice(0, mention.start) + insert + after
  return { text: next, caret: mention.start + insert.length + (after.startsWith(' ') ? 1 : 0) }
}
