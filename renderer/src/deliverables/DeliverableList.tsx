import { FileText, Plus, SearchX, Table2 } from 'lucide-react'
import { useMemo, useState } from 'react'
import type { Deliverable } from '../../../shared/model/types.ts'
import { listChannels } from '../../../shared/operations/channels.ts'
import { listDeliverables } from '../../../shared/operations/deliverables.ts'
import { findMember } from '../../../shared/operations/members.ts'
import { LinkRowTable, MemberCell, RelativeTimeCell, RowLink, SearchFilterInput, type TableColumn } from '../components/list.tsx'
import { Page } from '../components/page.tsx'
import { CompactSelect } from '../components/select.tsx'
import { Button, CenteredEmptyState, cx } from '../components/ui.tsx'
import { useDocVersion } from '../data/docStore.ts'
import { useWorkspace } from '../workspace/context.tsx'
import { CreateDocumentDialog, CreateTrackerDialog } from './CreateDialogs.tsx'
import { countByKind, deliverableKinds, deliverableStatuses, filterDeliverables, isFiltered, kindLabels, noFilter, statusLabels, type DeliverableFilter } from './model.ts'
import { KindTile, StatusBadge, StatusDot } from './parts.tsx'

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
    <Page
      label="Deliverables"
      title="Deliverables"
      count={all.length}
      actions={
        all.length === 0 ? undefined : (
          <>
            <Button size="sm" onClick={() => setCreating('tracker')}>
              <Table2 aria-hidden className="size-3.5" />
              New tracker
            </Button>
            <Button size="sm" variant="primary" onClick={() => setCreating('document')}>
              <Plus aria-hidden className="size-3.5" />
              New document
            </Button>
          </>
        )
      }
    >
      {all.length === 0 ? (
        <CenteredEmptyState
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
        </CenteredEmptyState>
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
              <SearchFilterInput label="Filter deliverables" value={filter.query} onChange={(query) => set({ query })} className="w-48" />
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
            <CenteredEmptyState icon={<SearchX className="size-5" />} title="Nothing matches these filters" action={<Button onClick={() => setFilter(noFilter)}>Clear filters</Button>}>
              {isFiltered(filter) ? 'Try another kind, status or channel, or clear the filters to see everything.' : null}
            </CenteredEmptyState>
          ) : (
            <div className="min-h-0 flex-1 overflow-y-auto">
              <DeliverableTable items={shown} channelName={channelName} />
            </div>
          )}
        </>
      )}

      <CreateDocumentDialog open={creating === 'document'} onOpenChange={(open) => setCreating(open ? 'document' : null)} />
      <CreateTrackerDialog open={creating === 'tracker'} onOpenChange={(open) => setCreating(open ? 'tracker' : null)} />
    </Page>
  )
}

const deliverableColumns: TableColumn[] = [
  { label: 'Title', className: 'pl-6' },
  { label: 'Status', width: 'w-32' },
  { label: 'Owner', width: 'w-44' },
  { label: 'Channel', width: 'w-40' },
  { label: 'Updated', width: 'w-28', className: 'pr-6 text-right' }
]

function DeliverableTable({ items, channelName }: { items: readonly Deliverable[]; channelName: (id: string | null) => string | null }) {
  const { root, workspace } = useWorkspace()
  const now = Date.now()
  return (
    <LinkRowTable label="Deliverables" columns={deliverableColumns}>
      {items.map((item) => {
        const channel = channelName(item.channelId)
        return (
          <tr key={item.id} className="group relative h-11 border-b border-border/70 transition-colors hover:bg-bg-subtle focus-within:bg-bg-subtle">
            <td className="pl-6">
              <div className="flex min-w-0 items-center gap-3">
                <KindTile kind={item.kind} size="sm" />
                <RowLink href={`#/deliverables/${item.id}`}>{item.title}</RowLink>
                <span className="shrink-0 text-xs text-fg-subtle">{kindLabels[item.kind].one}</span>
              </div>
            </td>
            <td>
              <StatusBadge status={item.status} />
            </td>
            <MemberCell member={findMember(root, item.ownerId) ?? null} youId={workspace.memberId} />
            <td className="truncate text-fg-muted">{channel === null ? <span className="text-fg-subtle">—</span> : `#${channel}`}</td>
            <RelativeTimeCell at={item.updatedAt} now={now} />
          </tr>
        )
      })}
    </LinkRowTable>
  )
}
