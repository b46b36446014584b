import { ChartColumn, FileText, Table2 } from 'lucide-react'
import type { DeliverableKind, DeliverableStatus } from '../../../shared/model/types.ts'
import { cx } from '../components/ui.tsx'
import { statusLabels } from './model.ts'

/** Small pieces the deliverables views share: kind marks and status badges. */

const kindIcons: Record<DeliverableKind, typeof FileText> = { document: FileText, tracker: Table2, report: ChartColumn }
const kindTones: Record<DeliverableKind, string> = {
  document: 'bg-accent-subtle text-accent-text',
  tracker: 'bg-success-subtle text-success',
  report: 'bg-warning-subtle text-warning'
}

export function KindIcon({ kind, className }: { kind: DeliverableKind; className?: string }) {
  const Icon = kindIcons[kind]
  return <Icon aria-hidden className={cx('size-4', className)} />
}

/** The kind's icon on its tinted tile, as lists and headers show it. */
export function KindTile({ kind, size = 'md' }: { kind: DeliverableKind; size?: 'sm' | 'md' }) {
  return (
    <span aria-hidden className={cx('inline-flex shrink-0 items-center justify-center rounded-md', kindTones[kind], size === 'sm' ? 'size-6' : 'size-7')}>
      <KindIcon kind={kind} className={size === 'sm' ? 'size-3.5' : 'size-4'} />
    </span>
  )
}

const statusTones: Record<DeliverableStatus, { badge: string; dot: string }> = {
  draft: { badge: 'bg-bg-muted text-fg-muted', dot: 'bg-fg-subtle' },
  'in-review': { badge: 'bg-warning-subtle text-warning', dot: 'bg-warning' },
  approved: { badge: 'bg-success-subtle text-success', dot: 'bg-success' }
}

export function StatusBadge({ status, className }: { status: DeliverableStatus; className?: string }) {
  return (
    <span className={cx('inline-flex h-5 shrink-0 items-center gap-1.5 rounded-full px-2 text-xs font-medium whitespace-nowrap', statusTones[status].badge, className)}>
      <span aria-hidden className={cx('size-1.5 rounded-full', statusTones[status].dot)} />
      {statusLabels[status]}
    </span>
  )
}

export function StatusDot({ status }: { status: DeliverableStatus }) {
  return <span aria-hidden className={cx('inline-block size-2 shrink-0 rounded-full', statusTones[status].dot)} />
}
