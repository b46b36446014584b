import { FileText, Plus, Search, SearchX, Table2 } from 'lucide-react'
import { useMemo, useState, type KeyboardEvent } from 'react'
import type { Deliverable } from '../../../shared/model/types.ts'
import { listChannels } from '../../../shared/operations/channels.ts'
import { listDeliverables } from '../../../shared/operations/deliverables.ts'
import { findMember } from '../../../shared/operations/members.ts'
import { Avatar, Button, CoworkerBadge, cx, EmptyState, Tooltip } from '../components/ui.tsx'
import { useDocVersion } from '../data/docStore.ts'
import { formatFull, formatRelative } from '../lib/time.ts'
import { useWorkspace } from '../workspace/context.tsx'
import { CreateDocumentDialog, CreateTrackerDialog } from './CreateDialogs.tsx'
import { countByKind, deliverableKinds, deliverableStatuses, filterDeliverables, isFiltered, kindLabels, noFilter, statusLabels, type DeliverableFilter } from './model.ts'
import { CompactSelect, KindTile, StatusBadge, StatusDot } from './parts.tsx'

/** `#/deliverables`: every document, tracker and report, with filters and the create dialogs. */
export function DeliverableList() {
  const { root } = useWorkspace()
  const version = useDocVersion(root)
  const [filter, setFilter] = useState<DeliverableFilter>(noFilter)
  const [creating, setCreating] = useState<'document' | 'tracker' | null>(null)
  const all = useMemo(() => listDeliverables(root), [root, version])
  const shown = useMemo(() => filterDeliverables(all, filter), [all, filter])
  const counts = countByKind(all)
  const channels = useMemo(() => {
    const used = new Set(all.map((item) => item.channelId))
    return listChannels(root, { includeArchived: true }).filter((channel) => !channel.archived || used.has(channel.id))
  }, [root, all])
  const channelName = (id: string | null) => (id === null ? null : (channels.find((channel) => channel.id === id)?.name ?? null))

  const set = (change: Partial<DeliverableFilter>) => setFilter((current) => ({ ...current, ...change }))

  return (
    <main aria-label="Deliverables" className="flex min-w-0 flex-1 flex-col">
      <header className="flex h-12 shrink-0 items-center gap-3 border-b border-border px-6">
        <h1 className="text-base font-semibold">Deliverables</h1>
        {all.length > 0 && <span className="text-sm text-fg-subtle tabular-nums">{all.length}</span>}
        <div className={cx('ml-auto flex items-center gap-2', all.length === 0 && 'hidden')}>
          <Button size="sm" onClick={() => setCreating('tracker')}>
            <Table2 aria-hidden className="size-3.5" />
            New tracker
          </Button>
          <Button size="sm" variant="primary" onClick={() => setCreating('document')}>
            <Plus aria-hidden className="size-3.5" />
            New document
          </Button>
        </div>
      </header>

      {all.length === 0 ? (
        <div className="flex flex-1 items-center justify-center">
          <EmptyState
            icon={<FileText className="size-5" />}
            title="No deliverables yet"
            action={
              <>
                <Button variant="primary" onClick={() => setCreating('document')}>
                  <Plus aria-hidden className="size-4" />
                  New document
                </Button>
                <Button onClick={() => setCreating('tracker')}>
                  <Table2 aria-hidden className="size-4" />
                  New tracker
                </Button>
              </>
            }
          >
            Documents, trackers and reports the team keeps live here, each with its review status. Start one yourself, or ask a coworker in a channel, for example{' '}
            <code className="rounded-sm bg-bg-muted px-1 font-mono text-xs">@scout draft the weekly report</code>.
          </EmptyState>
        </div>
      ) : (
        <>
          <div className="flex shrink-0 flex-wrap items-center gap-2 border-b border-border px-6 py-2">
            <div role="group" aria-label="Kind" className="flex items-center gap-0.5 rounded-lg bg-bg-muted p-0.5">
              {(['all', ...deliverableKinds] as const).map((kind) => (
                <button
                  key={kind}
                  type="button"
                  aria-pressed={filter.kind === kind}
                  onClick={() => set({ kind })}
                  className={cx(
                    'flex h-6 items-center gap-1.5 rounded-md px-2 text-xs font-medium transition-colors',
                    filter.kind === kind ? 'bg-bg text-fg shadow-sm' : 'text-fg-muted hover:text-fg'
                  )}
                >
                  {kind === 'all' ? 'All' : kindLabels[kind].many}
                  <span className="text-fg-subtle tabular-nums">{counts[kind]}</span>
                </button>
              ))}
            </div>
            <div className="ml-auto flex items-center gap-2">
              <label className="relative flex items-center">
                <Search aria-hidden className="pointer-events-none absolute left-2 size-3.5 text-fg-subtle" />
                <input
                  type="search"
                  aria-label="Filter deliverables"
                  placeholder="Filter deliverables"
                  value={filter.query}
                  onChange={(event) => set({ query: event.target.value })}
                  className="h-7 w-48 rounded-md border border-border-strong bg-bg pr-2 pl-7 text-xs shadow-sm placeholder:text-fg-subtle focus:border-accent focus:outline-none"
                />
              </label>
              <CompactSelect
                size="sm"
                label="Status"
                value={filter.status}
                onChange={(status) => set({ status: status as DeliverableFilter['status'] })}
                options={[{ value: 'all', label: 'Any status' }, ...deliverableStatuses.map((status) => ({ value: status, label: statusLabels[status], icon: <StatusDot status={status} /> }))]}
                className="w-32"
              />
              <CompactSelect
                size="sm"
                label="Channel"
                value={filter.channel}
                onChange={(channel) => set({ channel })}
                options={[{ value: 'all', label: 'All channels' }, { value: 'none', label: 'No channel' }, ...channels.map((channel) => ({ value: channel.id, label: `#${channel.name}` }))]}
                className="w-36"
              />
            </div>
          </div>

          {shown.length === 0 ? (
            <div className="flex flex-1 items-center justify-center">
              <EmptyState icon={<SearchX className="size-5" />} title="Nothing matches these filters" action={<Button onClick={() => setFilter(noFilter)}>Clear filters</Button>}>
                {isFiltered(filter) ? 'Try another kind, status or channel, or clear the filters to see everything.' : null}
              </EmptyState>
            </div>
          ) : (
            <div className="min-h-0 flex-1 overflow-y-auto">
              <DeliverableTable items={shown} channelName={channelName} />
            </div>
          )}
        </>
      )}

      <CreateDocumentDialog open={creating === 'document'} onOpenChange={(open) => setCreating(open ? 'document' : null)} />
      <CreateTrackerDialog open={creating === 'tracker'} onOpenChange={(open) => setCreating(open ? 'tracker' : null)} />
    </main>
  )
}

