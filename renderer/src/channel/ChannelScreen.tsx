import { Hash, KeyRound, Users } from 'lucide-react'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { channelDocName } from '../../../shared/docNames.ts'
import { messageIndex } from '../../../shared/model/messageIndex.ts'
import { readRecord } from '../../../shared/model/records.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { Channel, Deliverable, Member, TaskRecord } from '../../../shared/model/types.ts'
import { joinChannel } from '../../../shared/operations/channels.ts'
import { listMembers } from '../../../shared/operations/members.ts'
import { deleteMessage, getMessage } from '../../../shared/operations/messages.ts'
import { isFinished, requestStop } from '../../../shared/operations/tasks.ts'
import { navigate } from '../app/route.ts'
import { Avatar, Button, ConfirmDialog, EmptyState, ProblemNotice, Spinner } from '../components/ui.tsx'
import { usePresence } from '../data/awareness.ts'
import { useDocVersion } from '../data/docStore.ts'
import { toProblem } from '../data/problems.ts'
import { useReplica } from '../data/replicaPool.ts'
import { firstUnreadIndex } from '../lib/unread.ts'
import { coworkersCanRun, useWorkspace } from '../workspace/context.tsx'
import { openMemberEvent } from '../workspace/events.ts'
import { ChannelContext, type ChannelContextValue } from './channelContext.tsx'
import { Composer, type ComposerHandle } from './Composer.tsx'
import { MessageList } from './MessageList.tsx'
import { MemberPanel, MembersPanel, ThreadPanel, TrailPanel } from './Panels.tsx'

type Pane = { kind: 'members' } | { kind: 'member'; memberId: string } | { kind: 'thread'; threadId: string } | { kind: 'trail'; taskId: string } | null

/** The open channel: header, messages, composer, and the right pane (members, a thread, a task's trail). */
export function ChannelScreen({ channelId }: { channelId: string }) {
  const { root, workspace, pool } = useWorkspace()
  const rootVersion = useDocVersion(root)
  const record = rootCollections(root).channels.get(channelId)
  const channel = useMemo(() => (record === undefined ? null : readRecord<Channel>(record)), [record, rootVersion])
  const replica = useReplica(pool, channel === null ? null : channelDocName(workspace.workspaceId, channelId))

  if (channel === null) {
    return (
      <main className="flex min-w-0 flex-1 items-center justify-center">
        <EmptyState icon={<Hash className="size-5" />} title="Channel not found" action={<Button onClick={() => navigate({ view: 'home' }, { replace: true })}>Go to your channels</Button>}>
          It may have been removed, or it has not synced to this device yet.
        </EmptyState>
      </main>
    )
  }
  if (replica === null || !replica.synced) {
    return (
      <main className="flex min-w-0 flex-1 flex-col">
        <ChannelHeaderBare channel={channel} />
        <div className="flex flex-1 items-center justify-center">
          {replica?.error != null ? <ProblemNotice problem={replica.error} className="max-w-md" /> : <Spinner label={`Opening #${channel.name}`} className="size-5" />}
        </div>
      </main>
    )
  }
  return <OpenChannel key={channel.id} channel={channel} replica={replica} rootVersion={rootVersion} />
}

function ChannelHeaderBare({ channel }: { channel: Channel }) {
  return (
    <header className="flex h-12 shrink-0 items-center gap-2 border-b border-border px-5">
      <Hash aria-hidden className="size-4 text-fg-subtle" />
      <h1 className="text-base font-semibold">{channel.name}</h1>
    </header>
  )
}

