import { ChartColumn, Check, FileText, Inbox, MessageSquareWarning, Table2 } from 'lucide-react'
import { useState, type FormEvent } from 'react'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { Deliverable } from '../../../shared/model/types.ts'
import { findMember } from '../../../shared/operations/members.ts'
import { TextAreaField } from '../components/forms.tsx'
import { Avatar, Button, cx, ProblemNotice, Tooltip } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { formatFull, formatRelative } from '../lib/time.ts'
import { useWorkspace } from '../workspace/context.tsx'
import type { ReviewItem, ReviewQueue as Queue } from './reviewQueue.ts'

/**
 * Deliverables a workflow produced that wait in review. What waits for the person at this window comes
 * first and stands out; what waits for someone else is listed quietly below (anyone in the workspace
 * may still approve it). Approve and Request changes go to the Host (`review.approve`,
 * `review.requestChanges`), which announces the outcome in the channel and, for changes, keeps the
 * comment in memory and gives the coworker a task to revise.
 */
export function ReviewQueue({ queue, className }: { queue: Queue; className?: string }) {
  const { root } = useWorkspace()
  if (queue.mine.length === 0 && queue.others.length === 0) return null
  return (
    <div className={cx('flex flex-col gap-4', className)}>
      {queue.mine.length > 0 && (
        <section aria-labelledby="review-mine" className="overflow-hidden rounded-xl border border-warning/40 bg-bg shadow-sm">
          <div className="flex items-center gap-2.5 border-b border-warning/30 bg-warning-subtle px-4 py-2.5">
            <Inbox aria-hidden className="size-4 text-warning" />
            <h2 id="review-mine" className="text-sm font-semibold text-fg">
              Waiting for your review
            </h2>
            <span className="rounded-full bg-warning px-1.5 text-[11px] leading-[18px] font-semibold text-bg tabular-nums">{queue.mine.length}</span>
            <p className="ml-auto hidden text-xs text-fg-muted sm:block">Nothing is published until you approve it.</p>
          </div>
          <ul aria-label="Waiting for your review" className="divide-y divide-border">
            {queue.mine.map((item) => (
              <ReviewRow key={item.deliverable.id} item={item} prominent />
            ))}
          </ul>
        </section>
      )}
      {queue.others.length > 0 && (
        <section aria-labelledby="review-others">
          <h2 id="review-others" className="mb-2 text-xs font-semibold text-fg-subtle">
            Also in review · waiting for {joinNames(queue.others.map((item) => (item.reviewerId === null ? 'anyone' : (findMember(root, item.reviewerId)?.name ?? 'someone'))))}
          </h2>
          <ul aria-label="In review for others" className="divide-y divide-border overflow-hidden rounded-xl border border-border bg-bg">
            {queue.others.map((item) => (
              <ReviewRow key={item.deliverable.id} item={item} prominent={false} />
            ))}
          </ul>
        </section>
      )}
    </div>
  )
}

const kindIcon: Record<Deliverable['kind'], typeof FileText> = { document: FileText, tracker: Table2, report: ChartColumn }