function DeliverableTable({ items, channelName }: { items: readonly Deliverable[]; channelName: (id: string | null) => string | null }) {
  const { root, workspace } = useWorkspace()
  const now = Date.now()

  // Up and Down move between rows, as in a list; Tab still walks every link.
  const onKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return
    if (event.altKey || event.metaKey || event.ctrlKey) return
    const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>('a[data-row-link]')]
    const index = links.indexOf(document.activeElement as HTMLAnchorElement)
    if (index === -1) return
    event.preventDefault()
    links[Math.max(0, Math.min(links.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)))]?.focus()
  }

  return (
    <table className="w-full table-fixed border-collapse text-sm" aria-label="Deliverables">
      <colgroup>
        <col />
        <col className="w-32" />
        <col className="w-44" />
        <col className="w-40" />
        <col className="w-28" />
      </colgroup>
      <thead className="sticky top-0 z-10 bg-bg">
        <tr className="h-8 border-b border-border text-left text-xs font-medium text-fg-subtle">
          <th scope="col" className="pl-6 font-medium">
            Title
          </th>
          <th scope="col" className="font-medium">
            Status
          </th>
          <th scope="col" className="font-medium">
            Owner
          </th>
          <th scope="col" className="font-medium">
            Channel
          </th>
          <th scope="col" className="pr-6 text-right font-medium">
            Updated
          </th>
        </tr>
      </thead>
      <tbody onKeyDown={onKeyDown}>
        {items.map((item) => {
          const owner = findMember(root, item.ownerId) ?? null
          const channel = channelName(item.channelId)
          return (
            <tr key={item.id} className="group relative h-11 border-b border-border/70 transition-colors hover:bg-bg-subtle focus-within:bg-bg-subtle">
              <td className="pl-6">
                <div className="flex min-w-0 items-center gap-3">
                  <KindTile kind={item.kind} size="sm" />
                  <a
                    data-row-link
                    href={`#/deliverables/${item.id}`}
                    className="min-w-0 truncate font-medium text-fg outline-none after:absolute after:inset-0 after:content-[''] focus-visible:after:rounded-sm focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-accent"
                  >
                    {item.title}
                  </a>
                  <span className="shrink-0 text-xs text-fg-subtle">{kindLabels[item.kind].one}</span>
                </div>
              </td>
              <td>
                <StatusBadge status={item.status} />
              </td>
              <td>
                <span className="flex min-w-0 items-center gap-2">
                  <Avatar member={owner} size="xs" />
                  <span className="truncate text-fg-muted">{owner?.id === workspace.memberId ? 'You' : (owner?.name ?? 'Unknown')}</span>
                  {owner?.kind === 'coworker' && <CoworkerBadge />}
                </span>
              </td>
              <td className="truncate text-fg-muted">{channel === null ? <span className="text-fg-subtle">—</span> : `#${channel}`}</td>
              <td className="pr-6 text-right">
                <Tooltip content={formatFull(item.updatedAt)}>
                  <span className="relative z-[1] text-xs text-fg-subtle tabular-nums">{formatRelative(item.updatedAt, now)}</span>
                </Tooltip>
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
