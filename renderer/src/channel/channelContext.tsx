import { createContext, useContext } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import type { Channel, Deliverable, Member, TaskRecord } from '../../../shared/model/types.ts'

/** What the parts of an open channel share: its docs, who is who, and the actions on messages. */
export interface ChannelContextValue {
  channel: Channel
  doc: Y.Doc
  awareness: Awareness
  selfId: string
  isMember: boolean
  membersById: ReadonlyMap<string, Member>
  tasksById: ReadonlyMap<string, TaskRecord>
  /** Unfinished tasks of this channel, oldest first. */
  activeTasks: readonly TaskRecord[]
  deliverable: (id: string) => Deliverable | null
  editingId: string | null
  startEdit: (messageId: string) => void
  stopEdit: () => void
  requestDelete: (messageId: string) => void
  openThread: (messageId: string) => void
  openTrail: (taskId: string) => void
  openMember: (memberId: string) => void
  stopTask: (taskId: string) => void
}

export const ChannelContext = createContext<ChannelContextValue | null>(null)

export function useChannel(): ChannelContextValue {
  const value = useContext(ChannelContext)
  if (value === null) throw new Error('useChannel outside a channel')
  return value
}

/** Where a task's reply appears: the thread it was asked in, or the channel's top level. */
export function taskThreadId(task: TaskRecord): string | null {
  return task.trigger.type === 'mention' ? task.trigger.threadId : null
}
