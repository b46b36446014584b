import type * as Y from 'yjs'
import type { MessageDeletion, MessageEdit, MessageRecord } from './types.ts'

/**
 * A channel's doc holds its history. Messages are appended as plain values to one Y.Array (Yjs stores a
 * run of appends from one device as a single item, so a long history stays small in memory), and their
 * order is the array's, the same on every device. Edits and deletions are kept beside the array, keyed by
 * message id, so that a deletion wins over an edit whichever arrives first.
 */
export interface ChannelCollections {
  messages: Y.Array<MessageRecord>
  /** messageId → the latest edit */
  edits: Y.Map<MessageEdit>
  /** messageId → who deleted it and when */
  deletions: Y.Map<MessageDeletion>
  /** taskId → the reply a coworker task is streaming: `{ runId, text: Y.Text }` (shared/model/trail.ts) */
  liveText: Y.Map<Y.Map<unknown>>
  /** `<taskId>/<runId>` → one run's audit trail: each model turn, tool call and result, with timing (shared/model/trail.ts) */
  trails: Y.Map<Y.Array<unknown>>
}

export function channelCollections(doc: Y.Doc): ChannelCollections {
  return {
    messages: doc.getArray('messages'),
    edits: doc.getMap('edits'),
    deletions: doc.getMap('deletions'),
    liveText: doc.getMap('liveText'),
    trails: doc.getMap('trails')
  }
}
