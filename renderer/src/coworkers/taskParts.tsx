import { Ban, CircleCheck, CircleDashed, CircleX, LoaderCircle } from 'lucide-react'
import type * as Y from 'yjs'
import { channelDocName } from '../../../shared/docNames.ts'
import { readLiveReply, readTrail } from '../../../shared/model/trail.ts'
import type { TaskRecord, TaskStatus as TaskStatusValue } from '../../../shared/model/types.ts'
import { TaskStatus, TrailList } from '../channel/TaskViews.tsx'
import { cx, ProblemNotice, Spinner } from '../components/ui.tsx'
import { useDocVersion } from '../data/docStore.ts'
import type { Problem } from '../data/problems.ts'
import { useReplica } from '../data/replicaPool.ts'
import { useWorkspace } from '../workspace/context.tsx'

/**
 * Task pieces the Coworkers and Workflows views share: a task's status as a chip, its live status line
 * ("searching memory…") read from its channel's trail, and the trail itself. The trail lives in the
 * channel doc, so these hold that channel's replica while they are shown.
 */

const statusStyle: Record<TaskStatusValue, { label: string; className: string; icon: typeof CircleCheck }> = {
  queued: { label: 'Queued', className: 'bg-bg-muted text-fg-muted', icon: CircleDashed },
  running: { label: 'Running', className: 'bg-coworker-subtle text-coworker-text', icon: LoaderCircle },
  succeeded: { label: 'Done', className: 'bg-success-subtle text-success', icon: CircleCheck },
  failed: { label: 'Failed', className: 'bg-danger-subtle text-danger', icon: CircleX },
  stopped: { label: 'Stopped', className: 'bg-bg-muted text-fg-muted', icon: Ban }
}

export function taskStatusLabel(status: TaskStatusValue): string {
  return statusStyle[status].label
}

export function TaskStatusChip({ status, className }: { status: TaskStatusValue; className?: string }) {
  const { label, className: tone, icon: Icon } = statusStyle[status]
  return (
    <span className={cx('inline-flex h-5 shrink-0 items-center gap-1 rounded-full px-1.5 text-[11px] font-medium', tone, className)}>
      <Icon aria-hidden className={cx('size-3', status === 'running' && 'animate-spin')} />
      {label}
    </span>
  )
}

/** The channel doc that holds a task's trail, while the component is shown (null until synced). */
function useChannelDoc(channelId: string): { doc: Y.Doc | null; error: Problem | null } {
  const { pool, workspace } = useWorkspace()
  const replica = useReplica(pool, channelDocName(workspace.workspaceId, channelId))
  return { doc: replica?.synced === true ? replica.doc : null, error: replica?.error ?? null }
}

/** "writing Weekly report…": what a running task does now, live from its trail. */
export function LiveTaskStatus({ task, className }: { task: TaskRecord; className?: string }) {
  const { doc } = useChannelDoc(task.channelId)
  useDocVersion(doc)
  const trail = doc === null ? [] : readTrail(doc, task.id)
  const writing = doc !== null && (readLiveReply(doc, task.id)?.text.length ?? 0) > 0
  return <TaskStatus task={task} trail={trail} writing={writing} className={className ?? 'text-xs'} />
}

/** A task's audit trail, read from its channel doc. */
export function TaskTrail({ task, className }: { task: TaskRecord; className?: string }) {
  const { doc, error } = useChannelDoc(task.channelId)
  useDocVersion(doc)
  if (error !== null) return <ProblemNotice problem={error} compact className={className} />
  if (doc === null) return <Spinner label="Loading the trail" className={cx('size-3.5', className)} />
  return <TrailList task={task} trail={readTrail(doc, task.id)} className={className} />
}
