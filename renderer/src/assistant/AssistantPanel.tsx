import * as Popover from '@radix-ui/react-popover'
import {
  ArrowUp,
  Check,
  ChevronDown,
  Copy,
  FilePlus2,
  Hash,
  KeyRound,
  LockKeyhole,
  Send,
  Sparkles,
  Square,
  SquarePen,
  X
} from 'lucide-react'
import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type ComponentType, type FormEvent, type KeyboardEvent, type ReactNode, type RefObject } from 'react'
import type { Channel } from '../../../shared/model/types.ts'
import { listChannels } from '../../../shared/operations/channels.ts'
import type { Route } from '../app/route.ts'
import { Markdown } from '../channel/Markdown.tsx'
import { Button, cx, IconButton, Kbd, ProblemNotice, Spinner, Tooltip } from '../components/ui.tsx'
import { useDocVersion } from '../data/docStore.ts'
import { toProblem, type Problem } from '../data/problems.ts'
import { modKey } from '../workspace/Sidebar.tsx'
import { useWorkspace } from '../workspace/context.tsx'
import { SaveDialog, ShareDialog, type AnswerRef } from './AnswerDialogs.tsx'
import type { AnswerNote, AssistantClient, SessionState, SessionSummary, TranscriptMessage } from './assistantClient.ts'
import { assistantModelStatus } from './modelStatus.ts'
import { ConversationActionsMenu, ConversationTitleInput, DeleteSessionDialog, SessionList } from './SessionList.tsx'

/** Reads the client's state in a component (re-renders when it changes). */
export function useAssistantClient(client: AssistantClient): number {
  return useSyncExternalStore(client.subscribe, () => client.version)
}

export interface AssistantPanelProps {
  client: AssistantClient
  /** The conversation shown; null while Cmd/Ctrl+J is still picking one (`opening`) or when none is. */
  sessionId: string | null
  mode: 'overlay' | 'window'
  opening?: boolean
  openProblem?: Problem | null
  onRetryOpen?: () => void
  /** The channel the person is in: a new conversation takes its context, and shares go there first. */
  channelId: string | null
  onSelectSession: (sessionId: string) => void
  /** The conversation shown was deleted: show another. */
  onCurrentDeleted: () => void
  /** Leaves the assistant for another view: a channel, a deliverable, Settings → Models. */
  onNavigate: (route: Route) => void
  onClose?: () => void
  /** The element the panel's title is (the overlay passes its dialog's Title). */
  TitleAs?: ComponentType<{ className?: string; children: ReactNode }>
}

/**
 * The private assistant: one person's own conversations with Claude, on this device only. Rendered in
 * a dialog docked right (the browser, and Cmd/Ctrl+J in the app) or full-window at #/assistant (the
 * desktop app's own assistant window). It looks unlike a channel on purpose: a warm private surface, a
 * lock mark and "Private — only you can see this", and the channel it was opened from shown as a
 * removable chip. Nothing leaves it but an explicit "Share to channel" or "Save as deliverable".
 */
