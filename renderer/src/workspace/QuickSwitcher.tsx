import * as DialogPrimitive from '@radix-ui/react-dialog'
import { ChartColumn, CornerDownLeft, FileText, Hash, Search, Table2 } from 'lucide-react'
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react'
import type { Deliverable, Member } from '../../../shared/model/types.ts'
import { listChannels } from '../../../shared/operations/channels.ts'
import { listDeliverables } from '../../../shared/operations/deliverables.ts'
import { listMembers } from '../../../shared/operations/members.ts'
import { navigate } from '../app/route.ts'
import { Avatar, CoworkerBadge, cx, Kbd } from '../components/ui.tsx'
import { moveActiveOption } from '../lib/listKeys.ts'
import { rankItems, type SwitchItem } from '../lib/quickSwitch.ts'
import { useWorkspace } from './context.tsx'

interface Item extends SwitchItem {
  group: 'Channels' | 'Deliverables' | 'People and coworkers'
  icon: ReactNode
  detail: string
  badge?: ReactNode
  run: () => void
}

const deliverableIcon: Record<Deliverable['kind'], ReactNode> = {
  document: <FileText className="size-4" />,
  tracker: <Table2 className="size-4" />,
  report: <ChartColumn className="size-4" />
}

/** Cmd/Ctrl+K: jump to a channel, a deliverable, or a person, by typing part of its name. */
export function QuickSwitcher({ open, onOpenChange, onPickMember }: { open: boolean; onOpenChange: (open: boolean) => void; onPickMember: (member: Member) => void }) {
  const { root, workspace } = useWorkspace()
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const listId = useId()
  const listRef = useRef<HTMLUListElement>(null)
  // After a pick, the view it opens takes focus (its composer); otherwise focus returns where it was.
  const picked = useRef(false)

  const items = useMemo<Item[]>(() => {
    if (!open) return []
    const close = (run: () => void) => () => {
      picked.current = true
      onOpenChange(false)
      run()
    }
    const channels: Item[] = listChannels(root).map((channel) => ({
      id: channel.id,
      label: channel.name,
      keywords: channel.topic,
      group: 'Channels',
      icon: <Hash className="size-4" />,
      detail: channel.members[workspace.memberId] === undefined ? 'not joined' : channel.topic,
      run: close(() => navigate({ view: 'channel', channelId: channel.id }))
    }))
    const deliverables: Item[] = listDeliverables(root).map((item) => ({
      id: item.id,
      label: item.title,
      keywords: item.kind,
      group: 'Deliverables',
      icon: deliverableIcon[item.kind],
      detail: `${item.kind} · ${item.status === 'in-review' ? 'in review' : item.status}`,
      run: close(() => navigate({ view: 'deliverables', deliverableId: item.id }))
    }))
    const people: Item[] = listMembers(root).map((member) => ({
      id: member.id,
      label: member.name,
      keywords: member.handle,
      group: 'People and coworkers',
      icon: <Avatar member={member} size="xs" />,
      detail: `@${member.handle}`,
      badge: member.kind === 'coworker' ? <CoworkerBadge /> : undefined,
      run: close(() => onPickMember(member))
    }))
    return [...channels, ...deliverables, ...people]
  }, [open, root, workspace.memberId, onOpenChange, onPickMember])

  const results = useMemo(() => {
    if (query.trim() === '') {
      // Without a query: channels you are in first, then the latest deliverables, then people.
      return [...items.filter((item) => item.group === 'Channels').slice(0, 8), ...items.filter((item) => item.group === 'Deliverables').slice(0, 4), ...items.filter((item) => item.group === 'People and coworkers').slice(0, 5)]
    }
    return rankItems(items, query, 30)
  }, [items, query])

  useEffect(() => {
    if (!open) setQuery('')
    setActive(0)
  }, [open, query])

  useEffect(() => {
    listRef.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' })
  }, [active])

  const selected = results[active]
  let lastGroup: string | null = null
  return (
    <DialogPrimitive.Root open={open} onOpenChange={onOpenChange}>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-fg/20" />
        <DialogPrimitive.Content
          aria-describedby={undefined}
          onOpenAutoFocus={() => (picked.current = false)}
          onCloseAutoFocus={(event) => {
            if (picked.current) event.preventDefault()
          }}
          className="fixed top-[12vh] left-1/2 z-50 w-[min(600px,calc(100vw-32px))] -translate-x-1/2 overflow-hidden rounded-xl border border-border bg-bg-overlay shadow-lg focus:outline-none">
          <DialogPrimitive.Title className="sr-only">Jump to</DialogPrimitive.Title>
          <div className="flex items-center gap-2 border-b border-border px-4">
            <Search aria-hidden className="size-4 text-fg-subtle" />
            <input
              autoFocus
              value={query}
              onChange={(event) => setQuery(event.target.value)}
              onKeyDown={(event) => moveActiveOption(event, results.length, setActive, () => results[active]?.run())}
              placeholder="Jump to a channel, deliverable or person…"
              aria-label="Jump to"
              role="combobox"
              aria-expanded="true"
              aria-controls={listId}
              aria-activedescendant={selected === undefined ? undefined : `${listId}-${selected.group}-${selected.id}`}
              className="h-12 flex-1 bg-transparent text-md text-fg placeholder:text-fg-subtle focus:outline-none"
            />
            <Kbd>Esc</Kbd>
          </div>
          <ul ref={listRef} id={listId} role="listbox" aria-label="Results" className="max-h-[min(420px,60vh)] overflow-y-auto p-1.5">
            {results.length === 0 && <li className="px-3 py-6 text-center text-sm text-fg-muted">Nothing matches “{query}”. Try part of a channel, document or person’s name.</li>}
            {results.map((item, index) => {
              const header = item.group !== lastGroup ? item.group : null
              lastGroup = item.group
              return (
                <li key={`${item.group}-${item.id}`} role="presentation">
                  {header !== null && <div className="px-2.5 pt-2 pb-1 text-[11px] font-semibold text-fg-subtle">{header}</div>}
                  <div
                    id={`${listId}-${item.group}-${item.id}`}
                    role="option"
                    aria-selected={index === active}
                    data-index={index}
                    onMouseMove={() => setActive(index)}
                    onClick={item.run}
                    className={cx('flex h-9 items-center gap-2.5 rounded-md px-2.5 text-sm', index === active ? 'bg-accent-subtle text-fg' : 'text-fg')}
                  >
                    <span aria-hidden className="flex size-5 items-center justify-center text-fg-subtle">
                      {item.icon}
                    </span>
                    <span className="truncate font-medium">{item.label}</span>
                    {item.badge}
                    <span className="min-w-0 flex-1 truncate text-xs text-fg-subtle">{item.detail}</span>
                    {index === active && <CornerDownLeft aria-hidden className="size-3.5 text-fg-subtle" />}
                  </div>
                </li>
              )
            })}
          </ul>
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  )
}
