import * as Popover from '@radix-ui/react-popover'
import { ArrowLeft, Bot, CircleStop, Plus, UserPlus, X } from 'lucide-react'
import { useState, type ReactNode } from 'react'
import { messageIndex } from '../../../shared/model/messageIndex.ts'
import { readLiveReply, readTrail } from '../../../shared/model/trail.ts'
import type { CoworkerMember, Member, TaskRecord } from '../../../shared/model/types.ts'
import { addCoworkerToChannel } from '../../../shared/operations/channels.ts'
import { getMessage } from '../../../shared/operations/messages.ts'
import { toolCatalog } from '../../../shared/toolCatalog.ts'
import { Avatar, Button, CoworkerBadge, cx, EmptyState, IconButton, kindLabel, ProblemNotice } from '../components/ui.tsx'
import { presentMembers, useAwarenessVersion } from '../data/awareness.ts'
import { toProblem, type Problem } from '../data/problems.ts'
import { shownRunId } from '../lib/taskView.ts'
import { formatDuration, formatFull, formatTokens } from '../lib/time.ts'
import { InviteDialog } from '../workspace/InviteDialog.tsx'
import { useWorkspace } from '../workspace/context.tsx'
import { taskThreadId, useChannel } from './channelContext.tsx'
import { Composer } from './Composer.tsx'
import { Markdown } from './Markdown.tsx'
import { MessageRow } from './MessageRow.tsx'
import { messageSignature } from './MessageList.tsx'
import { RunPicker, TaskLiveRow, TaskStatus, TrailList } from './TaskViews.tsx'
import { continues } from './MessageList.tsx'

export function PanelFrame({ title, subtitle, onClose, onBack, children, label }: { title: ReactNode; subtitle?: ReactNode; onClose: () => void; onBack?: () => void; children: ReactNode; label: string }) {
  return (
    <aside aria-label={label} className="flex h-full w-[360px] shrink-0 flex-col border-l border-border bg-bg">
      <header className="flex h-12 shrink-0 items-center gap-2 border-b border-border px-3">
        {onBack !== undefined && (
          <IconButton size="sm" label="Back to members" onClick={onBack}>
            <ArrowLeft className="size-3.5" />
          </IconButton>
        )}
        <div className="min-w-0 flex-1 pl-1">
          <h2 className="truncate text-base font-semibold">{title}</h2>
          {subtitle !== undefined && <p className="-mt-0.5 truncate text-xs text-fg-subtle">{subtitle}</p>}
        </div>
        <IconButton size="sm" label={`Close ${label.toLowerCase()}`} shortcut="Esc" onClick={onClose}>
          <X className="size-4" />
        </IconButton>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto">{children}</div>
    </aside>
  )
}

// ---------------------------------------------------------------------------------------------------
// Members

export function MembersPanel({ onClose }: { onClose: () => void }) {
  const { channel, membersById, awareness, selfId, activeTasks, openMember, isMember } = useChannel()
  useAwarenessVersion(awareness)
  const present = presentMembers(awareness)
  const [inviting, setInviting] = useState(false)
  const inChannel = Object.keys(channel.members)
    .map((id) => membersById.get(id))
    .filter((member): member is Member => member !== undefined && member.removedAt === null)
  const people = inChannel.filter((member) => member.kind === 'person').sort((a, b) => a.name.localeCompare(b.name))
  const coworkers = inChannel.filter((member): member is CoworkerMember => member.kind === 'coworker').sort((a, b) => a.name.localeCompare(b.name))

  return (
    <PanelFrame label="Members" title="Members" subtitle={`#${channel.name} · ${inChannel.length}`} onClose={onClose}>
      <div className="flex gap-2 px-4 pt-3">
        {isMember && <AddCoworkerButton />}
        <Button size="sm" onClick={() => setInviting(true)}>
          <UserPlus aria-hidden className="size-3.5" />
          Invite people
        </Button>
      </div>
      <MemberSection title={`People — ${people.length}`}>
        {people.map((member) => (
          <MemberRow key={member.id} member={member} onOpen={() => openMember(member.id)} note={member.id === selfId ? 'you' : present.has(member.id) ? 'here now' : null} online={member.id === selfId || present.has(member.id)} />
        ))}
      </MemberSection>
      <MemberSection title={`Coworkers — ${coworkers.length}`}>
        {coworkers.length === 0 ? (
          <p className="px-4 py-1 text-xs text-fg-subtle">No coworkers in this channel. Add one so the team can @mention it here.</p>
        ) : (
          coworkers.map((member) => {
            const task = activeTasks.find((item) => item.coworkerId === member.id)
            return <MemberRow key={member.id} member={member} onOpen={() => openMember(member.id)} task={task} note={task === undefined ? member.purpose : null} />
          })
        )}
      </MemberSection>
      <InviteDialog open={inviting} onOpenChange={setInviting} />
    </PanelFrame>
  )
}

function MemberSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="pt-4">
      <h3 className="px-4 pb-1 text-xs font-semibold text-fg-subtle">{title}</h3>
      <ul>{children}</ul>
    </section>
  )
}

function MemberRow({ member, note, online = false, task, onOpen }: { member: Member; note: string | null; online?: boolean; task?: TaskRecord | undefined; onOpen: () => void }) {
  const { doc } = useChannel()
  return (
    <li>
      <button type="button" onClick={onOpen} className="flex w-full items-center gap-2.5 px-4 py-1.5 text-left hover:bg-bg-muted" aria-label={`${member.name}${member.kind === 'coworker' ? ', AI coworker' : ''}`}>
        <span className="relative">
          <Avatar member={member} size="sm" />
          {member.kind === 'person' && (
            <span aria-hidden className={cx('absolute -right-0.5 -bottom-0.5 size-2.5 rounded-full border-2 border-bg', online ? 'bg-success' : 'bg-bg-emphasis')} />
          )}
        </span>
        <span className="min-w-0 flex-1">
          <span className="flex items-center gap-1.5">
            <span className="truncate text-sm font-medium">{member.name}</span>
            {member.kind === 'coworker' && <CoworkerBadge />}
          </span>
          {task !== undefined ? (
            <TaskStatus task={task} trail={readTrail(doc, task.id)} writing={(readLiveReply(doc, task.id)?.text.length ?? 0) > 0} className="text-xs" />
          ) : (
            note !== null && note !== '' && <span className="block truncate text-xs text-fg-subtle">{note}</span>
          )}
        </span>
      </button>
    </li>
  )
}

