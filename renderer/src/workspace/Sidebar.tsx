import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import { Bot, Brain, Check, ChevronDown, Cloud, CloudOff, FileText, Hash, HardDrive, LoaderCircle, LockKeyhole, Paperclip, Plus, Search, Settings, ShieldAlert, UserPlus, Workflow } from 'lucide-react'
import { memo, useCallback, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react'
import type { RequestOutput } from '../../../shared/bridge/contract.ts'
import { channelDocName } from '../../../shared/docNames.ts'
import { messageIndex } from '../../../shared/model/messageIndex.ts'
import type { Channel } from '../../../shared/model/types.ts'
import { listChannels } from '../../../shared/operations/channels.ts'
import { findMember } from '../../../shared/operations/members.ts'
import { navigate, useRoute, type Route } from '../app/route.ts'
import { openAssistant } from '../assistant/events.ts'
import { Avatar, cx, IconButton, Kbd, Tooltip } from '../components/ui.tsx'
import { useDocVersion } from '../data/docStore.ts'
import { useReplica } from '../data/replicaPool.ts'
import { countUnread } from '../lib/unread.ts'
import { useWorkspace, type SyncState } from './context.tsx'
import { BrowseChannelsDialog, CreateChannelDialog } from './ChannelDialogs.tsx'
import { InviteDialog } from './InviteDialog.tsx'

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)
export const modKey = isMac ? '⌘' : 'Ctrl+'

