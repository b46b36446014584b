import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import { Ellipsis, Hash, MessageSquare, Pencil, Trash2 } from 'lucide-react'
import { forwardRef, useEffect, useRef, useState, type FocusEvent, type FormEvent } from 'react'
import { ConfirmDialog, cx, ProblemNotice, Spinner } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { formatRelative } from '../lib/time.ts'
import { menuContentClass, menuItemClass } from '../workspace/Sidebar.tsx'
import type { AssistantClient, SessionSummary } from './assistantClient.ts'

/**
 * The person's private conversations in this workspace, most recent first: pick one, rename it in
 * place, or delete it (after a confirmation). Used as the window's sidebar and in the panel's
 * "Conversations" popover.
 */
export function SessionList({
  client,
  sessions,
  activeId,
  onSelect,
  onRequestDelete,
  className
}: {
  client: AssistantClient
  sessions: SessionSummary[] | null
  activeId: string | null
  onSelect: (sessionId: string) => void
  /** Opens the confirmation (DeleteSessionDialog), held by the view around the list so a popover closing does not take it away. */
  onRequestDelete: (session: SessionSummary) => void
  className?: string
}) {
  const [renaming, setRenaming] = useState<string | null>(null)
  const problem = client.listProblem()

  if (sessions === null) {
    return problem !== null ? (
      <ProblemNotice problem={problem} compact onRetry={() => void client.refresh()} className={cx('m-2', className)} />
    ) : (
      <div className={cx('flex items-center gap-2 px-3 py-3 text-sm text-fg-muted', className)}>
        <Spinner /> Loading conversations…
      </div>
    )
  }
  if (sessions.length === 0) {
    return <p className={cx('px-3 py-3 text-sm text-fg-subtle', className)}>No conversations yet. Start one and it shows up here.</p>
  }

  return (
    <ul aria-label="Conversations" className={cx('flex flex-col gap-px p-1', className)}>
      {sessions.map((session) => (
        <li key={session.id} className="group relative">
          {renaming === session.id ? (
            <RenameRow client={client} session={session} onDone={() => setRenaming(null)} />
          ) : (
            <>
              <button
                type="button"
                aria-current={session.id === activeId ? 'true' : undefined}
                onClick={() => onSelect(session.id)}
                className={cx(
                  'flex w-full min-w-0 flex-col rounded-md py-1.5 pr-8 pl-2.5 text-left',
                  session.id === activeId ? 'bg-(--c-private-bubble) text-fg' : 'text-fg-muted hover:bg-(--c-private-hover) hover:text-fg'
                )}
              >
                <span className={cx('truncate text-sm', session.id === activeId && 'font-medium')}>{session.title}</span>
                <span className="flex min-w-0 items-center gap-1 text-xs text-fg-subtle">
                  {session.contextChip !== null ? (
                    <>
                      <Hash aria-hidden className="size-3 shrink-0" />
                      <span className="truncate">{session.contextChip.label.replace(/^#/, '').split(' · ')[0]}</span>
                      <span aria-hidden>·</span>
                    </>
                  ) : (
                    <MessageSquare aria-hidden className="size-3 shrink-0" />
                  )}
                  <span className="shrink-0">{formatRelative(session.updatedAt)}</span>
                </span>
              </button>
              <ConversationActionsMenu
                label={`Actions for ${session.title}`}
                className="absolute top-1.5 right-1 inline-flex size-6 items-center justify-center rounded-md text-fg-subtle opacity-0 group-focus-within:opacity-100 group-hover:opacity-100 hover:bg-bg-emphasis hover:text-fg focus-visible:opacity-100 data-[state=open]:bg-bg-emphasis data-[state=open]:opacity-100"
                iconClassName="size-3.5"
                renameLabel="Rename"
                deleteLabel="Delete"
                onRename={() => setRenaming(session.id)}
                onDelete={() => onRequestDelete(session)}
              />
            </>
          )}
        </li>
      ))}
    </ul>
  )
}

function RenameRow({ client, session, onDone }: { client: AssistantClient; session: SessionSummary; onDone: () => void }) {
  const [title, setTitle] = useState(session.title)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<Problem | null>(null)
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => {
    input.current?.focus()
    input.current?.select()
  }, [])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const trimmed = title.trim()
    if (trimmed === '' || trimmed === session.title) return onDone()
    setBusy(true)
    client
      .rename(session.id, trimmed)
      .then(onDone)
      .catch((error: unknown) => {
        setProblem(toProblem(error, 'use 1 to 120 characters'))
        setBusy(false)
      })
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-1 px-1 py-1">
      <ConversationTitleInput
        ref={input}
        value={title}
        disabled={busy}
        onChange={setTitle}
        onBlur={(event) => {
          if (!busy) submit(event)
        }}
        onCancel={onDone}
        className="h-8 w-full"
      />
      {problem !== null && <ProblemNotice problem={problem} compact />}
    </form>
  )
}