function ReviewRow({ item, prominent }: { item: ReviewItem; prominent: boolean }) {
  const { root, bridge, workspace, toast } = useWorkspace()
  const [busy, setBusy] = useState<'approve' | 'changes' | null>(null)
  const [asking, setAsking] = useState(false)
  const [comment, setComment] = useState('')
  const [problem, setProblem] = useState<Problem | null>(null)
  const coworker = findMember(root, item.task.coworkerId) ?? null
  const reviewer = item.reviewerId === null ? null : (findMember(root, item.reviewerId) ?? null)
  const channelName = rootCollections(root).channels.get(item.task.channelId)?.get('name') as string | undefined
  const Icon = kindIcon[item.deliverable.kind]
  const title = item.deliverable.title

  const approve = () => {
    setBusy('approve')
    setProblem(null)
    bridge
      .request('review.approve', { workspaceId: workspace.workspaceId, deliverableId: item.deliverable.id })
      .then(() => toast({ tone: 'success', title: `Approved “${title}”`, body: channelName === undefined ? null : `Announced in #${channelName}.` }))
      .catch((error: unknown) => setProblem(toProblem(error, 'Check that Commons is still running, then try again.')))
      .finally(() => setBusy(null))
  }

  const requestChanges = (event: FormEvent) => {
    event.preventDefault()
    if (comment.trim() === '') return
    setBusy('changes')
    setProblem(null)
    bridge
      .request('review.requestChanges', { workspaceId: workspace.workspaceId, deliverableId: item.deliverable.id, comment: comment.trim() })
      .then((result) => {
        setAsking(false)
        setComment('')
        toast({
          tone: 'success',
          title: result.taskId === null ? `“${title}” is a draft again` : `Asked ${coworker?.name ?? 'the coworker'} to revise “${title}”`,
          body: 'Your comment is saved in memory as a preference, so later runs follow it too.'
        })
      })
      .catch((error: unknown) => setProblem(toProblem(error, 'Check that Commons is still running, then try again.')))
      .finally(() => setBusy(null))
  }

  return (
    <li data-deliverable-id={item.deliverable.id} aria-label={`${title}, in review`} className={cx('flex flex-col gap-2 px-4', prominent ? 'py-3' : 'py-2.5')}>
      <div className="flex items-center gap-3">
        <span aria-hidden className={cx('flex shrink-0 items-center justify-center rounded-md bg-accent-subtle text-accent-text', prominent ? 'size-9' : 'size-7')}>
          <Icon className={prominent ? 'size-4.5' : 'size-3.5'} />
        </span>
        <div className="min-w-0 flex-1">
          <a href={`#/deliverables/${item.deliverable.id}`} className={cx('block truncate font-medium text-fg hover:underline', prominent ? 'text-base' : 'text-sm')}>
            {title}
          </a>
          <p className="flex min-w-0 flex-wrap items-center gap-x-1.5 text-xs text-fg-subtle">
            <a href={`#/workflows/${item.workflow.id}`} className="truncate hover:text-fg hover:underline">
              {item.workflow.name}
            </a>
            <span aria-hidden>·</span>
            <span className="inline-flex items-center gap-1">
              <Avatar member={coworker} size="xs" className="size-4" />
              {coworker?.name ?? 'a coworker'}
            </span>
            {channelName !== undefined && (
              <>
                <span aria-hidden>·</span>
                <a href={`#/c/${item.task.channelId}`} className="hover:text-fg hover:underline">
                  #{channelName}
                </a>
              </>
            )}
            <span aria-hidden>·</span>
            <Tooltip content={formatFull(item.sentAt)}>
              <span tabIndex={0}>in review {formatRelative(item.sentAt)}</span>
            </Tooltip>
            {!prominent && reviewer !== null && (
              <>
                <span aria-hidden>·</span>
                <span>for {reviewer.name}</span>
              </>
            )}
          </p>
        </div>
        {!asking && (
          <div className="flex shrink-0 items-center gap-2">
            <Button size="sm" variant={prominent ? 'secondary' : 'ghost'} onClick={() => setAsking(true)} disabled={busy !== null} aria-label={`Request changes to ${title}`}>
              <MessageSquareWarning aria-hidden className="size-3.5" />
              Request changes
            </Button>
            <Button size="sm" variant={prominent ? 'primary' : 'secondary'} onClick={approve} busy={busy === 'approve'} disabled={busy !== null} aria-label={`Approve ${title}`}>
              {busy !== 'approve' && <Check aria-hidden className="size-3.5" />}
              Approve
            </Button>
          </div>
        )}
      </div>
      {asking && (
        <form onSubmit={requestChanges} aria-label={`Request changes to ${title}`} className="ml-12 flex flex-col gap-2 rounded-lg border border-border bg-bg-subtle p-3">
          <TextAreaField
            label="What should change?"
            value={comment}
            onChange={(event) => setComment(event.target.value)}
            autoFocus
            rows={3}
            placeholder="e.g. Lead with the numbers, and keep it under a page."
            hint={`${coworker?.name ?? 'The coworker'} revises it in place; the comment is also saved to memory as a preference.`}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.preventDefault()
                event.stopPropagation()
                setAsking(false)
              } else if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
                event.preventDefault()
                event.currentTarget.form?.requestSubmit()
              }
            }}
          />
          <div className="flex justify-end gap-2">
            <Button size="sm" onClick={() => setAsking(false)} disabled={busy !== null}>
              Cancel
            </Button>
            <Button size="sm" type="submit" variant="primary" busy={busy === 'changes'} disabled={comment.trim() === ''}>
              Send back for changes
            </Button>
          </div>
        </form>
      )}
      {problem !== null && <ProblemNotice problem={problem} compact onDismiss={() => setProblem(null)} className="ml-12" />}
    </li>
  )
}

function joinNames(names: string[]): string {
  const unique = [...new Set(names)]
  if (unique.length <= 2) return unique.join(' and ')
  return `${unique.slice(0, 2).join(', ')} and others`
}