export function AssistantPanel(props: AssistantPanelProps) {
  const { client, sessionId, mode, channelId, onSelectSession, onNavigate, onClose } = props
  useAssistantClient(client)
  const { root, workspace, models } = useWorkspace()
  const rootVersion = useDocVersion(root)
  const channels = useMemo(() => listChannels(root, { memberId: workspace.memberId }).filter((channel) => !channel.archived), [root, rootVersion, workspace.memberId])
  const summary = sessionId === null ? null : client.summary(sessionId)
  const state = sessionId === null ? null : client.state(sessionId)
  const [deleting, setDeleting] = useState<SessionSummary | null>(null)
  const [creating, setCreating] = useState(false)
  const [problem, setProblem] = useState<Problem | null>(null)
  const composer = useRef<HTMLTextAreaElement>(null)

  // Load what is not loaded yet: the list, and the conversation shown.
  useEffect(() => {
    if (client.sessions() === null && client.listProblem() === null) void client.refresh()
  }, [client])
  useEffect(() => {
    if (sessionId !== null && state !== null && state.messages === null && !state.loading && state.loadProblem === null) void client.load(sessionId)
    setProblem(null)
  }, [client, sessionId])
  useEffect(() => {
    if (sessionId !== null) composer.current?.focus()
  }, [sessionId])

  const newSession = () => {
    setCreating(true)
    setProblem(null)
    client
      .create(channelId)
      .then((created) => onSelectSession(created.id))
      .catch((error: unknown) => setProblem(toProblem(error, 'try again; if it keeps failing, restart Commons')))
      .finally(() => setCreating(false))
  }

  // In its own window there is no dialog to close it: Esc closes the window.
  useEffect(() => {
    if (mode !== 'window' || onClose === undefined) return
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || document.querySelector('[role=dialog], [role=menu], [role=listbox]') !== null) return
      onClose()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [mode, onClose])

  const Title = props.TitleAs ?? DefaultTitle
  const status = assistantModelStatus(models)
  const defaultShareChannel = summary?.contextChip?.channelId ?? channelId

  return (
    <section aria-label="Private assistant" className="private-surface flex h-full min-w-0 flex-1 flex-col bg-(--c-private-bg) text-fg">
      <header className="flex h-14 shrink-0 items-center gap-2.5 border-b border-(--c-private-border) pr-2 pl-4">
        <span aria-hidden className="inline-flex size-8 shrink-0 items-center justify-center rounded-lg bg-(--c-private-mark) text-(--c-private-ink)">
          <LockKeyhole className="size-4" strokeWidth={2.25} />
        </span>
        <div className="min-w-0 flex-1">
          <Title className="truncate text-base leading-5 font-semibold text-fg">Private assistant</Title>
          <p className="truncate text-xs text-fg-muted">Private — only you can see this</p>
        </div>
        {mode === 'overlay' && (
          <IconButton label="New conversation" onClick={newSession} disabled={creating} tooltipSide="bottom">
            <SquarePen className="size-4" />
          </IconButton>
        )}
        {mode === 'overlay' && onClose !== undefined && (
          <IconButton label="Close assistant" shortcut="Esc" onClick={onClose} tooltipSide="bottom">
            <X className="size-4" />
          </IconButton>
        )}
      </header>
      <SessionBar
        client={client}
        summary={summary}
        mode={mode}
        sessions={client.sessions()}
        onSelect={onSelectSession}
        onRequestDelete={setDeleting}
      />
      {problem !== null && <ProblemNotice problem={problem} compact onDismiss={() => setProblem(null)} className="mx-4 mt-3" />}
      {sessionId === null || state === null ? (
        <NoSession opening={props.opening === true} problem={props.openProblem ?? null} onRetry={props.onRetryOpen} onNew={newSession} creating={creating} />
      ) : (
        <Conversation
          key={sessionId}
          client={client}
          sessionId={sessionId}
          state={state}
          summary={summary}
          channels={channels}
          defaultShareChannel={defaultShareChannel}
          status={status}
          composer={composer}
          mode={mode}
          onNavigate={onNavigate}
        />
      )}
      <DeleteSessionDialog
        client={client}
        session={deleting}
        onDeleted={(session) => session.id === sessionId && props.onCurrentDeleted()}
        onClose={() => {
          setDeleting(null)
          composer.current?.focus()
        }}
      />
    </section>
  )
}

function DefaultTitle({ className, children }: { className?: string; children: ReactNode }) {
  return <h1 className={className}>{children}</h1>
}

