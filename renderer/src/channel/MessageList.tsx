import { useVirtualizer } from '@tanstack/react-virtual'
import { ArrowDown, Hash } from 'lucide-react'
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import { messageIndex } from '../../../shared/model/messageIndex.ts'
import type { MessageRecord, TaskRecord } from '../../../shared/model/types.ts'
import { getMessage } from '../../../shared/operations/messages.ts'
import { dayLabel, formatFull, sameDay } from '../lib/time.ts'
import { Button, cx } from '../components/ui.tsx'
import { taskThreadId, useChannel } from './channelContext.tsx'
import { MessageRow } from './MessageRow.tsx'
import { TaskLiveRow } from './TaskViews.tsx'

const groupWindowMs = 5 * 60_000

/** Whether `record` continues `previous`'s group: same author, same day, within five minutes. */
/**
 * Whether a message continues the previous one's group (same author, close in time, same day). A message
 * shared from someone's private assistant always starts its own group, so its label is always shown.
 */
export function continues(previous: MessageRecord | undefined, record: MessageRecord): boolean {
  return (
    previous !== undefined &&
    !record.sharedFromAssistant &&
    previous.authorId === record.authorId &&
    record.createdAt - previous.createdAt < groupWindowMs &&
    sameDay(previous.createdAt, record.createdAt)
  )
}

export function messageSignature(view: { id: string; editedAt: number | null; deleted: unknown; replyCount: number; text: string }, extra = ''): string {
  return `${view.id}:${view.editedAt ?? 0}:${view.deleted === null ? 0 : 1}:${view.replyCount}:${extra}`
}

/**
 * The channel's top level, virtualized: only the rows in view (and a few around them) are in the DOM,
 * and each row reads its message from the shared index when it renders. A channel with 50,000 messages
 * opens as fast as one with fifty. The list sticks to the bottom while you are there, keeps your place
 * when you scroll up, and ends with the replies coworkers are writing right now.
 */
export function MessageList({ version, newFrom, onReachedBottom }: { version: number; newFrom: number | null; onReachedBottom: () => void }) {
  const { doc, channel, activeTasks, editingId, tasksById } = useChannel()
  const records = messageIndex(doc).topLevel
  const liveTasks = activeTasks.filter((task) => taskThreadId(task) === null)
  const count = records.length + liveTasks.length
  const scrollRef = useRef<HTMLDivElement>(null)
  const atBottom = useRef(true)
  const [showJump, setShowJump] = useState(false)
  const [initialized, setInitialized] = useState(false)

  // The index's arrays are extended in place, so the key function changes only when the rows do.
  const liveKey = liveTasks.map((task) => task.id).join(',')
  const keyAt = useCallback(
    (index: number) => (index < records.length ? records[index]!.id : `task:${liveKey.split(',')[index - records.length] ?? index}`),
    [records, liveKey]
  )

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 60,
    overscan: 8,
    getItemKey: keyAt
  })

  // First open: to the first unread message when there are many, else to the end.
  useLayoutEffect(() => {
    if (initialized || count === 0) return
    setInitialized(true)
    if (newFrom !== null && count - newFrom > 6) {
      atBottom.current = false
      virtualizer.scrollToIndex(Math.max(0, newFrom - 1), { align: 'start' })
    } else {
      virtualizer.scrollToIndex(count - 1, { align: 'end' })
    }
  }, [count, initialized, newFrom, virtualizer])

  // While at the bottom, stay there as messages arrive and replies stream in.
  const totalSize = virtualizer.getTotalSize()
  useLayoutEffect(() => {
    const element = scrollRef.current
    if (element === null || !atBottom.current) return
    element.scrollTop = element.scrollHeight
  }, [totalSize, count, version])

  // Up-arrow editing scrolls the message into view.
  useEffect(() => {
    if (editingId === null) return
    for (let index = records.length - 1; index >= Math.max(0, records.length - 500); index--) {
      if (records[index]!.id === editingId) {
        virtualizer.scrollToIndex(index, { align: 'auto' })
        break
      }
    }
  }, [editingId, records, virtualizer])

  const onScroll = () => {
    const element = scrollRef.current
    if (element === null) return
    const bottom = element.scrollHeight - element.scrollTop - element.clientHeight < 48
    if (bottom !== atBottom.current) {
      atBottom.current = bottom
      setShowJump(!bottom)
    }
    if (bottom) onReachedBottom()
  }

  useEffect(() => {
    if (atBottom.current) onReachedBottom()
  }, [count, onReachedBottom])

  const jumpToLatest = () => {
    atBottom.current = true
    setShowJump(false)
    virtualizer.scrollToIndex(count - 1, { align: 'end' })
  }

  const items = virtualizer.getVirtualItems()

  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={scrollRef}
        onScroll={onScroll}
        tabIndex={0}
        role="region"
        aria-label="Message history"
        className="flex h-full flex-col overflow-y-auto overscroll-contain focus-visible:outline-none"
      >
        <div className="flex-1" />
        {count === 0 ? (
          <ChannelIntro />
        ) : (
          <div role="list" aria-label={`Messages in #${channel.name}`} style={{ height: totalSize, position: 'relative', width: '100%', flexShrink: 0 }}>
            {items.map((item) => {
              const index = item.index
              const isTask = index >= records.length
              return (
                <div
                  key={item.key}
                  data-index={index}
                  ref={virtualizer.measureElement}
                  role="listitem"
                  aria-setsize={count}
                  aria-posinset={index + 1}
                  style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}
                >
                  {index === 0 && <ChannelIntro />}
                  {isTask ? <LiveTask task={liveTasks[index - records.length]} /> : <TopLevelRow records={records} index={index} newFrom={newFrom} tasksById={tasksById} />}
                  {index === count - 1 && <div className="h-4" />}
                </div>
              )
            })}
          </div>
        )}
      </div>
      {showJump && (
        <div className="pointer-events-none absolute inset-x-0 bottom-3 flex justify-center">
          <Button variant="secondary" size="sm" className="pointer-events-auto rounded-full shadow-md" onClick={jumpToLatest}>
            <ArrowDown aria-hidden className="size-3.5" />
            Jump to latest
          </Button>
        </div>
      )}
    </div>
  )
}

