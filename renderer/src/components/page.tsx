import { ChevronRight, Pencil, Trash2 } from 'lucide-react'
import type { HTMLAttributes, ReactNode } from 'react'
import { Button, cx } from './ui.tsx'

/**
 * The frame of a main view (Coworkers, Workflows, Memory, Deliverables, Files, Settings): the landmark,
 * the header with its title and actions, the scrolling body, section titles and the facts of a detail page.
 */

export interface Crumb {
  label: string
  href: string
}

/** The bar at the top of a view: breadcrumbs, the title, a count when above zero, what follows it, and actions on the right. */
export function PageHeader({ title, crumbs, count, actions, children }: { title: string; crumbs?: Crumb[]; count?: number; actions?: ReactNode; children?: ReactNode }) {
  return (
    <header className="flex h-12 shrink-0 items-center gap-3 border-b border-border px-6">
      <div className="flex min-w-0 flex-1 items-center gap-1.5">
        {crumbs?.map((crumb) => (
          <span key={crumb.href} className="flex shrink-0 items-center gap-1.5 text-base">
            <a href={crumb.href} className="rounded-sm text-fg-muted hover:text-fg">
              {crumb.label}
            </a>
            <ChevronRight aria-hidden className="size-3.5 text-fg-subtle" />
          </span>
        ))}
        <h1 className="truncate text-base font-semibold">{title}</h1>
        {count !== undefined && count > 0 && <span className="ml-1.5 text-sm text-fg-subtle tabular-nums">{count}</span>}
        {children}
      </div>
      {actions !== undefined && <div className="flex shrink-0 items-center gap-2">{actions}</div>}
    </header>
  )
}

/**
 * A main view named `label` with its PageHeader (`headerExtra` goes after the title); `children` fill the
 * rest, usually a PageBody. Other props (drop handlers, a class) go to the `<main>`.
 */
export function Page({
  label,
  title,
  crumbs,
  count,
  actions,
  headerExtra,
  className,
  children,
  ...rest
}: { label: string; title: string; crumbs?: Crumb[]; count?: number; actions?: ReactNode; headerExtra?: ReactNode; children: ReactNode } & Omit<HTMLAttributes<HTMLElement>, 'title' | 'children'>) {
  return (
    <main aria-label={label} className={cx('flex min-w-0 flex-1 flex-col', className)} {...rest}>
      <PageHeader title={title} crumbs={crumbs} count={count} actions={actions}>
        {headerExtra}
      </PageHeader>
      {children}
    </main>
  )
}

/** The scrolling part of a Page, its content in a centred column: `wide` for lists and detail pages, `narrow` for reading. */
export function PageBody({ width = 'wide', className, children }: { width?: 'wide' | 'narrow'; className?: string; children: ReactNode }) {
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className={cx('mx-auto flex flex-col px-6 pt-6 pb-12', width === 'wide' ? 'max-w-5xl' : 'max-w-3xl', className)}>{children}</div>
    </div>
  )
}

/** Edit and Remove (or Delete) for the header of a detail page. */
export function EditAndRemoveButtons({ onEdit, onRemove, removeLabel }: { onEdit: () => void; onRemove: () => void; removeLabel: string }) {
  return (
    <>
      <Button size="sm" onClick={onEdit}>
        <Pencil aria-hidden className="size-3.5" />
        Edit
      </Button>
      <Button size="sm" variant="ghost" onClick={onRemove} className="hover:text-danger">
        <Trash2 aria-hidden className="size-3.5" />
        {removeLabel}
      </Button>
    </>
  )
}

export function SectionTitle({ children, count, action, id }: { children: ReactNode; count?: number; action?: ReactNode; id?: string }) {
  return (
    <div className="mb-2 flex h-7 items-center gap-2">
      <h2 id={id} className="text-sm font-semibold text-fg">
        {children}
      </h2>
      {count !== undefined && <span className="rounded-full bg-bg-muted px-1.5 text-[11px] leading-[18px] font-medium text-fg-muted tabular-nums">{count}</span>}
      {action !== undefined && <div className="ml-auto flex items-center gap-1">{action}</div>}
    </div>
  )
}

/** One fact in the side column of a detail page (Channels, Tools, Schedule…): a small title over its content. */
export function FactSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section>
      <h3 className="mb-1.5 text-xs font-semibold text-fg-subtle">{title}</h3>
      {children}
    </section>
  )
}