/** The conversation's title, a switcher to the others (in the overlay), rename and delete. */
function SessionBar({
  client,
  summary,
  mode,
  sessions,
  onSelect,
  onRequestDelete
}: {
  client: AssistantClient
  summary: SessionSummary | null
  mode: 'overlay' | 'window'
  sessions: SessionSummary[] | null
  onSelect: (sessionId: string) => void
  onRequestDelete: (session: SessionSummary) => void
}) {
  const [listOpen, setListOpen] = useState(false)
  const [renaming, setRenaming] = useState(false)
  const [title, setTitle] = useState('')
  const [problem, setProblem] = useState<Problem | null>(null)
  const input = useRef<HTMLInputElement>(null)

  useEffect(() => {
    setRenaming(false)
    setProblem(null)
  }, [summary?.id])
  useEffect(() => {
    if (renaming) {
      input.current?.focus()
      input.current?.select()
    }
  }, [renaming])

  const rename = (event?: FormEvent) => {
    event?.preventDefault()
    if (summary === null) return
    const trimmed = title.trim()
    if (trimmed === '' || trimmed === summary.title) return setRenaming(false)
    client
      .rename(summary.id, trimmed)
      .then(() => setRenaming(false))
      .catch((error: unknown) => setProblem(toProblem(error, 'use 1 to 120 characters')))
  }

  const others = (sessions ?? []).length
  const titleText = summary?.title ?? 'Conversations'
  return (
    <div className="flex shrink-0 flex-col border-b border-(--c-private-border) bg-(--c-private-panel)">
      <div className="flex h-10 items-center gap-1 px-2">
        {renaming && summary !== null ? (
          <form onSubmit={rename} className="flex min-w-0 flex-1">
            <ConversationTitleInput ref={input} value={title} onChange={setTitle} onBlur={() => rename()} onCancel={() => setRenaming(false)} className="h-7 min-w-0 flex-1" />
          </form>
        ) : mode === 'overlay' ? (
          <Popover.Root open={listOpen} onOpenChange={setListOpen}>
            <Popover.Trigger asChild>
              <button
                type="button"
                aria-label={`Conversations (${others}), current: ${titleText}`}
                className="flex h-7 min-w-0 items-center gap-1.5 rounded-md px-2 text-sm font-medium text-fg hover:bg-(--c-private-hover) data-[state=open]:bg-(--c-private-hover)"
              >
                <span className="truncate">{titleText}</span>
                <ChevronDown aria-hidden className="size-3.5 shrink-0 text-fg-subtle" />
              </button>
            </Popover.Trigger>
            <Popover.Portal>
              <Popover.Content
                onEscapeKeyDown={(event) => {
                  if ((document.activeElement as HTMLElement | null)?.closest('[data-own-escape]') != null) event.preventDefault()
                }}
                align="start"
                sideOffset={4}
                className="private-surface z-50 max-h-[min(420px,60vh)] w-80 overflow-y-auto rounded-lg border border-(--c-private-border) bg-(--c-private-bg) shadow-lg focus:outline-none"
              >
                <p className="px-3 pt-2.5 pb-1 text-xs font-medium text-fg-subtle">Your private conversations</p>
                <SessionList
                  client={client}
                  sessions={sessions}
                  activeId={summary?.id ?? null}
                  onSelect={(id) => {
                    setListOpen(false)
                    onSelect(id)
                  }}
                  onRequestDelete={(session) => {
                    setListOpen(false)
                    onRequestDelete(session)
                  }}
                />
              </Popover.Content>
            </Popover.Portal>
          </Popover.Root>
        ) : (
          <h2 className="min-w-0 truncate px-2 text-sm font-medium">{titleText}</h2>
        )}
        <span className="flex-1" />
        {summary !== null && !renaming && (
          <ConversationActionsMenu
            label="Conversation actions"
            className="inline-flex size-7 items-center justify-center rounded-md text-fg-muted hover:bg-(--c-private-hover) hover:text-fg data-[state=open]:bg-(--c-private-hover)"
            iconClassName="size-4"
            renameLabel="Rename conversation"
            deleteLabel="Delete conversation"
            onRename={() => {
              setTitle(summary.title)
              setProblem(null)
              setRenaming(true)
            }}
            onDelete={() => onRequestDelete(summary)}
          />
        )}
      </div>
      {problem !== null && <ProblemNotice problem={problem} compact className="mx-2 mb-2" onDismiss={() => setProblem(null)} />}
    </div>
  )
}

function NoSession({ opening, problem, onRetry, onNew, creating }: { opening: boolean; problem: Problem | null; onRetry: (() => void) | undefined; onNew: () => void; creating: boolean }) {
  return (
    <div className="flex min-h-0 flex-1 flex-col items-center justify-center px-8 text-center">
      {opening && problem === null ? (
        <Spinner label="Opening your assistant" className="size-5" />
      ) : problem !== null ? (
        <ProblemNotice problem={problem} onRetry={onRetry} className="max-w-sm text-left" />
      ) : (
        <>
          <p className="text-sm text-fg-muted">No conversation is open.</p>
          <Button variant="primary" className="mt-3" onClick={onNew} busy={creating}>
            <SquarePen aria-hidden className="size-4" />
            New conversation
          </Button>
        </>
      )}
    </div>
  )
}

/** How near the bottom (px) still counts as following the reply as it streams. */
const followSlack = 48

