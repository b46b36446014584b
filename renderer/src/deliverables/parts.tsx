import * as Select from '@radix-ui/react-select'
import { ChartColumn, Check, ChevronDown, FileText, Table2 } from 'lucide-react'
import type { ReactNode } from 'react'
import type { DeliverableKind, DeliverableStatus } from '../../../shared/model/types.ts'
import { cx } from '../components/ui.tsx'
import { statusLabels } from './model.ts'

/** Small pieces the deliverables views share: kind marks, status badges, a compact select. */

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

export interface SelectOption {
  value: string
  label: string
  icon?: ReactNode
}

/** A Radix select styled like the app's fields; `label` is its accessible name. */
export function CompactSelect({
  label,
  value,
  options,
  onChange,
  className,
  size = 'md',
  placeholder
}: {
  label: string
  value: string
  options: readonly SelectOption[]
  onChange: (value: string) => void
  className?: string
  size?: 'sm' | 'md'
  placeholder?: string
}) {
  const current = options.find((option) => option.value === value)
  return (
    <Select.Root value={value} onValueChange={onChange}>
      <Select.Trigger
        aria-label={label}
        className={cx(
          'inline-flex min-w-0 items-center justify-between gap-1.5 rounded-md border border-border-strong bg-bg text-fg shadow-sm transition-colors hover:bg-bg-subtle focus-visible:border-accent data-[placeholder]:text-fg-subtle',
          size === 'sm' ? 'h-7 px-2 text-xs' : 'h-8 px-2.5 text-sm',
          className
        )}
      >
        <span className="flex min-w-0 items-center gap-1.5 truncate">
          {current?.icon !== undefined && <span className="shrink-0 text-fg-subtle">{current.icon}</span>}
          <Select.Value placeholder={placeholder}>{current?.label}</Select.Value>
        </span>
        <Select.Icon>
          <ChevronDown aria-hidden className="size-3.5 shrink-0 text-fg-subtle" />
        </Select.Icon>
      </Select.Trigger>
      <Select.Portal>
        <Select.Content position="popper" sideOffset={4} className="z-50 max-h-[min(320px,var(--radix-select-content-available-height))] min-w-[var(--radix-select-trigger-width)] overflow-hidden rounded-lg border border-border bg-bg-overlay p-1 shadow-md">
          <Select.Viewport>
            {options.map((option) => (
              <Select.Item key={option.value} value={option.value} className="flex h-8 cursor-default items-center gap-2 rounded-md pr-2 pl-2 text-sm text-fg outline-none select-none data-[highlighted]:bg-bg-muted">
                {option.icon !== undefined && (
                  <span aria-hidden className="text-fg-subtle">
                    {option.icon}
                  </span>
                )}
                <Select.ItemText>{option.label}</Select.ItemText>
                <Select.ItemIndicator className="ml-auto pl-2">
                  <Check aria-hidden className="size-3.5 text-accent" />
                </Select.ItemIndicator>
              </Select.Item>
            ))}
          </Select.Viewport>
        </Select.Content>
      </Select.Portal>
    </Select.Root>
  )
}
