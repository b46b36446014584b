import type { MessageRecord } from '../../../shared/model/types.ts'

/**
 * Unread counts. "Unread" is a channel's top-level messages from others posted after the last time this
 * person read the channel on this device. The last-read time is device-local UI state, kept in
 * localStorage under the workspace and member, never in a shared doc.
 */

/**
 * Counts from the end of the channel backwards and stops at the first message at or before `lastReadAt`
 * (or at `cap`), so the cost is the number of unread messages, not the channel's length.
 */
export function countUnread(topLevel: readonly Pick<MessageRecord, 'authorId' | 'createdAt'>[], lastReadAt: number, selfId: string, cap = 99): number {
  let count = 0
  for (let index = topLevel.length - 1; index >= 0; index--) {
    const record = topLevel[index]!
    if (record.createdAt <= lastReadAt) break
    if (record.authorId === selfId) {
      // Writing in a channel reads it: nothing before your own message counts as unread.
      break
    }
    count++
    if (count > cap) break
  }
  return count
}

/** The index of the first unread message, for the "New" divider; null when everything is read. */
export function firstUnreadIndex(topLevel: readonly Pick<MessageRecord, 'authorId' | 'createdAt'>[], lastReadAt: number, selfId: string): number | null {
  const count = countUnread(topLevel, lastReadAt, selfId, Number.MAX_SAFE_INTEGER)
  return count === 0 ? null : topLevel.length - count
}

export interface KeyValueStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

export function lastReadKey(workspaceId: string, memberId: string): string {
  return `commons:last-read:${workspaceId}:${memberId}`
}

/** The last-read times of one person in one workspace on this device: channelId → ms. */
export class LastReadStore {
  #cache: Record<string, number> | null = null
  readonly #listeners = new Set<() => void>()

  constructor(
    private readonly storage: KeyValueStorage | null,
    private readonly key: string
  ) {}

  get(channelId: string): number | null {
    return this.#all()[channelId] ?? null
  }

  /** Moves the last-read time forward (never back: another window may have read further). */
  markRead(channelId: string, at: number): void {
    const all = this.#all()
    if ((all[channelId] ?? 0) >= at) return
    all[channelId] = at
    try {
      this.storage?.setItem(this.key, JSON.stringify(all))
    } catch {
      // A full or unavailable storage only costs the unread counts; the cache still works for this session.
    }
    for (const listener of this.#listeners) listener()
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #all(): Record<string, number> {
    if (this.#cache !== null) return this.#cache
    let parsed: Record<string, number> = {}
    try {
      const raw = this.storage?.getItem(this.key)
      const value: unknown = raw == null ? null : JSON.parse(raw)
      if (value !== null && typeof value === 'object') {
        for (const [channelId, at] of Object.entries(value)) if (typeof at === 'number' && Number.isFinite(at)) parsed[channelId] = at
      }
    } catch {
      parsed = {}
    }
    this.#cache = parsed
    return parsed
  }
}
