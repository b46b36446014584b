import type * as Y from 'yjs'
import { channelCollections } from './channelDoc.ts'
import type { MessageRecord } from './types.ts'

/**
 * An in-memory index over a channel's message array: by id, the top-level messages in order, and each
 * thread's replies in order. Built on first use and kept current by observing the array: an append
 * (what almost every change is) extends the index in place; anything else (a peer's messages merged into
 * the middle after being offline) marks it stale and the next read rebuilds it.
 */
export interface MessageIndex {
  byId: Map<string, MessageRecord>
  topLevel: MessageRecord[]
  /** thread id (its first message's id) → replies, oldest first */
  replies: Map<string, MessageRecord[]>
}

const indexes = new WeakMap<Y.Doc, { index: MessageIndex | null; length: number }>()

export function messageIndex(channelDoc: Y.Doc): MessageIndex {
  let state = indexes.get(channelDoc)
  if (state === undefined) {
    const created: { index: MessageIndex | null; length: number } = { index: null, length: 0 }
    state = created
    indexes.set(channelDoc, created)
    channelCollections(channelDoc).messages.observe((event) => {
      const delta = event.changes.delta
      const first = delta[0]
      const isAppend =
        created.index !== null &&
        ((delta.length === 1 && first?.insert !== undefined && created.length === 0) ||
          (delta.length === 2 && first?.retain === created.length && delta[1]?.insert !== undefined))
      if (isAppend) {
        const inserted = (delta[delta.length - 1]!.insert as MessageRecord[])
        for (const record of inserted) addToIndex(created.index!, record)
        created.length += inserted.length
      } else {
        created.index = null
      }
    })
  }
  if (state.index === null) {
    const records = channelCollections(channelDoc).messages.toArray()
    const index: MessageIndex = { byId: new Map(), topLevel: [], replies: new Map() }
    for (const record of records) addToIndex(index, record)
    state.index = index
    state.length = records.length
  }
  return state.index
}

function addToIndex(index: MessageIndex, record: MessageRecord): void {
  index.byId.set(record.id, record)
  if (record.threadId === null) {
    index.topLevel.push(record)
    return
  }
  const thread = index.replies.get(record.threadId)
  if (thread === undefined) index.replies.set(record.threadId, [record])
  else thread.push(record)
}
