import type * as Y from 'yjs'
import type { RecordMap } from './records.ts'
import type { FileRecord } from './types.ts'

/**
 * The root doc of a workspace: one per workspace, loaded when the workspace opens. It holds everything
 * small and shared (who is in the workspace, which channels exist, indexes of deliverables and files,
 * memory, workflows, tasks); message history and deliverable content live in their own docs so that
 * opening a workspace with years of history does not load all of it.
 */
export interface RootCollections {
  /** id, name, schemaVersion, createdAt, createdBy */
  meta: Y.Map<unknown>
  /** memberId → member record (people and coworkers) */
  members: Y.Map<RecordMap>
  /** channelId → channel record; its `members` field is a nested Y.Map<memberId, joinedAt> */
  channels: Y.Map<RecordMap>
  /** deliverableId → index entry; its `statusHistory` field is a nested Y.Array<StatusChange> */
  deliverables: Y.Map<RecordMap>
  /** memoryItemId → memory item */
  memory: Y.Map<RecordMap>
  /** fileId → file metadata; immutable once added, so a plain value */
  files: Y.Map<FileRecord>
  /** workflowId → workflow definition */
  workflows: Y.Map<RecordMap>
  /** taskId → task record */
  tasks: Y.Map<RecordMap>
}

export function rootCollections(doc: Y.Doc): RootCollections {
  return {
    meta: doc.getMap('meta'),
    members: doc.getMap('members'),
    channels: doc.getMap('channels'),
    deliverables: doc.getMap('deliverables'),
    memory: doc.getMap('memory'),
    files: doc.getMap('files'),
    workflows: doc.getMap('workflows'),
    tasks: doc.getMap('tasks')
  }
}