/** The ⋯ button of a conversation (named `label`) and its menu: rename it, or delete it. */
export function ConversationActionsMenu({
  label,
  className,
  iconClassName,
  renameLabel,
  deleteLabel,
  onRename,
  onDelete
}: {
  label: string
  className: string
  iconClassName: string
  renameLabel: string
  deleteLabel: string
  onRename: () => void
  onDelete: () => void
}) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger asChild>
        <button type="button" aria-label={label} className={className}>
          <Ellipsis className={iconClassName} />
        </button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="end" sideOffset={4} className={menuContentClass}>
          <DropdownMenu.Item className={menuItemClass} onSelect={onRename}>
            <Pencil aria-hidden className="size-4 text-fg-subtle" />
            {renameLabel}
          </DropdownMenu.Item>
          <DropdownMenu.Item className={cx(menuItemClass, 'text-danger')} onSelect={onDelete}>
            <Trash2 aria-hidden className="size-4" />
            {deleteLabel}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  )
}

/**
 * The text box a conversation is renamed in (in the list, and in the panel's bar): its form submits on
 * Enter, and Esc cancels here without closing the panel around it.
 */
export const ConversationTitleInput = forwardRef<
  HTMLInputElement,
  { value: string; onChange: (title: string) => void; onBlur: (event: FocusEvent<HTMLInputElement>) => void; onCancel: () => void; disabled?: boolean; className: string }
>(function ConversationTitleInput({ value, onChange, onBlur, onCancel, disabled, className }, ref) {
  return (
    <input
      ref={ref}
      aria-label="Conversation title"
      data-own-escape
      value={value}
      maxLength={120}
      disabled={disabled}
      onChange={(event) => onChange(event.target.value)}
      onBlur={onBlur}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault()
          event.stopPropagation()
          onCancel()
        }
      }}
      className={cx('rounded-md border border-accent bg-bg px-2 text-sm text-fg shadow-sm focus:outline-none', className)}
    />
  )
})

export function DeleteSessionDialog({ client, session, onClose, onDeleted }: { client: AssistantClient; session: SessionSummary | null; onClose: () => void; onDeleted?: (session: SessionSummary) => void }) {
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<Problem | null>(null)
  useEffect(() => {
    setProblem(null)
    setBusy(false)
  }, [session?.id])
  const confirm = () => {
    if (session === null) return
    setBusy(true)
    client
      .remove(session.id)
      .then(() => {
        onDeleted?.(session)
        onClose()
      })
      .catch((error: unknown) => setProblem(toProblem(error, 'try again')))
      .finally(() => setBusy(false))
  }
  return (
    <ConfirmDialog
      open={session !== null}
      onOpenChange={(open) => !open && onClose()}
      title="Delete this conversation?"
      description={`“${session?.title ?? ''}” is removed from this device for good. Anything you shared to a channel or saved as a deliverable stays where it is.`}
      confirmLabel="Delete conversation"
      onConfirm={confirm}
      busy={busy}
      problem={problem}
    />
  )
}
