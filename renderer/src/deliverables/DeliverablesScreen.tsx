import * as Popover from '@radix-ui/react-popover'
import { Check, ChevronRight, Download, FileQuestion, MessageSquareWarning, RotateCcw, Send } from 'lucide-react'
import { lazy, Suspense, useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import { fragmentToMarkdown } from '../../../shared/content/documentToMarkdown.ts'
import { readTracker, trackerToCsv } from '../../../shared/content/trackerTable.ts'
import { deliverableDocName } from '../../../shared/docNames.ts'
import { documentBody } from '../../../shared/model/deliverableDoc.ts'
import { readRecord } from '../../../shared/model/records.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { Channel, Deliverable } from '../../../shared/model/types.ts'
import { renameDeliverable, setDeliverableStatus } from '../../../shared/operations/deliverables.ts'
import { findMember } from '../../../shared/operations/members.ts'
import { navigate } from '../app/route.ts'
import { FormActions } from '../components/forms.tsx'
import { AppDialog, Avatar, Button, CenteredEmptyState, CoworkerBadge, cx, ProblemNotice, Spinner, Tooltip } from '../components/ui.tsx'
import { useAwarenessVersion } from '../data/awareness.ts'
import { useDocVersion } from '../data/docStore.ts'
import { toProblem, type Problem } from '../data/problems.ts'
import { useReplica, type ReplicaState } from '../data/replicaPool.ts'
import { formatFull, formatRelative } from '../lib/time.ts'
import { downloadBlob } from '../files/download.ts'
import { useWorkspace } from '../workspace/context.tsx'
import { DeliverableList } from './DeliverableList.tsx'
import { cellProblem, exportFileName, historyVerb, isChangeRequest, kindLabels, reopenedComment, statusActions, statusLabels } from './model.ts'
import { KindIcon, KindTile, StatusBadge } from './parts.tsx'
import { collaborators, useDeliverablePresence, useTouchWhileEditing } from './replicas.ts'
import { TrackerGrid } from './TrackerGrid.tsx'

// The editor (TipTap and ProseMirror) loads when a document is first opened.
const DocumentEditor = lazy(() => import('./DocumentEditor.tsx').then((module) => ({ default: module.DocumentEditor })))

/** `#/deliverables` lists them; `#/deliverables/:id` opens one (a document or report, or a tracker). */
export function DeliverablesScreen({ deliverableId }: { deliverableId: string | null }) {
  if (deliverableId === null) return <DeliverableList />
  return <DeliverablePage key={deliverableId} deliverableId={deliverableId} />
}

function DeliverablePage({ deliverableId }: { deliverableId: string }) {
  const { root, pool, workspace } = useWorkspace()
  const rootVersion = useDocVersion(root)
  const entry = rootCollections(root).deliverables.get(deliverableId)
  const deliverable = useMemo(() => (entry === undefined ? null : readRecord<Deliverable>(entry)), [entry, rootVersion])
  const replica = useReplica(pool, deliverable === null ? null : deliverableDocName(workspace.workspaceId, deliverableId))

  if (deliverable === null) {
    return (
      <main aria-label="Deliverable not found" className="flex min-w-0 flex-1 flex-col">
        <Breadcrumb />
        <CenteredEmptyState icon={<FileQuestion className="size-5" />} title="Deliverable not found" action={<Button onClick={() => navigate({ view: 'deliverables', deliverableId: null })}>All deliverables</Button>}>
          It may have been removed, or it has not synced to this device yet.
        </CenteredEmptyState>
      </main>
    )
  }

  const ready = replica !== null && replica.synced
  return (
    <main aria-label={deliverable.title} className="flex min-w-0 flex-1 flex-col">
      <PageHeader deliverable={deliverable} replica={ready ? replica : null} />
      {!ready ? (
        <div className="flex flex-1 items-center justify-center">
          {replica?.error != null ? <ProblemNotice problem={replica.error} className="max-w-md" /> : <Spinner label={`Opening ${deliverable.title}`} className="size-5" />}
        </div>
      ) : deliverable.kind === 'tracker' ? (
        <TrackerBody deliverable={deliverable} replica={replica} />
      ) : (
        <DocumentBody deliverable={deliverable} replica={replica} />
      )}
    </main>
  )
}

function Breadcrumb({ deliverable }: { deliverable?: Deliverable }) {
  return (
    <nav aria-label="Breadcrumb" className="flex min-w-0 items-center gap-1.5 text-sm">
      <a href="#/deliverables" className="shrink-0 rounded-sm px-1 text-fg-muted hover:bg-bg-muted hover:text-fg">
        Deliverables
      </a>
      {deliverable !== undefined && (
        <>
          <ChevronRight aria-hidden className="size-3.5 shrink-0 text-fg-subtle" />
          <span aria-current="page" className="flex min-w-0 items-center gap-1.5 font-medium text-fg">
            <KindIcon kind={deliverable.kind} className="size-3.5 shrink-0 text-fg-subtle" />
            <span className="truncate">{deliverable.title}</span>
          </span>
        </>
      )}
    </nav>
  )
}

// ---------------------------------------------------------------------------------------------------
// Header: where it is, who is here, its status and what can be done with it

function PageHeader({ deliverable, replica }: { deliverable: Deliverable; replica: ReplicaState | null }) {
  const { root, bridge, workspace, context, toast, reportProblem } = useWorkspace()
  const [busy, setBusy] = useState<'review' | 'approve' | 'reopen' | null>(null)
  const [requesting, setRequesting] = useState(false)
  const actions = statusActions(deliverable.status)

  const requestReview = () => {
    setBusy('review')
    try {
      setDeliverableStatus(root, { deliverableId: deliverable.id, status: 'in-review' }, context)
      toast({ tone: 'success', title: 'Sent for review', body: `"${deliverable.title}" is in review. Anyone in the workspace can approve it or ask for changes.` })
    } catch (error) {
      reportProblem(toProblem(error))
    } finally {
      setBusy(null)
    }
  }

  const reopen = () => {
    setBusy('reopen')
    try {
      setDeliverableStatus(root, { deliverableId: deliverable.id, status: 'draft', comment: reopenedComment }, context)
    } catch (error) {
      reportProblem(toProblem(error))
    } finally {
      setBusy(null)
    }
  }

  const approve = async () => {
    setBusy('approve')
    try {
      await bridge.request('review.approve', { workspaceId: workspace.workspaceId, deliverableId: deliverable.id })
      toast({ tone: 'success', title: 'Approved', body: `"${deliverable.title}" is approved.` })
    } catch (error) {
      reportProblem(toProblem(error))
    } finally {
      setBusy(null)
    }
  }

  const exportFile = () => {
    if (replica === null) return
    if (deliverable.kind === 'tracker') downloadBlob(exportFileName(deliverable.title, 'csv'), trackerToCsv(replica.doc), 'text/csv;charset=utf-8')
    else downloadBlob(exportFileName(deliverable.title, 'md'), fragmentToMarkdown(documentBody(replica.doc)), 'text/markdown;charset=utf-8')
  }

  return (
    <header className="flex h-12 shrink-0 items-center gap-3 border-b border-border pr-4 pl-5">
      <Breadcrumb deliverable={deliverable} />
      <div className="ml-auto flex shrink-0 items-center gap-2">
        {replica !== null && <Collaborators awareness={replica.awareness} />}
        <StatusHistory deliverable={deliverable} />
        {actions.includes('request-review') && (
          <Button size="sm" variant="primary" busy={busy === 'review'} onClick={requestReview}>
            <Send aria-hidden className="size-3.5" />
            Request review
          </Button>
        )}
        {actions.includes('request-changes') && (
          <Button size="sm" onClick={() => setRequesting(true)}>
            <MessageSquareWarning aria-hidden className="size-3.5" />
            Request changes
          </Button>
        )}
        {actions.includes('approve') && (
          <Button size="sm" variant="primary" busy={busy === 'approve'} onClick={() => void approve()}>
            <Check aria-hidden className="size-3.5" />
            Approve
          </Button>
        )}
        {actions.includes('reopen') && (
          <Button size="sm" variant="ghost" busy={busy === 'reopen'} onClick={reopen}>
            <RotateCcw aria-hidden className="size-3.5" />
            Reopen as draft
          </Button>
        )}
        <span aria-hidden className="mx-0.5 h-5 w-px bg-border" />
        <Button size="sm" variant="ghost" disabled={replica === null} onClick={exportFile}>
          <Download aria-hidden className="size-3.5" />
          {deliverable.kind === 'tracker' ? 'Export CSV' : 'Export Markdown'}
        </Button>
      </div>
      <RequestChangesDialog deliverable={deliverable} open={requesting} onOpenChange={setRequesting} />
    </header>
  )
}

function Collaborators({ awareness }: { awareness: Awareness }) {
  const { workspace } = useWorkspace()
  const version = useAwarenessVersion(awareness)
  const others = useMemo(() => collaborators(awareness), [awareness, version])
  if (others.length === 0) return null
  const shown = others.slice(0, 4)
  const names = others.map((other) => (other.memberId === workspace.memberId ? 'you, in another window' : other.name))
  return (
    <div role="group" aria-label={`Also here: ${names.join(', ')}`} className="mr-1 flex items-center -space-x-1.5">
      {shown.map((other, index) => (
        <Tooltip key={other.clientId} content={names[index]}>
          <span
            tabIndex={0}
            className="inline-flex size-6 items-center justify-center rounded-full border-2 bg-bg text-[10px] font-semibold text-fg"
            style={{ borderColor: other.color }}
          >
            <span aria-hidden>{initials(other.name)}</span>
          </span>
        </Tooltip>
      ))}
      {others.length > shown.length && <span className="inline-flex size-6 items-center justify-center rounded-full border-2 border-bg bg-bg-emphasis text-[10px] font-semibold text-fg-muted">+{others.length - shown.length}</span>}
    </div>
  )
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return '?'
  if (words.length === 1) return words[0]!.slice(0, 2).toUpperCase()
  return (words[0]![0]! + words.at(-1)![0]!).toUpperCase()
}

/** The status badge; it opens the status history (who changed it, when, with what comment). */
function StatusHistory({ deliverable }: { deliverable: Deliverable }) {
  const { root, workspace } = useWorkspace()
  const history = [...deliverable.statusHistory].reverse()
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <button type="button" aria-label={`Status: ${statusLabels[deliverable.status]}. Show status history`} className="rounded-full outline-offset-2 hover:opacity-85">
          <StatusBadge status={deliverable.status} />
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="end" sideOffset={6} className="z-50 w-80 rounded-lg border border-border bg-bg-overlay p-1 shadow-md">
          <h2 className="px-2.5 pt-2 pb-1 text-xs font-semibold text-fg-subtle">Status history</h2>
          <ol aria-label="Status history" className="max-h-80 overflow-y-auto">
            {history.map((change, index) => {
              const by = findMember(root, change.by) ?? null
              return (
                <li key={`${change.at}-${index}`} className="flex gap-2.5 rounded-md px-2.5 py-2">
                  <Avatar member={by} size="xs" className="mt-0.5" />
                  <div className="min-w-0 flex-1">
                    <div className="flex flex-wrap items-center gap-1.5 text-sm">
                      <span className="font-medium">{by?.id === workspace.memberId ? 'You' : (by?.name ?? 'Someone')}</span>
                      {by?.kind === 'coworker' && <CoworkerBadge />}
                      <span className="text-fg-muted">{historyVerb(change, index === history.length - 1)}</span>
                    </div>
                    <time dateTime={new Date(change.at).toISOString()} title={formatFull(change.at)} className="text-xs text-fg-subtle">
                      {formatRelative(change.at)}
                    </time>
                    {change.comment !== '' && change.comment !== reopenedComment && <p className="mt-1 rounded-md border-l-2 border-border-strong bg-bg-subtle px-2 py-1 text-xs whitespace-pre-wrap text-fg-muted">{change.comment}</p>}
                  </div>
                </li>
              )
            })}
          </ol>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  )
}

