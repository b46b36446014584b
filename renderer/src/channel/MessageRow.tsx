import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import { Copy, Ellipsis, MessageSquareText, Pencil, Trash2 } from 'lucide-react'
import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { messageIndex } from '../../../shared/model/messageIndex.ts'
import { readLiveReply, readTrail } from '../../../shared/model/trail.ts'
import type { MessageView } from '../../../shared/model/types.ts'
import { editMessage } from '../../../shared/operations/messages.ts'
import { Avatar, Button, cx, IconButton, MemberName, ProblemNotice, Tooltip } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { formatFull, formatRelative, formatTime } from '../lib/time.ts'
import { menuContentClass, menuItemClass } from '../workspace/Sidebar.tsx'
import { useWorkspace } from '../workspace/context.tsx'
import { taskThreadId, useChannel } from './channelContext.tsx'
import { Markdown } from './Markdown.tsx'
import { DeliverableCards, TaskFooter, TaskStatus } from './TaskViews.tsx'

export interface MessageRowProps {
  view: MessageView
  /** Same author a moment ago: no avatar or name. */
  compact: boolean
  /** In the thread panel: no thread summary, no "Reply in thread". */
  inThread?: boolean
  /** A change the doc made (edits, replies, task progress) that the row shows. */
  signature: string
}

/** One message: author, time, Markdown text, linked deliverables, a coworker's trail, thread summary. */
export const MessageRow = memo(function MessageRow({ view, compact, inThread = false }: MessageRowProps) {
  const { membersById, selfId, editingId, openThread, openMember, tasksById, isMember } = useChannel()
  const author = membersById.get(view.authorId) ?? null
  const isOwn = view.authorId === selfId
  const editing = editingId === view.id
  const task = view.taskId === null ? undefined : tasksById.get(view.taskId)
  const deleted = view.deleted !== null
  const finishedRecently = task?.finishedAt != null && Date.now() - task.finishedAt < 4000

  return (
    <div
      data-message-id={view.id}
      aria-label={`${author?.name ?? 'Unknown'}${author?.kind === 'coworker' ? ' (coworker)' : ''}, ${formatTime(view.createdAt)}`}
      role="article"
      className={cx('group relative flex gap-3 px-5 hover:bg-bg-subtle/70 focus-within:bg-bg-subtle/70', compact ? 'py-0.5' : 'pt-2 pb-1', editing && 'bg-accent-subtle/40 hover:bg-accent-subtle/40', finishedRecently && 'animate-finish')}
    >
      <div className="w-9 shrink-0">
        {compact ? (
          <Tooltip content={formatFull(view.createdAt)}>
            <time dateTime={new Date(view.createdAt).toISOString()} className="invisible block pt-0.5 text-right text-[10px] leading-5 text-fg-subtle group-hover:visible">
              {formatTime(view.createdAt).replace(/\s?[AP]M$/i, '')}
            </time>
          </Tooltip>
        ) : (
          <button type="button" tabIndex={-1} aria-hidden onClick={() => author !== null && openMember(author.id)} className="block">
            <Avatar member={author} />
          </button>
        )}
      </div>
      <div className="min-w-0 flex-1">
        {!compact && (
          <div className="flex items-baseline gap-2">
            <button type="button" onClick={() => author !== null && openMember(author.id)} className="min-w-0 rounded-sm hover:underline">
              <MemberName member={author} />
            </button>
            <Tooltip content={formatFull(view.createdAt)}>
              <time dateTime={new Date(view.createdAt).toISOString()} className="shrink-0 text-xs text-fg-subtle">
                {formatTime(view.createdAt)}
              </time>
            </Tooltip>
            {view.sharedFromAssistant && <span className="text-xs text-fg-subtle">shared from their assistant</span>}
          </div>
        )}
        {editing ? (
          <MessageEditor view={view} />
        ) : deleted ? (
          <p className="text-base text-fg-subtle italic">This message was deleted.</p>
        ) : (
          <>
            <Markdown text={view.text} mentions={view.mentions} selfId={selfId} cacheKey={`${view.id}:${view.editedAt ?? 0}`} onMentionClick={openMember} />
            {view.editedAt !== null && (
              <Tooltip content={`Edited ${formatFull(view.editedAt)}`}>
                <span className="text-xs text-fg-subtle">(edited)</span>
              </Tooltip>
            )}
            <DeliverableCards ids={view.deliverableIds} />
            {task !== undefined && <TaskFooter task={task} />}
          </>
        )}
        {!inThread && view.threadId === null && <ThreadSummary view={view} />}
      </div>
      {!editing && !deleted && (
        <MessageActions view={view} isOwn={isOwn} inThread={inThread} canReply={isMember} onReply={() => openThread(view.threadId ?? view.id)} />
      )}
    </div>
  )
}, (before, after) => before.signature === after.signature && before.compact === after.compact && before.inThread === after.inThread)