export function Sidebar({ workspaces, onSwitchWorkspace }: { workspaces: RequestOutput<'workspaces.list'>; onSwitchWorkspace: (workspaceId: string) => void }) {
  const { root, workspace, openQuickSwitcher } = useWorkspace()
  const version = useDocVersion(root)
  const route = useRoute()
  const [creating, setCreating] = useState(false)
  const [browsing, setBrowsing] = useState(false)
  void version
  const joined = listChannels(root, { memberId: workspace.memberId })
  const all = listChannels(root)
  const notJoined = all.length - joined.length
  const joinedIds = joined.map((channel) => channel.id).join(',')

  // Alt+Up / Alt+Down: the previous or next channel, as in other team apps.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // A view that handled the keys itself (a tracker moving a row) has the last word.
      if (event.defaultPrevented || !event.altKey || event.metaKey || event.ctrlKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return
      const ids = joinedIds === '' ? [] : joinedIds.split(',')
      if (ids.length === 0) return
      event.preventDefault()
      const current = route.view === 'channel' ? ids.indexOf(route.channelId) : -1
      const next = event.key === 'ArrowDown' ? (current + 1) % ids.length : (current <= 0 ? ids.length : current) - 1
      navigate({ view: 'channel', channelId: ids[next]! })
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [joinedIds, route])
  const me = findMember(root, workspace.memberId) ?? null

  return (
    <nav aria-label="Workspace" className="flex h-full w-64 shrink-0 flex-col border-r border-border bg-bg-subtle">
      <div className="flex h-12 items-center gap-1 border-b border-border px-2">
        <WorkspaceSwitcher workspaces={workspaces} onSwitch={onSwitchWorkspace} />
      </div>
      <div className="px-2 pt-2">
        <button
          type="button"
          onClick={openQuickSwitcher}
          className="flex h-8 w-full items-center gap-2 rounded-md border border-border bg-bg px-2 text-sm text-fg-subtle shadow-sm hover:border-border-strong hover:text-fg-muted"
        >
          <Search aria-hidden className="size-3.5" />
          <span className="flex-1 text-left">Jump to…</span>
          <Kbd>{modKey}K</Kbd>
        </button>
        <button
          type="button"
          onClick={() => openAssistant()}
          className="mt-1 flex h-8 w-full items-center gap-2 rounded-md px-2 text-sm text-fg-muted hover:bg-bg-muted hover:text-fg"
        >
          <LockKeyhole aria-hidden className="size-3.5 text-fg-subtle" />
          <span className="flex-1 text-left">Private assistant</span>
          <Kbd>{modKey}J</Kbd>
        </button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-2 pt-3 pb-4">
        <ul className="flex flex-col gap-px" aria-label="Sections">
          <SectionLink route={{ view: 'deliverables', deliverableId: null }} active={route.view === 'deliverables'} icon={<FileText className="size-4" />} label="Deliverables" />
          <SectionLink route={{ view: 'files', fileId: null }} active={route.view === 'files'} icon={<Paperclip className="size-4" />} label="Files" />
          <SectionLink route={{ view: 'memory' }} active={route.view === 'memory'} icon={<Brain className="size-4" />} label="Memory" />
          <SectionLink route={{ view: 'coworkers', coworkerId: null }} active={route.view === 'coworkers'} icon={<Bot className="size-4" />} label="Coworkers" />
          <SectionLink route={{ view: 'workflows', workflowId: null }} active={route.view === 'workflows'} icon={<Workflow className="size-4" />} label="Workflows" />
        </ul>

        <div className="mt-5 mb-1 flex h-6 items-center justify-between pr-0.5 pl-2">
          <h2 id="channels-heading" className="text-xs font-semibold text-fg-subtle">
            Channels
          </h2>
          <IconButton size="sm" label="Create channel" onClick={() => setCreating(true)}>
            <Plus className="size-3.5" />
          </IconButton>
        </div>
        <ul className="flex flex-col gap-px" aria-labelledby="channels-heading">
          {joined.map((channel) => (
            <ChannelLink key={channel.id} channel={channel} active={route.view === 'channel' && route.channelId === channel.id} />
          ))}
        </ul>
        {joined.length === 0 && <p className="px-2 py-1 text-xs text-fg-subtle">You are not in any channel yet.</p>}
        <button type="button" onClick={() => setBrowsing(true)} className="mt-1 flex h-7 w-full items-center gap-2 rounded-md px-2 text-sm text-fg-subtle hover:bg-bg-muted hover:text-fg">
          <Plus aria-hidden className="size-3.5" />
          <span>{notJoined > 0 ? `Browse channels (${notJoined} more)` : 'Browse channels'}</span>
        </button>
      </div>
      <div className="flex items-center gap-2 border-t border-border px-3 py-2">
        <Avatar member={me} size="sm" />
        <span className="min-w-0 flex-1 truncate text-sm font-medium">{me?.name ?? 'You'}</span>
        <SyncPill />
        <IconButton size="sm" label="Settings" onClick={() => navigate({ view: 'settings' })} active={route.view === 'settings'}>
          <Settings className="size-3.5" />
        </IconButton>
      </div>
      <CreateChannelDialog open={creating} onOpenChange={setCreating} />
      <BrowseChannelsDialog open={browsing} onOpenChange={setBrowsing} />
    </nav>
  )
}

function SectionLink({ route, active, icon, label }: { route: Route; active: boolean; icon: ReactNode; label: string }) {
  return (
    <li>
      <a
        href={routeHref(route)}
        aria-current={active ? 'page' : undefined}
        className={cx('flex h-7 items-center gap-2 rounded-md px-2 text-sm', active ? 'bg-bg-emphasis font-medium text-fg' : 'text-fg-muted hover:bg-bg-muted hover:text-fg')}
      >
        <span aria-hidden className={active ? 'text-fg' : 'text-fg-subtle'}>
          {icon}
        </span>
        {label}
      </a>
    </li>
  )
}

function routeHref(route: Route): string {
  switch (route.view) {
    case 'deliverables':
      return '#/deliverables'
    case 'files':
      return '#/files'
    case 'memory':
      return '#/memory'
    case 'coworkers':
      return '#/coworkers'
    case 'workflows':
      return '#/workflows'
    case 'settings':
      return '#/settings'
    case 'channel':
      return `#/c/${route.channelId}`
    case 'home':
      return '#/'
    case 'assistant':
      return '#/assistant'
  }
}