function RequestChangesDialog({ deliverable, open, onOpenChange }: { deliverable: Deliverable; open: boolean; onOpenChange: (open: boolean) => void }) {
  const { bridge, workspace, toast } = useWorkspace()
  const [comment, setComment] = useState('')
  const [problem, setProblem] = useState<Problem | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    try {
      const { taskId } = await bridge.request('review.requestChanges', { workspaceId: workspace.workspaceId, deliverableId: deliverable.id, comment })
      setComment('')
      setProblem(null)
      onOpenChange(false)
      toast({
        tone: 'success',
        title: 'Changes requested',
        body: taskId !== null ? 'The coworker that wrote it is revising it. Your comment is kept in memory as a preference.' : 'It is a draft again. Your comment is kept in memory as a preference.'
      })
    } catch (error) {
      setProblem(toProblem(error))
    } finally {
      setBusy(false)
    }
  }

  return (
    <AppDialog open={open} onOpenChange={onOpenChange} title="Request changes" description={`Say what should change in "${deliverable.title}". It goes back to draft, and a coworker that wrote it revises it.`}>
      <form onSubmit={submit} className="flex flex-col gap-4 px-5 pt-4 pb-5">
        <div className="flex flex-col gap-1.5">
          <label htmlFor="review-comment" className="text-sm font-medium">
            What should change?
          </label>
          <textarea
            id="review-comment"
            autoFocus
            rows={5}
            value={comment}
            onChange={(event) => setComment(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) event.currentTarget.form?.requestSubmit()
            }}
            placeholder="e.g. Lead with the numbers, and keep it under a page."
            className="resize-y rounded-md border border-border-strong bg-bg px-2.5 py-2 text-base shadow-sm placeholder:text-fg-subtle focus:border-accent focus:outline-none"
          />
        </div>
        <FormActions problem={problem} onCancel={() => onOpenChange(false)} busy={busy} disabled={comment.trim() === ''}>
          Request changes
        </FormActions>
      </form>
    </AppDialog>
  )
}