function AddCoworkerButton() {
  const { root, context } = useWorkspace()
  const { channel, membersById } = useChannel()
  const [open, setOpen] = useState(false)
  const [problem, setProblem] = useState<Problem | null>(null)
  const candidates = [...membersById.values()].filter((member): member is CoworkerMember => member.kind === 'coworker' && member.removedAt === null && channel.members[member.id] === undefined)

  const add = (coworkerId: string) => {
    try {
      addCoworkerToChannel(root, { channelId: channel.id, coworkerId }, context)
      setOpen(false)
      setProblem(null)
    } catch (error) {
      setProblem(toProblem(error))
    }
  }

  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger asChild>
        <Button size="sm" variant="coworker">
          <Plus aria-hidden className="size-3.5" />
          Add coworker
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="start" sideOffset={6} aria-label="Add a coworker" className="z-50 w-72 rounded-lg border border-border bg-bg-overlay p-1 shadow-md focus:outline-none">
          {problem !== null && <ProblemNotice problem={problem} compact className="m-1" />}
          {candidates.length === 0 ? (
            <div className="px-3 py-3 text-sm text-fg-muted">
              <p className="font-medium text-fg">No other coworkers to add</p>
              <p className="mt-1 text-xs">
                Every coworker in the workspace is already here, or there are none yet. Create one under{' '}
                <a className="text-accent-text underline" href="#/coworkers">
                  Coworkers
                </a>
                .
              </p>
            </div>
          ) : (
            <ul aria-label="Coworkers to add">
              {candidates.map((coworker) => (
                <li key={coworker.id}>
                  <button type="button" onClick={() => add(coworker.id)} className="flex w-full items-center gap-2.5 rounded-md px-2 py-1.5 text-left hover:bg-bg-muted">
                    <Avatar member={coworker} size="sm" />
                    <span className="min-w-0 flex-1">
                      <span className="block truncate text-sm font-medium">{coworker.name}</span>
                      <span className="block truncate text-xs text-fg-subtle">{coworker.purpose}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  )
}

// ---------------------------------------------------------------------------------------------------
// One member

export function MemberPanel({ memberId, onClose, onBack, onMention }: { memberId: string; onClose: () => void; onBack: () => void; onMention: (handle: string) => void }) {
  const { membersById, channel, selfId } = useChannel()
  const member = membersById.get(memberId)
  if (member === undefined) {
    return (
      <PanelFrame label="Member" title="Member" onClose={onClose} onBack={onBack}>
        <EmptyState title="Not found">This member is not in the workspace (yet).</EmptyState>
      </PanelFrame>
    )
  }
  const inChannel = channel.members[member.id] !== undefined
  return (
    <PanelFrame label="Member" title={member.name} subtitle={kindLabel(member.kind)} onClose={onClose} onBack={onBack}>
      <div className="flex flex-col items-start gap-3 px-4 pt-5">
        <Avatar member={member} size="lg" />
        <div>
          <div className="flex items-center gap-2">
            <h3 className="text-lg font-semibold">{member.name}</h3>
            {member.kind === 'coworker' && <CoworkerBadge />}
          </div>
          <p className="text-sm text-fg-muted">@{member.handle}</p>
        </div>
        {member.removedAt !== null && <p className="text-sm text-warning">Removed from the workspace.</p>}
        {member.id !== selfId && member.removedAt === null && (
          <Button size="sm" onClick={() => onMention(member.handle)}>
            Mention @{member.handle}
          </Button>
        )}
        {member.kind === 'coworker' && (
          <dl className="mt-2 flex w-full flex-col gap-3 text-sm">
            <div>
              <dt className="text-xs font-semibold text-fg-subtle">Purpose</dt>
              <dd className="mt-0.5 whitespace-pre-wrap text-fg">{member.purpose}</dd>
            </div>
            <div>
              <dt className="text-xs font-semibold text-fg-subtle">Tools ({member.toolset.length})</dt>
              <dd className="mt-1 flex flex-wrap gap-1">
                {member.toolset.length === 0 && <span className="text-fg-subtle">None: it can only reply.</span>}
                {member.toolset.map((tool) => (
                  <code key={tool} title={toolCatalog.find((entry) => entry.name === tool)?.summary} className="rounded-sm bg-bg-muted px-1.5 py-0.5 font-mono text-[11px] text-fg-muted">
                    {tool}
                  </code>
                ))}
              </dd>
            </div>
            <div>
              <dt className="text-xs font-semibold text-fg-subtle">Model</dt>
              <dd className="mt-0.5 font-mono text-xs">{member.model === '' ? 'workspace default' : member.model}</dd>
            </div>
            <div>
              <dt className="text-xs font-semibold text-fg-subtle">Budget per task</dt>
              <dd className="mt-0.5 text-fg-muted">
                {member.budgets.maxTurnsPerTask} turns · {formatTokens(member.budgets.maxOutputTokensPerTask)} output tokens · ${member.budgets.maxSpendPerTaskUsd}
              </dd>
            </div>
            <div>
              <dt className="text-xs font-semibold text-fg-subtle">In #{channel.name}</dt>
              <dd className="mt-0.5 text-fg-muted">{inChannel ? 'Yes: it can be @mentioned here.' : 'No: add it from the member list to @mention it here.'}</dd>
            </div>
          </dl>
        )}
        {member.kind === 'coworker' && (
          <a href={`#/coworkers/${member.id}`} className="text-sm text-accent-text hover:underline">
            <Bot aria-hidden className="mr-1 inline size-3.5" />
            Open in Coworkers
          </a>
        )}
      </div>
    </PanelFrame>
  )
}

// ---------------------------------------------------------------------------------------------------
// Thread

export function ThreadPanel({ threadId, onClose }: { threadId: string; onClose: () => void }) {
  const { doc, channel, activeTasks, selfId, isMember, startEdit } = useChannel()
  const index = messageIndex(doc)
  const first = index.byId.get(threadId)
  if (first === undefined) {
    return (
      <PanelFrame label="Thread" title="Thread" onClose={onClose}>
        <EmptyState title="Thread not found">It may not have synced to this device yet.</EmptyState>
      </PanelFrame>
    )
  }
  const replies = index.replies.get(threadId) ?? []
  const working = activeTasks.filter((task) => taskThreadId(task) === threadId)
  const parent = getMessage(doc, threadId)

  const editLast = () => {
    for (let position = replies.length - 1; position >= 0; position--) {
      const reply = replies[position]!
      if (reply.authorId === selfId && getMessage(doc, reply.id).deleted === null) {
        startEdit(reply.id)
        return true
      }
    }
    return false
  }

  return (
    <PanelFrame label="Thread" title="Thread" subtitle={`#${channel.name}`} onClose={onClose}>
      <div className="flex min-h-full flex-col">
        <div className="pt-2">
          <MessageRow view={parent} compact={false} inThread signature={messageSignature(parent)} />
        </div>
        <div className="my-2 flex items-center gap-3 px-5 text-xs text-fg-subtle">
          <span>
            {replies.length} {replies.length === 1 ? 'reply' : 'replies'}
          </span>
          <div className="h-px flex-1 bg-border" />
        </div>
        <ol aria-label="Replies" className="flex-1">
          {replies.map((reply, position) => {
            const view = getMessage(doc, reply.id)
            const previous = position > 0 ? replies[position - 1] : undefined
            const compact = continues(previous, reply)
            return (
              <li key={reply.id}>
                <MessageRow view={view} compact={compact} inThread signature={messageSignature(view)} />
              </li>
            )
          })}
          {working.map((task) => (
            <li key={task.id}>
              <TaskLiveRow task={task} />
            </li>
          ))}
        </ol>
        <div className="sticky bottom-0 bg-bg pt-2">
          {isMember ? (
            <Composer key={`${channel.id}:${threadId}`} label="Reply to thread" placeholder="Reply…" threadId={threadId} onEditLast={editLast} autoFocus />
          ) : (
            <p className="px-5 pb-3 text-sm text-fg-muted">Join #{channel.name} to reply.</p>
          )}
        </div>
      </div>
    </PanelFrame>
  )
}

// ---------------------------------------------------------------------------------------------------
// Trail

export function TrailPanel({ taskId, onClose }: { taskId: string; onClose: () => void }) {
  const { doc, tasksById, membersById, stopTask, openThread } = useChannel()
  const task = tasksById.get(taskId)
  const trail = task === undefined ? [] : readTrail(doc, taskId)
  const [runId, setRunId] = useState<string | null>(null)
  if (task === undefined) {
    return (
      <PanelFrame label="Task trail" title="Task" onClose={onClose}>
        <EmptyState title="Task not found">It may not have synced to this device yet.</EmptyState>
      </PanelFrame>
    )
  }
  const coworker = membersById.get(task.coworkerId) ?? null
  const requester = membersById.get(task.requestedBy) ?? null
  const shown = runId ?? shownRunId(task, trail)
  const running = task.status === 'queued' || task.status === 'running'
  const live = readLiveReply(doc, task.id)?.text.toString() ?? ''
  const duration = task.startedAt === null ? null : (task.finishedAt ?? Date.now()) - task.startedAt
  const threadOf = task.trigger.type === 'mention' ? (task.trigger.threadId ?? task.trigger.messageId) : null

  return (
    <PanelFrame label="Task trail" title={`${coworker?.name ?? 'Coworker'}’s task`} subtitle={statusWord(task)} onClose={onClose}>
      <div className="flex flex-col gap-4 px-4 py-4">
        <div className="flex items-center gap-2.5">
          <Avatar member={coworker} />
          <div className="min-w-0 flex-1">
            <div className="flex items-center gap-1.5">
              <span className="truncate font-semibold">{coworker?.name ?? 'Coworker'}</span>
              <CoworkerBadge />
            </div>
            <TaskStatus task={task} trail={trail} writing={live !== ''} className="text-xs" />
          </div>
          {running && (
            <Button size="sm" onClick={() => stopTask(task.id)} disabled={task.stopRequest !== null} aria-label="Stop">
              <CircleStop aria-hidden className="size-3.5 text-danger" />
              {task.stopRequest !== null ? 'Stopping…' : 'Stop'}
            </Button>
          )}
        </div>
        <section>
          <h3 className="text-xs font-semibold text-fg-subtle">Asked{requester !== null ? ` by ${requester.name}` : ''}</h3>
          <blockquote className="mt-1 rounded-lg border border-border bg-bg-subtle px-3 py-2">
            <Markdown text={task.prompt} className="text-sm" />
          </blockquote>
          {threadOf !== null && (
            <button type="button" onClick={() => openThread(threadOf)} className="mt-1 text-xs text-accent-text hover:underline">
              Open the conversation
            </button>
          )}
        </section>
        <dl className="grid grid-cols-3 gap-2 text-xs">
          <Stat label="Duration" value={duration === null ? '—' : formatDuration(duration)} />
          <Stat label="Turns" value={task.usage === null ? '—' : String(task.usage.turns)} />
          <Stat label="Tokens" value={task.usage === null ? '—' : `${formatTokens(task.usage.inputTokens + task.usage.outputTokens)}`} />
          {task.usage !== null && <Stat label="Cost (est.)" value={`$${task.usage.estimatedCostUsd.toFixed(3)}`} />}
          <Stat label="Started" value={task.startedAt === null ? 'not yet' : new Date(task.startedAt).toLocaleTimeString()} title={task.startedAt === null ? undefined : formatFull(task.startedAt)} />
          <Stat label="Attempt" value={String(task.claim?.attempt ?? 0)} />
        </dl>
        {task.endReason !== null && task.status !== 'succeeded' && (
          <ProblemNotice problem={{ message: task.status === 'stopped' ? 'Stopped' : 'Failed', hint: task.endReason, code: null }} compact />
        )}
        <section>
          <div className="mb-1.5 flex items-center justify-between">
            <h3 className="text-xs font-semibold text-fg-subtle">Audit trail</h3>
            <span className="text-[11px] text-fg-subtle">Visible to everyone in the workspace</span>
          </div>
          <RunPicker task={task} trail={trail} runId={shown} onChange={setRunId} />
          <TrailList task={task} trail={trail} runId={shown} className="mt-1.5" />
        </section>
      </div>
    </PanelFrame>
  )
}

function Stat({ label, value, title }: { label: string; value: string; title?: string | undefined }) {
  return (
    <div className="rounded-md border border-border px-2 py-1.5" title={title}>
      <dt className="text-fg-subtle">{label}</dt>
      <dd className="mt-0.5 font-medium text-fg tabular-nums">{value}</dd>
    </div>
  )
}

function statusWord(task: TaskRecord): string {
  switch (task.status) {
    case 'queued':
      return 'Waiting to start'
    case 'running':
      return 'Working'
    case 'succeeded':
      return 'Finished'
    case 'failed':
      return 'Failed'
    case 'stopped':
      return 'Stopped'
  }
}