function OpenChannel({ channel, replica, rootVersion }: { channel: Channel; replica: NonNullable<ReturnType<typeof useReplica>>; rootVersion: number }) {
  const { root, workspace, context, lastRead, models, reportProblem } = useWorkspace()
  const { doc, awareness } = replica
  const version = useDocVersion(doc)
  const selfId = workspace.memberId
  const isMember = channel.members[selfId] !== undefined
  const [pane, setPane] = useState<Pane>({ kind: 'members' })
  const [editingId, setEditingId] = useState<string | null>(null)
  const [deleting, setDeleting] = useState<string | null>(null)
  const composer = useRef<ComposerHandle>(null)
  usePresence(awareness, selfId)

  // Read once when the channel opens: where the "New" divider goes.
  const [newFrom] = useState(() => firstUnreadIndex(messageIndex(doc).topLevel, lastRead.get(channel.id) ?? Number.MAX_SAFE_INTEGER, selfId))

  const membersById = useMemo(() => new Map<string, Member>(listMembers(root, { includeRemoved: true }).map((member) => [member.id, member])), [root, rootVersion])
  const tasks = useMemo(() => {
    const byId = new Map<string, TaskRecord>()
    const active: TaskRecord[] = []
    for (const taskRecord of rootCollections(root).tasks.values()) {
      if (taskRecord.get('channelId') !== channel.id) continue
      const task = readRecord<TaskRecord>(taskRecord)
      byId.set(task.id, task)
      if (!isFinished(task.status)) active.push(task)
    }
    active.sort((a, b) => a.createdAt - b.createdAt)
    return { byId, active }
  }, [root, rootVersion, channel.id])

  const markRead = useCallback(() => {
    if (document.visibilityState !== 'visible') return
    const last = messageIndex(doc).topLevel.at(-1)
    lastRead.markRead(channel.id, Math.max(Date.now(), last?.createdAt ?? 0))
  }, [doc, lastRead, channel.id])

  useEffect(() => {
    document.addEventListener('visibilitychange', markRead)
    return () => document.removeEventListener('visibilitychange', markRead)
  }, [markRead])

  const value: ChannelContextValue = {
    channel,
    doc,
    awareness,
    selfId,
    isMember,
    membersById,
    tasksById: tasks.byId,
    activeTasks: tasks.active,
    deliverable: (id) => {
      const entry = rootCollections(root).deliverables.get(id)
      return entry === undefined ? null : readRecord<Deliverable>(entry)
    },
    editingId,
    startEdit: setEditingId,
    stopEdit: () => {
      setEditingId(null)
      composer.current?.focus()
    },
    requestDelete: setDeleting,
    openThread: (threadId) => setPane({ kind: 'thread', threadId }),
    openTrail: (taskId) => setPane({ kind: 'trail', taskId }),
    openMember: (memberId) => setPane({ kind: 'member', memberId }),
    stopTask: (taskId) => {
      try {
        requestStop(root, { taskId }, context)
      } catch (error) {
        reportProblem(toProblem(error))
      }
    }
  }

  const editLast = () => {
    const topLevel = messageIndex(doc).topLevel
    for (let index = topLevel.length - 1; index >= Math.max(0, topLevel.length - 200); index--) {
      const message = topLevel[index]!
      if (message.authorId === selfId && getMessage(doc, message.id).deleted === null) {
        setEditingId(message.id)
        return true
      }
    }
    return false
  }

  // The quick switcher's people open here.
  useEffect(() => {
    const onOpenMember = (event: Event) => setPane({ kind: 'member', memberId: String((event as CustomEvent).detail) })
    window.addEventListener(openMemberEvent, onOpenMember)
    return () => window.removeEventListener(openMemberEvent, onOpenMember)
  }, [])

  // Esc closes the right pane (when focus is not in something that handles Esc itself).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || pane === null || pane.kind === 'members') return
      if (document.querySelector('[role=dialog]') !== null) return
      setPane({ kind: 'members' })
      composer.current?.focus()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [pane])

  const coworkersHere = Object.keys(channel.members).filter((id) => membersById.get(id)?.kind === 'coworker').length
  const people = Object.keys(channel.members)
    .map((id) => membersById.get(id))
    .filter((member): member is Member => member !== undefined && member.removedAt === null)

  const join = () => {
    try {
      joinChannel(root, { channelId: channel.id }, context)
    } catch (error) {
      reportProblem(toProblem(error))
    }
  }

  const confirmDelete = () => {
    if (deleting === null) return
    try {
      deleteMessage(doc, { messageId: deleting }, context)
    } catch (error) {
      reportProblem(toProblem(error))
    }
    setDeleting(null)
    composer.current?.focus()
  }

  return (
    <ChannelContext.Provider value={value}>
      <main aria-label={`#${channel.name}`} className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-12 shrink-0 items-center gap-3 border-b border-border px-5">
          <div className="flex min-w-0 flex-1 items-baseline gap-3">
            <h1 className="flex shrink-0 items-center gap-1 text-base font-semibold">
              <Hash aria-hidden className="size-4 self-center text-fg-subtle" />
              {channel.name}
            </h1>
            {channel.topic !== '' && <p className="truncate text-sm text-fg-muted">{channel.topic}</p>}
          </div>
          <button
            type="button"
            aria-label={`Members, ${people.length}`}
            aria-pressed={pane?.kind === 'members'}
            onClick={() => setPane(pane?.kind === 'members' ? null : { kind: 'members' })}
            className="flex h-8 items-center gap-1.5 rounded-md border border-border px-1.5 pr-2 text-sm text-fg-muted hover:bg-bg-muted aria-pressed:bg-bg-muted"
          >
            <span className="flex -space-x-1.5">
              {people.slice(0, 3).map((member) => (
                <Avatar key={member.id} member={member} size="xs" className="ring-2 ring-bg" />
              ))}
            </span>
            {people.length === 0 ? <Users aria-hidden className="size-4" /> : <span className="tabular-nums">{people.length}</span>}
          </button>
        </header>
        {coworkersHere > 0 && models !== null && !coworkersCanRun(models) && (
          <div role="note" className="flex items-center gap-3 border-b border-border bg-warning-subtle px-5 py-2 text-sm">
            <KeyRound aria-hidden className="size-4 shrink-0 text-warning" />
            <p className="min-w-0 flex-1 text-fg">
              <span className="font-medium">Coworkers need a model.</span> <span className="text-fg-muted">This device has no Anthropic API key, so tasks asked here wait for a teammate’s device that has one.</span>
            </p>
            <Button size="sm" onClick={() => navigate({ view: 'settings' })}>
              Set up a model
            </Button>
          </div>
        )}
        <MessageList version={version} newFrom={newFrom} onReachedBottom={markRead} />
        {isMember ? (
          channel.archived ? (
            <p className="border-t border-border px-5 py-4 text-sm text-fg-muted">#{channel.name} is archived. Its history stays readable; nobody can post.</p>
          ) : (
            <Composer key={channel.id} ref={composer} label={`Message #${channel.name}`} placeholder={`Message #${channel.name}`} threadId={null} onEditLast={editLast} autoFocus />
          )
        ) : (
          <div className="mx-5 mb-4 flex items-center justify-between gap-4 rounded-xl border border-border bg-bg-subtle px-4 py-3">
            <p className="text-sm text-fg-muted">
              You are viewing <span className="font-semibold text-fg">#{channel.name}</span>. Join to post and @mention its coworkers.
            </p>
            <Button variant="primary" onClick={join}>
              Join channel
            </Button>
          </div>
        )}
      </main>
      {pane?.kind === 'members' && <MembersPanel onClose={() => setPane(null)} />}
      {pane?.kind === 'member' && <MemberPanel memberId={pane.memberId} onClose={() => setPane(null)} onBack={() => setPane({ kind: 'members' })} onMention={(handle) => composer.current?.insert(`@${handle} `)} />}
      {pane?.kind === 'thread' && <ThreadPanel key={pane.threadId} threadId={pane.threadId} onClose={() => setPane({ kind: 'members' })} />}
      {pane?.kind === 'trail' && <TrailPanel key={pane.taskId} taskId={pane.taskId} onClose={() => setPane({ kind: 'members' })} />}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title="Delete message?"
        description="Everyone will see “This message was deleted” in its place. Replies in its thread stay."
        confirmLabel="Delete"
        onConfirm={confirmDelete}
      />
    </ChannelContext.Provider>
  )
}