// ---------------------------------------------------------------------------------------------------
// Title and details, shared by both kinds

function TitleField({ deliverable, onEnter, className }: { deliverable: Deliverable; onEnter?: () => void; className?: string }) {
  const { root, context } = useWorkspace()
  const [draft, setDraft] = useState(deliverable.title)
  const [problem, setProblem] = useState<string | null>(null)
  const focused = useRef(false)

  useEffect(() => {
    if (!focused.current) setDraft(deliverable.title)
  }, [deliverable.title])

  const commit = (): boolean => {
    if (draft.trim() === deliverable.title) {
      setDraft(deliverable.title)
      setProblem(null)
      return true
    }
    try {
      renameDeliverable(root, { deliverableId: deliverable.id, title: draft }, context)
      setProblem(null)
      return true
    } catch (error) {
      setProblem(cellProblem(error))
      return false
    }
  }

  return (
    <div className={className}>
      <input
        aria-label="Title"
        aria-invalid={problem !== null || undefined}
        aria-describedby={problem !== null ? 'title-problem' : undefined}
        value={draft}
        placeholder="Untitled"
        onFocus={() => (focused.current = true)}
        onBlur={() => {
          focused.current = false
          commit()
        }}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault()
            if (commit()) onEnter?.()
          } else if (event.key === 'Escape') {
            setDraft(deliverable.title)
            setProblem(null)
            event.currentTarget.blur()
          }
        }}
        className="w-full rounded-md bg-transparent text-2xl font-bold tracking-tight text-fg outline-none placeholder:text-fg-subtle focus-visible:outline-none"
      />
      {problem !== null && (
        <p id="title-problem" role="alert" className="mt-1 text-xs text-danger">
          {problem}
        </p>
      )}
    </div>
  )
}

