import { Search } from 'lucide-react'
import type { KeyboardEvent, ReactNode } from 'react'
import type { Member } from '../../../shared/model/types.ts'
import { formatFull, formatRelative } from '../lib/time.ts'
import { Avatar, CoworkerBadge, cx, Tooltip } from './ui.tsx'

/**
 * Lists of records (deliverables, files): the filter box of their header, a table whose rows are links,
 * and the cells such tables share.
 */

/** The small search box in a list's header that narrows what it shows; `label` names it and is its placeholder. */
export function SearchFilterInput({ label, value, onChange, className }: { label: string; value: string; onChange: (value: string) => void; className: string }) {
  return (
    <label className="relative flex items-center">
      <Search aria-hidden className="pointer-events-none absolute left-2 size-3.5 text-fg-subtle" />
      <input
        type="search"
        aria-label={label}
        placeholder={label}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        className={cx('h-7 rounded-md border border-border-strong bg-bg pr-2 pl-7 text-xs shadow-sm placeholder:text-fg-subtle focus:border-accent focus:outline-none', className)}
      />
    </label>
  )
}

export interface TableColumn {
  label: string
  /** The `<col>`'s width class; none for the column that takes the rest. */
  width?: string
  /** Padding and alignment of the header cell. */
  className?: string
}

// Up and Down move between the rows' links, as in a list; Tab still walks every link.
function moveBetweenRowLinks(event: KeyboardEvent<HTMLTableSectionElement>) {
  if ((event.key !== 'ArrowDown' && event.key !== 'ArrowUp') || event.altKey || event.metaKey || event.ctrlKey) return
  const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>('a[data-row-link]')]
  const index = links.indexOf(document.activeElement as HTMLAnchorElement)
  if (index === -1) return
  event.preventDefault()
  links[Math.max(0, Math.min(links.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)))]?.focus()
}

/**
 * A table of records named `label`, under a sticky header row, whose rows each open with a RowLink (the
 * whole row is its target) and Up/Down move between those links. Columns given as `false` are left out.
 */
export function LinkRowTable({ label, columns, children }: { label: string; columns: ReadonlyArray<TableColumn | false>; children: ReactNode }) {
  const shown = columns.filter((column): column is TableColumn => column !== false)
  return (
    <table aria-label={label} className="w-full table-fixed border-collapse text-sm">
      <colgroup>
        {shown.map((column) => (
          <col key={column.label} className={column.width} />
        ))}
      </colgroup>
      <thead className="sticky top-0 z-10 bg-bg">
        <tr className="h-8 border-b border-border text-left text-xs font-medium text-fg-subtle">
          {shown.map((column) => (
            <th key={column.label} scope="col" className={cx(column.className, 'font-medium')}>
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody onKeyDown={moveBetweenRowLinks}>{children}</tbody>
    </table>
  )
}

/** The link of a LinkRowTable row: its text, and a target that covers the whole row (which must be `relative`). */
export function RowLink({ href, current = false, children }: { href: string; current?: boolean; children: ReactNode }) {
  return (
    <a
      data-row-link
      href={href}
      aria-current={current ? 'true' : undefined}
      className="min-w-0 truncate font-medium text-fg outline-none after:absolute after:inset-0 after:content-[''] focus-visible:after:rounded-sm focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-accent"
    >
      {children}
    </a>
  )
}

/** Who made or owns a record: their avatar and name ("You" for `youId`), marked when a coworker. */
export function MemberCell({ member, youId }: { member: Member | null; youId: string }) {
  return (
    <td>
      <span className="flex min-w-0 items-center gap-2">
        <Avatar member={member} size="xs" />
        <span className="truncate text-fg-muted">{member?.id === youId ? 'You' : (member?.name ?? 'Unknown')}</span>
        {member?.kind === 'coworker' && <CoworkerBadge />}
      </span>
    </td>
  )
}

/** How long ago, with the full date and time in a tooltip. */
export function RelativeTime({ at, now, className }: { at: number; now?: number; className: string }) {
  return (
    <Tooltip content={formatFull(at)}>
      <span className={className}>{formatRelative(at, now)}</span>
    </Tooltip>
  )
}

/** The last cell of a LinkRowTable row: when the record last changed, above the row's link. */
export function RelativeTimeCell({ at, now }: { at: number; now: number }) {
  return (
    <td className="pr-6 text-right">
      <RelativeTime at={at} now={now} className="relative z-[1] text-xs text-fg-subtle tabular-nums" />
    </td>
  )
}