function LiveTask({ task }: { task: TaskRecord | undefined }) {
  return task === undefined ? null : <TaskLiveRow task={task} />
}

function TopLevelRow({ records, index, newFrom, tasksById }: { records: readonly MessageRecord[]; index: number; newFrom: number | null; tasksById: ReadonlyMap<string, TaskRecord> }) {
  const { doc } = useChannel()
  const record = records[index]!
  const previous = index > 0 ? records[index - 1] : undefined
  const newDay = previous === undefined || !sameDay(previous.createdAt, record.createdAt)
  const isNew = newFrom === index
  const view = getMessage(doc, record.id)
  const lastReply = view.replyCount > 0 ? (messageIndex(doc).replies.get(record.id)?.at(-1)?.createdAt ?? 0) : 0
  const task = record.taskId === null ? undefined : tasksById.get(record.taskId)
  return (
    <>
      {newDay && <DayDivider at={record.createdAt} />}
      {isNew && <NewDivider />}
      <MessageRow view={view} compact={!newDay && !isNew && continues(previous, record)} signature={messageSignature(view, `${lastReply}:${task?.status ?? ''}`)} />
    </>
  )
}

function DayDivider({ at }: { at: number }) {
  return (
    <div role="separator" aria-label={dayLabel(at)} className="relative my-2 flex items-center px-5">
      <div className="h-px flex-1 bg-border" />
      <span title={formatFull(at)} className="mx-3 rounded-full border border-border bg-bg px-2.5 text-xs leading-5 font-medium text-fg-muted">
        {dayLabel(at)}
      </span>
      <div className="h-px flex-1 bg-border" />
    </div>
  )
}

function NewDivider() {
  return (
    <div role="separator" aria-label="New messages" className="my-1 flex items-center px-5">
      <div className="h-px flex-1 bg-danger/60" />
      <span className="ml-2 text-[11px] font-semibold tracking-wide text-danger uppercase">New</span>
    </div>
  )
}

function ChannelIntro() {
  const { channel, isMember } = useChannel()
  return (
    <div className={cx('px-5 pt-10 pb-4')}>
      <div className="mb-3 flex size-12 items-center justify-center rounded-xl bg-bg-muted text-fg-muted">
        <Hash aria-hidden className="size-6" />
      </div>
      <h2 className="text-2xl font-bold">This is the start of #{channel.name}</h2>
      <p className="mt-1 max-w-xl text-base text-fg-muted">
        {channel.topic !== '' ? `${channel.topic}. ` : ''}
        {isMember
          ? 'Post an update, ask a question, or @mention a coworker to hand it a task. Everything here, including a coworker’s work, is visible to the whole workspace.'
          : 'Join the channel to post here.'}
      </p>
    </div>
  )
}