/**
 * A joined channel, with its unread count. Holding the channel's replica here keeps the joined channels
 * synced in the background, as the desktop app does; the count reads only the unread tail of the index.
 */
const ChannelLink = memo(function ChannelLink({ channel, active }: { channel: Channel; active: boolean }) {
  const { pool, workspace, lastRead } = useWorkspace()
  const replica = useReplica(pool, channelDocName(workspace.workspaceId, channel.id))
  const version = useDocVersion(replica?.synced === true ? replica.doc : null)
  const subscribe = useCallback((listener: () => void) => lastRead.subscribe(listener), [lastRead])
  const readAt = useSyncExternalStore(subscribe, () => lastRead.get(channel.id))
  void version
  const unread = active || replica?.synced !== true ? 0 : countUnread(messageIndex(replica.doc).topLevel, readAt ?? 0, workspace.memberId)
  const label = unread === 0 ? channel.name : `${channel.name}, ${unread > 99 ? 'more than 99' : unread} unread`
  return (
    <li>
      <a
        href={`#/c/${channel.id}`}
        aria-current={active ? 'page' : undefined}
        aria-label={label}
        className={cx(
          'flex h-7 items-center gap-2 rounded-md px-2 text-sm',
          active ? 'bg-bg-emphasis font-medium text-fg' : unread > 0 ? 'font-semibold text-fg hover:bg-bg-muted' : 'text-fg-muted hover:bg-bg-muted hover:text-fg'
        )}
      >
        <Hash aria-hidden className={cx('size-3.5 shrink-0', active || unread > 0 ? 'text-fg-muted' : 'text-fg-subtle')} />
        <span className="min-w-0 flex-1 truncate">{channel.name}</span>
        {unread > 0 && (
          <span aria-hidden className="rounded-full bg-accent px-1.5 text-[11px] leading-[18px] font-semibold text-accent-fg tabular-nums">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </a>
    </li>
  )
})

function WorkspaceSwitcher({ workspaces, onSwitch }: { workspaces: RequestOutput<'workspaces.list'>; onSwitch: (workspaceId: string) => void }) {
  const { workspace, openWorkspaceSetup } = useWorkspace()
  const [inviting, setInviting] = useState(false)
  return (
    <>
      <DropdownMenu.Root>
        <DropdownMenu.Trigger asChild>
          <button
            type="button"
            aria-label={`Workspace ${workspace.name}, switch workspace`}
            className="flex h-9 min-w-0 flex-1 items-center gap-2 rounded-md px-1.5 text-left hover:bg-bg-muted data-[state=open]:bg-bg-muted"
          >
            <WorkspaceMark name={workspace.name} />
            <span className="min-w-0 flex-1 truncate text-base font-semibold">{workspace.name}</span>
            <ChevronDown aria-hidden className="size-3.5 shrink-0 text-fg-subtle" />
          </button>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content align="start" sideOffset={4} className={menuContentClass + ' w-64'}>
            <DropdownMenu.Label className="px-2 pt-1 pb-1 text-xs font-medium text-fg-subtle">Workspaces</DropdownMenu.Label>
            {workspaces.map((item) => (
              <DropdownMenu.Item key={item.id} className={menuItemClass} onSelect={() => item.id !== workspace.workspaceId && onSwitch(item.id)}>
                <WorkspaceMark name={item.name} small />
                <span className="min-w-0 flex-1 truncate">{item.name}</span>
                {item.id === workspace.workspaceId && <Check aria-label="current" className="size-3.5 text-accent" />}
              </DropdownMenu.Item>
            ))}
            <DropdownMenu.Separator className="my-1 h-px bg-border" />
            <DropdownMenu.Item className={menuItemClass} onSelect={() => setInviting(true)}>
              <UserPlus aria-hidden className="size-4 text-fg-subtle" />
              Invite people…
            </DropdownMenu.Item>
            <DropdownMenu.Item className={menuItemClass} onSelect={openWorkspaceSetup}>
              <Plus aria-hidden className="size-4 text-fg-subtle" />
              Create or join a workspace…
            </DropdownMenu.Item>
            <DropdownMenu.Item className={menuItemClass} onSelect={() => navigate({ view: 'settings' })}>
              <Settings aria-hidden className="size-4 text-fg-subtle" />
              Settings
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      <InviteDialog open={inviting} onOpenChange={setInviting} />
    </>
  )
}

export const menuContentClass = 'z-50 min-w-44 rounded-lg border border-border bg-bg-overlay p-1 shadow-md focus:outline-none'
export const menuItemClass =
  'flex h-8 cursor-default items-center gap-2 rounded-md px-2 text-sm text-fg outline-none select-none data-[highlighted]:bg-bg-muted data-[disabled]:opacity-50'

function WorkspaceMark({ name, small = false }: { name: string; small?: boolean }) {
  return (
    <span aria-hidden className={cx('inline-flex shrink-0 items-center justify-center rounded-md bg-fg font-semibold text-bg', small ? 'size-5 text-[10px]' : 'size-6 text-xs')}>
      {name.trim().charAt(0).toUpperCase() || 'C'}
    </span>
  )
}

const syncLabels: Record<SyncState['status'] | 'local', { label: string; describe: string }> = {
  local: { label: 'Local only', describe: 'This workspace has no sync server; everything stays on this device.' },
  offline: { label: 'Offline', describe: 'Changes are saved on this device and will sync when the server is reachable.' },
  connecting: { label: 'Connecting', describe: 'Connecting to the sync server…' },
  syncing: { label: 'Syncing', describe: 'Sending and receiving changes…' },
  synced: { label: 'Synced', describe: 'Everything on this device is on the sync server.' },
  'access-denied': { label: 'Access denied', describe: 'The sync server refused this device’s token. Ask for a new invite.' }
}

export function SyncPill() {
  const { sync, workspace } = useWorkspace()
  const status: SyncState['status'] | 'local' = workspace.hasServer ? sync.status : 'local'
  const { label, describe } = syncLabels[status]
  const [shown, setShown] = useState<SyncState['status'] | 'local'>(status)
  // Avoid flicker between syncing and synced on every keystroke: show "Syncing" only once it lasts.
  useEffect(() => {
    if (status !== 'syncing') {
      setShown(status)
      return
    }
    const timer = setTimeout(() => setShown('syncing'), 400)
    return () => clearTimeout(timer)
  }, [status])
  const visible = syncLabels[shown]
  const icon =
    shown === 'synced' ? (
      <Cloud className="size-3" />
    ) : shown === 'syncing' || shown === 'connecting' ? (
      <LoaderCircle className="size-3 animate-spin" />
    ) : shown === 'access-denied' ? (
      <ShieldAlert className="size-3" />
    ) : shown === 'local' ? (
      <HardDrive className="size-3" />
    ) : (
      <CloudOff className="size-3" />
    )
  const tone =
    shown === 'synced'
      ? 'text-success bg-success-subtle'
      : shown === 'offline'
        ? 'text-warning bg-warning-subtle'
        : shown === 'access-denied'
          ? 'text-danger bg-danger-subtle'
          : 'text-fg-muted bg-bg-muted'
  return (
    <Tooltip content={<span className="max-w-60">{sync.detail ?? describe}</span>} side="top">
      <span role="status" aria-label={`Sync status: ${label}`} tabIndex={0} className={cx('inline-flex h-5 items-center gap-1 rounded-full px-1.5 text-[11px] font-medium', tone)}>
        <span aria-hidden>{icon}</span>
        {visible.label}
      </span>
    </Tooltip>
  )
}