function Conversation({
  client,
  sessionId,
  state,
  summary,
  channels,
  defaultShareChannel,
  status,
  composer,
  mode,
  onNavigate
}: {
  client: AssistantClient
  sessionId: string
  state: SessionState
  summary: SessionSummary | null
  channels: readonly Channel[]
  defaultShareChannel: string | null
  status: ReturnType<typeof assistantModelStatus>
  composer: RefObject<HTMLTextAreaElement | null>
  mode: 'overlay' | 'window'
  onNavigate: (route: Route) => void
}) {
  const scroller = useRef<HTMLDivElement>(null)
  const following = useRef(true)
  const [sharing, setSharing] = useState<AnswerRef | null>(null)
  const [saving, setSaving] = useState<AnswerRef | null>(null)
  const messages = state.messages
  const live = state.live

  // Follow the reply while it streams, unless the person scrolled up to read.
  useLayoutEffect(() => {
    const element = scroller.current
    if (element !== null && following.current) element.scrollTop = element.scrollHeight
  })

  const lastUserIndex = messages === null ? -1 : messages.findLastIndex((message) => message.role === 'user')
  const empty = messages !== null && messages.length === 0 && live === null
  const chip = summary?.contextChip ?? null

  return (
    <>
      <div
        ref={scroller}
        onScroll={(event) => {
          const element = event.currentTarget
          following.current = element.scrollHeight - element.scrollTop - element.clientHeight < followSlack
        }}
        className="min-h-0 flex-1 overflow-y-auto"
      >
        <div className={cx('mx-auto flex max-w-3xl flex-col gap-5 px-5 py-5', empty && 'h-full')}>
          {status.known && !status.ready && <ModelMissing missing={status.missing} onOpenSettings={() => onNavigate({ view: 'settings', section: 'models' })} />}
          {messages === null ? (
            state.loadProblem !== null ? (
              <ProblemNotice problem={state.loadProblem} onRetry={() => void client.load(sessionId)} />
            ) : (
              <div className="flex justify-center py-10">
                <Spinner label="Loading the conversation" className="size-5" />
              </div>
            )
          ) : empty ? (
            <EmptyConversation chipLabel={chip?.label ?? null} ready={status.ready} onPick={(text) => {
              client.setDraft(sessionId, text)
              composer.current?.focus()
            }} />
          ) : (
            <ol aria-label="Conversation" className="flex flex-col gap-5">
              {messages.map((message, index) => (
                <li key={index}>
                  {message.role === 'user' ? (
                    <UserMessage text={message.text} />
                  ) : (
                    <AnswerMessage
                      latest={index === messages.length - 1 && live === null}
                      text={message.text}
                      notes={state.notes.get(index) ?? []}
                      stopped={index === messages.length - 1 && live === null && state.lastOutcome?.outcome === 'stopped'}
                      onShare={() => setSharing({ sessionId, index, text: message.text })}
                      onSave={() => setSaving({ sessionId, index, text: message.text })}
                      onNavigate={onNavigate}
                      mode={mode}
                    />
                  )}
                  {message.role === 'user' && message.error !== null && !(live !== null && index === lastUserIndex) && (
                    <FailedReply
                      message={message}
                      hint={index === lastUserIndex ? (state.lastOutcome?.error?.hint ?? null) : null}
                      restored={index === lastUserIndex && state.lastOutcome?.error != null && state.draft === message.text}
                    />
                  )}
                </li>
              ))}
              {live !== null && (
                <li aria-busy="true">
                  {live.userText !== null && <UserMessage text={live.userText} />}
                  <div className={cx(live.userText !== null && 'mt-5')}>
                    <LiveAnswer text={live.text} phase={live.phase} />
                  </div>
                </li>
              )}
            </ol>
          )}
        </div>
      </div>
      <Composer
        key={sessionId}
        client={client}
        sessionId={sessionId}
        state={state}
        chip={chip}
        modelLabel={status.label}
        textarea={composer}
        mode={mode}
        onRemoveContext={() => client.removeContext(sessionId)}
      />
      <span role="status" aria-live="polite" className="sr-only">
        {live === null ? '' : live.phase === 'sending' ? 'Your assistant is thinking' : live.phase === 'stopping' ? 'Stopping' : 'Your assistant is answering'}
      </span>
      <ShareDialog
        client={client}
        answer={sharing}
        channels={channels}
        defaultChannelId={defaultShareChannel}
        onClose={() => {
          setSharing(null)
          composer.current?.focus()
        }}
        onShared={() => {}}
      />
      <SaveDialog
        client={client}
        answer={saving}
        sessionTitle={summary?.title ?? ''}
        channels={channels}
        defaultChannelId={defaultShareChannel}
        onClose={() => {
          setSaving(null)
          composer.current?.focus()
        }}
        onSaved={() => {}}
      />
    </>
  )
}

