import type { MemoryItem, MemoryKind, MemorySource } from '../../../shared/model/types.ts'

/** How the memory view filters, groups and labels memory items: pure functions over what listMemory reads. */

export const memoryKinds: readonly MemoryKind[] = ['fact', 'decision', 'preference']

export const kindLabels: Record<MemoryKind, { one: string; many: string; describe: string }> = {
  fact: { one: 'Fact', many: 'Facts', describe: 'Something true about the team, its customers or its work' },
  decision: { one: 'Decision', many: 'Decisions', describe: 'Something the team decided, so nobody asks again' },
  preference: { one: 'Preference', many: 'Preferences', describe: 'How the team likes things done' }
}

/** Lowercased, without accents, so "resume" finds "résumé". */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
}

/** Items of `kind` (or all) whose text holds every word of `query`, in any order; the order is kept. */
export function filterMemory(items: readonly MemoryItem[], filter: { kind?: MemoryKind | 'all'; query?: string }): MemoryItem[] {
  const words = foldText(filter.query ?? '')
    .split(/\s+/)
    .filter(Boolean)
  return items.filter((item) => {
    if (filter.kind !== undefined && filter.kind !== 'all' && item.kind !== filter.kind) return false
    if (words.length === 0) return true
    const text = foldText(`${item.text} ${item.kind}`)
    return words.every((word) => text.includes(word))
  })
}

/** Pinned items first (they go to every coworker task), then the rest; each newest first. */
export function groupMemory(items: readonly MemoryItem[]): { pinned: MemoryItem[]; other: MemoryItem[] } {
  const newestFirst = (a: MemoryItem, b: MemoryItem) => b.createdAt - a.createdAt || a.id.localeCompare(b.id)
  return { pinned: items.filter((item) => item.pinned).sort(newestFirst), other: items.filter((item) => !item.pinned).sort(newestFirst) }
}

export function countByKind(items: readonly MemoryItem[]): Record<MemoryKind | 'all', number> {
  const counts = { all: items.length, fact: 0, decision: 0, preference: 0 }
  for (const item of items) counts[item.kind]++
  return counts
}

export interface SourceLink {
  href: string
  label: string
}

/** Where a memory item came from, as a link: the message's channel, or the deliverable; null for none. */
export function sourceLink(source: MemorySource, names: { channel: (id: string) => string | null; deliverable: (id: string) => string | null }): SourceLink | null {
  switch (source.type) {
    case 'message': {
      const channel = names.channel(source.channelId)
      return { href: `#/c/${encodeURIComponent(source.channelId)}`, label: channel === null ? 'From a message in a channel' : `From a message in #${channel}` }
    }
    case 'deliverable': {
      const title = names.deliverable(source.deliverableId)
      return { href: `#/deliverables/${encodeURIComponent(source.deliverableId)}`, label: title === null ? 'From a deliverable' : `From “${title}”` }
    }
    case 'none':
      return null
  }
}