function MessageActions({ view, isOwn, inThread, canReply, onReply }: { view: MessageView; isOwn: boolean; inThread: boolean; canReply: boolean; onReply: () => void }) {
  const { startEdit, requestDelete } = useChannel()
  return (
    <div
      role="toolbar"
      aria-label="Message actions"
      className="absolute -top-3.5 right-4 flex items-center gap-px rounded-lg border border-border bg-bg-overlay p-0.5 opacity-0 shadow-sm group-focus-within:opacity-100 group-hover:opacity-100 has-[[data-state=open]]:opacity-100"
    >
      {!inThread && canReply && (
        <IconButton size="sm" label="Reply in thread" onClick={onReply}>
          <MessageSquareText className="size-3.5" />
        </IconButton>
      )}
      {isOwn && (
        <IconButton size="sm" label="Edit message" onClick={() => startEdit(view.id)}>
          <Pencil className="size-3.5" />
        </IconButton>
      )}
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger asChild>
          <button type="button" aria-label="More actions" className="inline-flex size-6 items-center justify-center rounded-md text-fg-muted hover:bg-bg-muted hover:text-fg data-[state=open]:bg-bg-muted">
            <Ellipsis className="size-3.5" />
          </button>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content align="end" sideOffset={4} className={menuContentClass}>
            {!inThread && canReply && (
              <DropdownMenu.Item className={menuItemClass} onSelect={onReply}>
                <MessageSquareText aria-hidden className="size-4 text-fg-subtle" />
                Reply in thread
              </DropdownMenu.Item>
            )}
            <DropdownMenu.Item className={menuItemClass} onSelect={() => void navigator.clipboard?.writeText(view.text)}>
              <Copy aria-hidden className="size-4 text-fg-subtle" />
              Copy text
            </DropdownMenu.Item>
            {isOwn && (
              <>
                <DropdownMenu.Separator className="my-1 h-px bg-border" />
                <DropdownMenu.Item className={menuItemClass} onSelect={() => startEdit(view.id)}>
                  <Pencil aria-hidden className="size-4 text-fg-subtle" />
                  Edit message
                </DropdownMenu.Item>
                <DropdownMenu.Item className={cx(menuItemClass, 'text-danger')} onSelect={() => requestDelete(view.id)}>
                  <Trash2 aria-hidden className="size-4" />
                  Delete message
                </DropdownMenu.Item>
              </>
            )}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
    </div>
  )
}

