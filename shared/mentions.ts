import type { Member, Mention } from './model/types.ts'

/**
 * Finds `@handle` mentions of current members in a message. A mention starts at `@` at the start of the
 * text or after a character that cannot be part of a word or an email address, and the longest handle
 * that matches wins (`@ada-lovelace` over `@ada`). Text that looks like a mention but names nobody stays
 * plain text.
 */
export function parseMentions(text: string, members: readonly Member[]): Mention[] {
  const byHandle = new Map<string, Member>()
  for (const member of members) if (member.removedAt === null) byHandle.set(member.handle, member)
  const handles = [...byHandle.keys()].sort((a, b) => b.length - a.length)
  const mentions: Mention[] = []
  const lower = text.toLowerCase()
  for (let index = lower.indexOf('@'); index !== -1; index = lower.indexOf('@', index + 1)) {
    const before = index === 0 ? '' : lower[index - 1]!
    if (before !== '' && /[a-z0-9._-]/.test(before)) continue
    const handle = handles.find((candidate) => lower.startsWith(candidate, index + 1) && !isHandleChar(lower[index + 1 + candidate.length]))
    if (handle === undefined) continue
    const member = byHandle.get(handle)!
    mentions.push({ memberId: member.id, kind: member.kind, start: index, end: index + 1 + handle.length })
  }
  return mentions
}

// A handle ends where a character that handles can hold does not follow ("@ada," mentions ada; "@adam" does not).
// A trailing dot is sentence punctuation, not part of the handle.
function isHandleChar(char: string | undefined): boolean {
  return char !== undefined && /[a-z0-9_-]/.test(char)
}