function ModelMissing({ missing, onOpenSettings }: { missing: string | null; onOpenSettings: () => void }) {
  return (
    <div role="note" className="flex items-start gap-3 rounded-lg border border-warning/30 bg-warning-subtle px-3 py-2.5">
      <KeyRound aria-hidden className="mt-0.5 size-4 shrink-0 text-warning" />
      <div className="min-w-0 flex-1 text-sm">
        <p className="font-medium text-fg">No model is set up for your assistant</p>
        <p className="mt-0.5 text-fg-muted">{missing}</p>
      </div>
      <Button size="sm" onClick={onOpenSettings}>
        Open Settings → Models
      </Button>
    </div>
  )
}

function EmptyConversation({ chipLabel, ready, onPick }: { chipLabel: string | null; ready: boolean; onPick: (text: string) => void }) {
  const channel = chipLabel?.split(' · ')[0] ?? null
  const suggestions =
    channel !== null
      ? [`Summarize what happened in ${channel}`, `What decisions were made in ${channel}, and what is still open?`, `Draft a reply to the latest question in ${channel}`]
      : ['What needs my attention in this workspace?', 'Summarize the deliverables in review', 'Help me think through a plan before I share it']
  return (
    <div className="flex flex-1 flex-col items-center justify-center py-8 text-center">
      <span aria-hidden className="mb-4 inline-flex size-12 items-center justify-center rounded-xl bg-(--c-private-mark) text-(--c-private-ink)">
        <LockKeyhole className="size-5" />
      </span>
      <h2 className="text-lg font-semibold text-fg">Ask anything, privately</h2>
      <p className="mt-1.5 max-w-sm text-sm text-fg-muted">
        Your assistant reads the workspace the way you can, and changes nothing. This conversation stays on this device until you share an answer or save it as a deliverable.
      </p>
      {channel !== null && (
        <p className="mt-2 max-w-sm text-sm text-fg-muted">
          It starts with the context of <span className="font-medium text-fg">{channel}</span>.
        </p>
      )}
      {ready && (
        <ul aria-label="Suggestions" className="mt-5 flex w-full max-w-sm flex-col gap-1.5">
          {suggestions.map((text) => (
            <li key={text}>
              <button
                type="button"
                onClick={() => onPick(text)}
                className="w-full rounded-lg border border-(--c-private-border) bg-bg px-3 py-2 text-left text-sm text-fg-muted shadow-sm hover:border-border-strong hover:text-fg"
              >
                {text}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

function UserMessage({ text }: { text: string }) {
  return (
    <div className="flex justify-end">
      <div aria-label="You wrote" role="group" className="max-w-[85%] rounded-2xl rounded-br-md bg-(--c-private-bubble) px-3.5 py-2 text-base whitespace-pre-wrap text-fg [overflow-wrap:anywhere]">
        {text}
      </div>
    </div>
  )
}

function AssistantMark() {
  return (
    <span aria-hidden className="mt-0.5 inline-flex size-6 shrink-0 items-center justify-center rounded-full bg-(--c-private-mark) text-(--c-private-ink)">
      <Sparkles className="size-3.5" />
    </span>
  )
}

function AnswerMessage({
  latest,
  text,
  notes,
  stopped,
  onShare,
  onSave,
  onNavigate,
  mode
}: {
  /** The last answer shows its actions; earlier ones on hover or focus. */
  latest: boolean
  text: string
  notes: readonly AnswerNote[]
  stopped: boolean
  onShare: () => void
  onSave: () => void
  onNavigate: (route: Route) => void
  mode: 'overlay' | 'window'
}) {
  const [copied, setCopied] = useState(false)
  return (
    <article aria-label="Assistant answer" className="group flex gap-3">
      <AssistantMark />
      <div className="min-w-0 flex-1">
        <Markdown text={text} />
        {stopped && <p className="mt-1 text-xs text-fg-subtle italic">You stopped this reply.</p>}
        <div
          role="toolbar"
          aria-label="Answer actions"
          className={cx('mt-1.5 -ml-2 flex flex-wrap items-center gap-1 transition-opacity', !latest && 'opacity-0 group-focus-within:opacity-100 group-hover:opacity-100')}
        >
          <Button size="sm" variant="ghost" onClick={onShare}>
            <Send aria-hidden className="size-3.5" />
            Share to channel
          </Button>
          <Button size="sm" variant="ghost" onClick={onSave}>
            <FilePlus2 aria-hidden className="size-3.5" />
            Save as deliverable
          </Button>
          <Tooltip content={copied ? 'Copied' : 'Copy answer'}>
            <button
              type="button"
              aria-label="Copy answer"
              onClick={() =>
                void navigator.clipboard?.writeText(text).then(() => {
                  setCopied(true)
                  setTimeout(() => setCopied(false), 1500)
                })
              }
              className="inline-flex size-7 items-center justify-center rounded-md text-fg-muted hover:bg-(--c-private-hover) hover:text-fg"
            >
              {copied ? <Check className="size-3.5 text-success" /> : <Copy className="size-3.5" />}
            </button>
          </Tooltip>
        </div>
        {notes.length > 0 && (
          <ul aria-label="Where this answer went" className="mt-1.5 flex flex-col gap-1">
            {notes.map((note, index) => (
              <li key={index} className="flex items-center gap-1.5 text-xs text-fg-muted">
                <Check aria-hidden className="size-3.5 text-success" />
                {note.kind === 'shared' ? <span>Shared to {note.label} as you</span> : <span>Saved as “{note.label}”</span>}
                {mode === 'overlay' && (
                  <button
                    type="button"
                    onClick={() => onNavigate(note.kind === 'shared' ? { view: 'channel', channelId: note.targetId } : { view: 'deliverables', deliverableId: note.targetId })}
                    className="rounded-sm font-medium text-accent-text hover:underline"
                  >
                    {note.kind === 'shared' ? `Open ${note.label}` : 'Open deliverable'}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </article>
  )
}

function LiveAnswer({ text, phase }: { text: string; phase: 'sending' | 'streaming' | 'stopping' }) {
  return (
    <article aria-label="Assistant answer, being written" className="flex gap-3">
      <AssistantMark />
      <div className="min-w-0 flex-1">
        {text === '' ? (
          <p className="flex h-6 items-center gap-2 text-sm text-fg-muted">
            <span aria-hidden className="size-1.5 animate-pulse-dot rounded-full bg-(--c-private-ink)" />
            {phase === 'stopping' ? 'Stopping…' : 'Thinking…'}
          </p>
        ) : (
          <Markdown text={text} streaming={phase !== 'stopping'} />
        )}
      </div>
    </article>
  )
}

/** Under a message whose reply failed: why, and what to try. The message itself is kept (and, for the last one, put back in the box). */
function FailedReply({ message, hint, restored }: { message: TranscriptMessage; hint: string | null; restored: boolean }) {
  const problem = toProblem({ message: message.error ?? 'the assistant could not answer', hint })
  const tail = restored ? 'Your message is back in the box below; send it again when ready.' : null
  return (
    <div className="mt-2 flex justify-end">
      <div className="w-full max-w-[85%]">
        <ProblemNotice problem={{ ...problem, message: `Not answered: ${problem.message}`, hint: [problem.hint === null ? null : problem.hint.replace(/([^.!?])$/, '$1.'), tail].filter(Boolean).join(' ') || null }} compact />
      </div>
    </div>
  )
}

/**
 * Writing to the assistant: Enter sends, Shift+Enter adds a line. While a reply is being written the
 * button stops it. A message the Host refused, or whose reply failed, comes back into the box.
 */
function Composer({
  client,
  sessionId,
  state,
  chip,
  modelLabel,
  textarea,
  mode,
  onRemoveContext
}: {
  client: AssistantClient
  sessionId: string
  state: SessionState
  chip: SessionSummary['contextChip']
  modelLabel: string
  textarea: RefObject<HTMLTextAreaElement | null>
  mode: 'overlay' | 'window'
  onRemoveContext: () => Promise<void>
}) {
  const text = state.draft
  const live = state.live
  const [chipProblem, setChipProblem] = useState<Problem | null>(null)
  const [removing, setRemoving] = useState(false)

  // Grow with the text, up to a third of the window.
  useLayoutEffect(() => {
    const element = textarea.current
    if (element === null) return
    element.style.height = 'auto'
    element.style.height = `${Math.min(element.scrollHeight, Math.max(160, window.innerHeight / 3))}px`
  }, [text, textarea])

  const send = () => {
    if (text.trim() === '' || live !== null) return
    void client.send(sessionId, text)
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey) {
      event.preventDefault()
      send()
    }
  }

  const removeChip = () => {
    setRemoving(true)
    setChipProblem(null)
    onRemoveContext()
      .then(() => textarea.current?.focus())
      .catch((error: unknown) => setChipProblem(toProblem(error, 'try again')))
      .finally(() => setRemoving(false))
  }

  return (
    <div className="shrink-0 px-4 pt-1 pb-3">
      <div className="mx-auto max-w-3xl">
        {state.sendProblem !== null && <ProblemNotice problem={state.sendProblem} compact className="mb-2" onDismiss={() => client.dismissProblem(sessionId)} />}
        {chipProblem !== null && <ProblemNotice problem={chipProblem} compact className="mb-2" onDismiss={() => setChipProblem(null)} />}
        <div className="rounded-xl border border-border-strong bg-bg shadow-sm focus-within:border-accent/70 focus-within:shadow-md">
          {chip !== null && (
            <div className="flex px-2.5 pt-2.5">
              <Tooltip content={`Your assistant took a snapshot of ${chip.label.split(' · ')[0]} when this conversation started. Remove it and it is no longer used.`}>
                <span
                  aria-label={`Context: ${chip.label}`}
                  role="group"
                  className="inline-flex h-6 max-w-full items-center gap-1 rounded-md border border-(--c-private-border) bg-(--c-private-panel) pr-0.5 pl-1.5 text-xs text-fg-muted"
                >
                  <Hash aria-hidden className="size-3 shrink-0 text-fg-subtle" />
                  <span className="truncate">{chip.label.replace(/^#/, '')}</span>
                  <button
                    type="button"
                    aria-label="Remove channel context"
                    disabled={removing}
                    onClick={removeChip}
                    className="ml-0.5 inline-flex size-5 items-center justify-center rounded-sm text-fg-subtle hover:bg-bg-emphasis hover:text-fg disabled:opacity-50"
                  >
                    <X className="size-3" />
                  </button>
                </span>
              </Tooltip>
            </div>
          )}
          <textarea
            ref={textarea}
            aria-label="Message your assistant"
            placeholder={chip !== null ? `Ask about ${chip.label.split(' · ')[0]}, or anything else…` : 'Ask your assistant anything…'}
            rows={1}
            value={text}
            onChange={(event) => client.setDraft(sessionId, event.target.value)}
            onKeyDown={onKeyDown}
            className="block max-h-[40vh] min-h-[44px] w-full resize-none bg-transparent px-3 pt-2.5 pb-1 text-base text-fg placeholder:text-fg-subtle focus:outline-none"
          />
          <div className="flex items-center gap-2 px-2.5 pb-2">
            <span className="flex min-w-0 flex-1 items-center gap-1.5 text-xs text-fg-subtle">
              <LockKeyhole aria-hidden className="size-3 shrink-0" />
              <span className="truncate">Private · {modelLabel}</span>
            </span>
            {live !== null ? (
              <Button size="sm" variant="secondary" onClick={() => void client.stop(sessionId)} disabled={live.phase === 'stopping'} aria-label="Stop">
                <Square aria-hidden className="size-3 fill-current" />
                Stop
              </Button>
            ) : (
              <Tooltip content="Send" shortcut="Enter">
                <button
                  type="button"
                  aria-label="Send"
                  onClick={send}
                  disabled={text.trim() === ''}
                  className="inline-flex size-7 items-center justify-center rounded-md bg-accent text-accent-fg shadow-sm hover:bg-accent-hover disabled:bg-bg-emphasis disabled:text-fg-subtle disabled:shadow-none"
                >
                  <ArrowUp className="size-4" />
                </button>
              </Tooltip>
            )}
          </div>
        </div>
        <p className="mt-1.5 hidden text-center text-[11px] text-fg-subtle sm:block">
          <Kbd>Enter</Kbd> to send · <Kbd>Shift</Kbd>+<Kbd>Enter</Kbd> for a new line{mode === 'overlay' && (
            <>
              {' '}
              · <Kbd>Esc</Kbd> to close
            </>
          )}
        </p>
      </div>
    </div>
  )
}