function Details({ deliverable, extra }: { deliverable: Deliverable; extra?: string }) {
  const { root, workspace } = useWorkspace()
  const owner = findMember(root, deliverable.ownerId) ?? null
  const channelEntry = deliverable.channelId === null ? undefined : rootCollections(root).channels.get(deliverable.channelId)
  const channel = channelEntry === undefined ? null : readRecord<Channel>(channelEntry)
  return (
    <dl className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-fg-muted">
      <div className="flex items-center gap-1.5">
        <dt className="sr-only">Kind</dt>
        <KindTile kind={deliverable.kind} size="sm" />
        <dd>{kindLabels[deliverable.kind].one}</dd>
      </div>
      <div className="flex items-center gap-1.5">
        <dt className="text-fg-subtle">Owner</dt>
        <dd className="flex items-center gap-1.5">
          <Avatar member={owner} size="xs" />
          {owner?.id === workspace.memberId ? 'You' : (owner?.name ?? 'Unknown')}
          {owner?.kind === 'coworker' && <CoworkerBadge />}
        </dd>
      </div>
      {channel !== null && (
        <div className="flex items-center gap-1.5">
          <dt className="text-fg-subtle">Channel</dt>
          <dd>
            <a href={`#/c/${channel.id}`} className="rounded-sm hover:text-fg hover:underline">
              #{channel.name}
            </a>
          </dd>
        </div>
      )}
      <div className="flex items-center gap-1.5">
        <dt className="text-fg-subtle">Updated</dt>
        <dd title={formatFull(deliverable.updatedAt)}>{formatRelative(deliverable.updatedAt)}</dd>
      </div>
      {extra !== undefined && <div className="text-fg-subtle">{extra}</div>}
    </dl>
  )
}