/** Replies under a top-level message: who replied, how many, when; and a live line while a coworker answers. */
function ThreadSummary({ view }: { view: MessageView }) {
  const { doc, membersById, openThread, activeTasks } = useChannel()
  const replies = view.replyCount > 0 ? (messageIndex(doc).replies.get(view.id) ?? []) : []
  const working = activeTasks.filter((task) => taskThreadId(task) === view.id)
  if (replies.length === 0 && working.length === 0) return null
  const authors: string[] = []
  for (let index = replies.length - 1; index >= 0 && authors.length < 3; index--) {
    const id = replies[index]!.authorId
    if (!authors.includes(id)) authors.push(id)
  }
  const last = replies.at(-1)
  return (
    <div className="mt-1 flex flex-col gap-1">
      {replies.length > 0 && (
        <button
          type="button"
          onClick={() => openThread(view.id)}
          aria-label={`View thread, ${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`}
          className="-ml-1 flex w-fit max-w-full items-center gap-2 rounded-md border border-transparent py-0.5 pr-2 pl-1 text-xs hover:border-border hover:bg-bg"
        >
          <span className="flex -space-x-1">
            {authors.map((id) => (
              <Avatar key={id} member={membersById.get(id) ?? null} size="xs" className="ring-2 ring-bg" />
            ))}
          </span>
          <span className="font-semibold text-accent-text">
            {replies.length} {replies.length === 1 ? 'reply' : 'replies'}
          </span>
          {last !== undefined && <span className="text-fg-subtle">Last reply {formatRelative(last.createdAt)}</span>}
        </button>
      )}
      {working.map((task) => (
        <ThreadWorking key={task.id} taskId={task.id} parentId={view.id} />
      ))}
    </div>
  )
}

function ThreadWorking({ taskId, parentId }: { taskId: string; parentId: string }) {
  const { doc, tasksById, membersById, openThread } = useChannel()
  const task = tasksById.get(taskId)
  if (task === undefined) return null
  const coworker = membersById.get(task.coworkerId) ?? null
  return (
    <button type="button" onClick={() => openThread(parentId)} className="-ml-1 flex w-fit items-center gap-2 rounded-md py-0.5 pr-2 pl-1 text-xs hover:bg-bg-muted">
      <Avatar member={coworker} size="xs" />
      <span className="font-medium text-fg">{coworker?.name ?? 'Coworker'}</span>
      <TaskStatus task={task} trail={readTrail(doc, taskId)} writing={(readLiveReply(doc, taskId)?.text.length ?? 0) > 0} className="text-xs" />
    </button>
  )
}

/** Editing one's own message in place: Enter saves, Shift+Enter adds a line, Esc cancels. */
function MessageEditor({ view }: { view: MessageView }) {
  const { root, context } = useWorkspace()
  const { doc, stopEdit } = useChannel()
  const [text, setText] = useState(view.text)
  const [problem, setProblem] = useState<Problem | null>(null)
  const ref = useRef<HTMLTextAreaElement>(null)

  useEffect(() => {
    const element = ref.current
    if (element === null) return
    element.focus()
    element.setSelectionRange(element.value.length, element.value.length)
  }, [])

  useEffect(() => {
    const element = ref.current
    if (element === null) return
    element.style.height = 'auto'
    element.style.height = `${Math.min(element.scrollHeight, 320)}px`
  }, [text])

  const save = () => {
    if (text === view.text) return stopEdit()
    try {
      editMessage({ root, channel: doc }, { messageId: view.id, text }, context)
      stopEdit()
    } catch (error) {
      setProblem(toProblem(error))
    }
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault()
      event.stopPropagation()
      stopEdit()
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      save()
    }
  }

  return (
    <div className="mt-1">
      <textarea
        ref={ref}
        aria-label="Edit message"
        value={text}
        rows={1}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        className="w-full resize-none rounded-lg border border-accent bg-bg px-3 py-2 text-base text-fg shadow-sm focus:outline-none"
      />
      {problem !== null && <ProblemNotice problem={problem} compact className="mt-1" />}
      <div className="mt-1.5 flex items-center gap-2 text-xs text-fg-subtle">
        <Button size="sm" onClick={stopEdit}>
          Cancel
        </Button>
        <Button size="sm" variant="primary" onClick={save} disabled={text.trim() === ''}>
          Save
        </Button>
        <span>Enter to save · Esc to cancel</span>
      </div>
    </div>
  )
}