/** A draft that came back from review says why, until the next status change. */
function ReviewNote({ deliverable }: { deliverable: Deliverable }) {
  const { root } = useWorkspace()
  const last = deliverable.statusHistory.at(-1)
  if (deliverable.status === 'in-review') {
    return (
      <p className={cx('mt-4 flex items-center gap-2 rounded-lg border border-warning/30 bg-warning-subtle px-3 py-2 text-sm text-fg')}>
        <MessageSquareWarning aria-hidden className="size-4 shrink-0 text-warning" />
        In review. Read it through, then approve it or request changes from the bar above.
      </p>
    )
  }
  if (deliverable.status !== 'draft' || last === undefined || deliverable.statusHistory.length < 2 || !isChangeRequest(last)) return null
  const by = findMember(root, last.by)
  return (
    <div className="mt-4 flex gap-2.5 rounded-lg border border-border bg-bg-subtle px-3 py-2.5 text-sm">
      <MessageSquareWarning aria-hidden className="mt-0.5 size-4 shrink-0 text-warning" />
      <div className="min-w-0">
        <p className="font-medium">{by?.name ?? 'A reviewer'} asked for changes</p>
        <p className="mt-0.5 whitespace-pre-wrap text-fg-muted">{last.comment}</p>
      </div>
    </div>
  )
}

// ---------------------------------------------------------------------------------------------------
// Bodies

function DocumentBody({ deliverable, replica }: { deliverable: Deliverable; replica: ReplicaState }) {
  const { root, workspace, context } = useWorkspace()
  const me = findMember(root, workspace.memberId)
  useDeliverablePresence(replica.awareness, workspace.memberId, me?.name ?? 'Someone')
  useTouchWhileEditing(root, replica.doc, deliverable.id, context)
  const focusBody = () => document.querySelector<HTMLElement>('[data-deliverable-body] .ProseMirror')?.focus()
  return (
    <div className="min-h-0 flex-1 overflow-y-auto" data-deliverable-body>
      <Suspense
        fallback={
          <div className="flex justify-center py-16">
            <Spinner label="Loading the editor" />
          </div>
        }
      >
      <DocumentEditor
        doc={replica.doc}
        awareness={replica.awareness}
        label={`${deliverable.title}, ${kindLabels[deliverable.kind].one.toLowerCase()} body`}
        heading={
          <div className="mb-8">
            <TitleField deliverable={deliverable} onEnter={focusBody} />
            <Details deliverable={deliverable} />
            <ReviewNote deliverable={deliverable} />
          </div>
        }
      />
      </Suspense>
    </div>
  )
}

function TrackerBody({ deliverable, replica }: { deliverable: Deliverable; replica: ReplicaState }) {
  const { root, workspace, context } = useWorkspace()
  const me = findMember(root, workspace.memberId)
  const version = useDocVersion(replica.doc)
  useDeliverablePresence(replica.awareness, workspace.memberId, me?.name ?? 'Someone')
  useTouchWhileEditing(root, replica.doc, deliverable.id, context)
  const count = useMemo(() => readTracker(replica.doc).rows.length, [replica.doc, version])
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="shrink-0 px-6 pt-8 pb-5">
        <TitleField deliverable={deliverable} />
        <Details deliverable={deliverable} extra={`${count} ${count === 1 ? 'row' : 'rows'}`} />
        <ReviewNote deliverable={deliverable} />
      </div>
      <TrackerGrid doc={replica.doc} awareness={replica.awareness} label={deliverable.title} />
    </div>
  )
}
