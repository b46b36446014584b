import { Hash, Plus, WifiOff } from 'lucide-react'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Bridge, RequestOutput } from '../../../shared/bridge/contract.ts'
import type { Member } from '../../../shared/model/types.ts'
import { listChannels } from '../../../shared/operations/channels.ts'
import { DocReplica, type ReconnectingBridge } from '../../bridge/index.ts'
import { navigate, useRoute } from '../app/route.ts'
import { ChannelScreen } from '../channel/ChannelScreen.tsx'
import { DeliverablesScreen } from '../deliverables/DeliverablesScreen.tsx'
import { FilesScreen } from '../files/FilesScreen.tsx'
import { Button, EmptyState, ProblemNotice, Spinner } from '../components/ui.tsx'
import { useDocVersion } from '../data/docStore.ts'
import { toProblem, type Problem } from '../data/problems.ts'
import { ReplicaPool, useReplica } from '../data/replicaPool.ts'
import { operationContext } from '../../../shared/operations/context.ts'
import { LastReadStore, lastReadKey } from '../lib/unread.ts'
import { SettingsView } from '../settings/SettingsView.tsx'
import { MemoryView } from '../memory/MemoryView.tsx'
import { CoworkersView } from '../coworkers/CoworkersView.tsx'
import { WorkflowsView } from '../workflows/WorkflowsView.tsx'
import { AssistantOverlay } from '../assistant/AssistantOverlay.tsx'
import { AssistantWindow } from '../assistant/AssistantWindow.tsx'
import { useWorkspace, WorkspaceContext, type ModelSettings, type SyncState, type Toast, type WorkspaceContextValue } from './context.tsx'
import { CreateChannelDialog } from './ChannelDialogs.tsx'
import { QuickSwitcher } from './QuickSwitcher.tsx'
import { Sidebar } from './Sidebar.tsx'
import { Toaster } from './Toaster.tsx'
import { openMemberEvent } from './events.ts'
import { onAppEvent } from '../app/appEvents.ts'

type Opened = RequestOutput<'workspaces.open'>


/** An open workspace: its replicas, sync status, model settings, and the three panes. */
export function WorkspaceShell({
  bridge,
  opened,
  workspaces,
  onSwitch,
  onSetup,
  onRefreshWorkspaces
}: {
  bridge: Bridge
  opened: Opened
  workspaces: RequestOutput<'workspaces.list'>
  onSwitch: (workspaceId: string) => void
  onSetup: () => void
  onRefreshWorkspaces: () => void
}) {
  const pool = useMemo(
    () =>
      new ReplicaPool(
        (docName) =>
          new DocReplica(bridge, {
            workspaceId: opened.workspaceId,
            docName,
            onError: (error) => console.warn(`Commons: ${docName}: ${error.message}`)
          })
      ),
    [bridge, opened.workspaceId]
  )
  useEffect(() => () => pool.close(), [pool])
  useEffect(onRefreshWorkspaces, [onRefreshWorkspaces])
  const rootReplica = useReplica(pool, opened.rootDocName)

  const [sync, setSync] = useState<SyncState>({ status: opened.syncStatus, detail: null })
  const [models, setModels] = useState<ModelSettings | null>(null)
  const [modelsProblem, setModelsProblem] = useState<Problem | null>(null)
  const [toasts, setToasts] = useState<Toast[]>([])
  const [switcher, setSwitcher] = useState(false)
  const [connected, setConnected] = useState(true)
  const toastId = useRef(0)
  const route = useRoute()
  const routeRef = useRef(route)
  routeRef.current = route

  const toast = useCallback((item: Omit<Toast, 'id'>) => {
    const id = ++toastId.current
    setToasts((current) => [...current.slice(-3), { ...item, id }])
    setTimeout(() => setToasts((current) => current.filter((entry) => entry.id !== id)), item.tone === 'error' ? 9000 : 6000)
  }, [])
  const reportProblem = useCallback((problem: Problem) => toast({ tone: 'error', title: problem.message, body: problem.hint }), [toast])

  useEffect(() => {
    const stops = [
      bridge.on('sync.status', (event) => {
        if (event.workspaceId === opened.workspaceId) setSync({ status: event.status, detail: event.detail })
      }),
      bridge.on('notification', (event) => {
        if (event.workspaceId !== opened.workspaceId) return
        const current = routeRef.current
        if (document.visibilityState === 'visible' && current.view === 'channel' && current.channelId === event.channelId) return
        const channelId = event.channelId
        toast({
          tone: event.kind === 'task-finished' ? 'success' : 'info',
          title: event.title,
          body: event.body,
          ...(channelId !== null ? { action: { label: 'Open', run: () => navigate({ view: 'channel', channelId }) } } : {})
        })
      })
    ]
    // Status changes the Host sent between answering `workspaces.open` and the line above were not heard:
    // asking again (the session is already open, so this only reads) brings the pill up to date.
    let current = true
    bridge
      .request('workspaces.open', { workspaceId: opened.workspaceId })
      .then((again) => {
        if (current) setSync((state) => (state.status === again.syncStatus ? state : { status: again.syncStatus, detail: null }))
      })
      .catch(() => {})
    stops.push(() => (current = false))
    const reconnecting = bridge as Partial<ReconnectingBridge>
    if (typeof reconnecting.onConnection === 'function') stops.push(reconnecting.onConnection((state) => setConnected(state === 'open')))
    return () => {
      for (const stop of stops) stop()
    }
  }, [bridge, opened.workspaceId, toast])

  useEffect(() => {
    bridge
      .request('settings.get', {})
      .then(setModels)
      .catch((error: unknown) => setModelsProblem(toProblem(error)))
  }, [bridge])

  // The desktop shell's View and app menus: show the quick switcher, or Settings.
  useEffect(
    () =>
      onAppEvent((event) => {
        if (event.command === 'quick-switcher') setSwitcher(true)
        else if (event.command === 'settings') navigate({ view: 'settings' })
      }),
    []
  )

  // Cmd/Ctrl+K opens the quick switcher from anywhere.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.metaKey || event.ctrlKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault()
        setSwitcher((open) => !open)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  const lastRead = useMemo(() => new LastReadStore(storageOrNull(), lastReadKey(opened.workspaceId, opened.memberId)), [opened.workspaceId, opened.memberId])
  const context = useMemo(() => operationContext(opened.memberId, 'ui', { deviceId: opened.deviceId }), [opened.memberId, opened.deviceId])

  const pickMember = useCallback((member: Member) => {
    if (member.kind === 'coworker' && routeRef.current.view !== 'channel') {
      navigate({ view: 'coworkers', coworkerId: member.id })
      return
    }
    window.dispatchEvent(new CustomEvent(openMemberEvent, { detail: member.id }))
  }, [])

  if (rootReplica === null || !rootReplica.synced) {
    return (
      <div className="flex h-full items-center justify-center">
        {rootReplica?.error != null ? <ProblemNotice problem={rootReplica.error} className="max-w-md" /> : <Spinner label={`Opening ${opened.name}`} className="size-5" />}
      </div>
    )
  }

  const value: WorkspaceContextValue = {
    bridge,
    workspace: opened,
    pool,
    root: rootReplica.doc,
    context,
    lastRead,
    models,
    modelsProblem,
    setModels,
    sync,
    toast,
    reportProblem,
    openQuickSwitcher: () => setSwitcher(true),
    openWorkspaceSetup: onSetup
  }

  return (
    <WorkspaceContext.Provider value={value}>
      {route.view === 'assistant' ? (
        // The private assistant full-window: the desktop app opens #/assistant in its own window.
        <AssistantWindow sessionId={route.sessionId} channelId={route.channelId ?? null} />
      ) : (
      <div className="flex h-full flex-col">
        {!connected && (
          <div role="alert" className="flex items-center justify-center gap-2 bg-warning-subtle px-4 py-1.5 text-sm text-fg">
            <WifiOff aria-hidden className="size-4 text-warning" />
            Lost the connection to Commons. Reconnecting… What you type is kept and sent when it is back.
          </div>
        )}
        <div className="flex min-h-0 flex-1">
          <Sidebar workspaces={workspaces} onSwitchWorkspace={onSwitch} />
          <RouteView />
        </div>
      </div>
      )}
      <QuickSwitcher open={switcher} onOpenChange={setSwitcher} onPickMember={pickMember} />
      {route.view !== 'assistant' && <AssistantOverlay />}
      <Toaster toasts={toasts} onDismiss={(id) => setToasts((current) => current.filter((entry) => entry.id !== id))} />
    </WorkspaceContext.Provider>
  )
}

function storageOrNull(): Storage | null {
  try {
    return localStorage
  } catch {
    return null
  }
}

function RouteView() {
  const route = useRoute()
  switch (route.view) {
    case 'channel':
      return <ChannelScreen key={route.channelId} channelId={route.channelId} />
    case 'deliverables':
      return <DeliverablesScreen deliverableId={route.deliverableId} />
    case 'files':
      return <FilesScreen fileId={route.fileId} />
    case 'memory':
      return <MemoryView />
    case 'coworkers':
      return <CoworkersView coworkerId={route.coworkerId} />
    case 'workflows':
      return <WorkflowsView workflowId={route.workflowId} />
    case 'settings':
      return <SettingsView />
    case 'assistant':
      return null
    case 'home':
      return <Home />
  }
}

/** No channel chosen: go to the first channel you are in, or say how to start one. */
function Home() {
  const { root, workspace } = useWorkspace()
  useDocVersion(root)
  const first = listChannels(root, { memberId: workspace.memberId })[0]
  const [creating, setCreating] = useState(false)
  useEffect(() => {
    if (first !== undefined) navigate({ view: 'channel', channelId: first.id }, { replace: true })
  }, [first])
  if (first !== undefined) return <main className="flex-1" />
  return (
    <main className="flex min-w-0 flex-1 items-center justify-center">
      <EmptyState
        icon={<Hash className="size-5" />}
        title={`Welcome to ${workspace.name}`}
        action={
          <Button variant="primary" onClick={() => setCreating(true)}>
            <Plus aria-hidden className="size-4" />
            Create a channel
          </Button>
        }
      >
        Channels are where your team and its coworkers work together. Create the first one, say #general, or browse the channels others made.
      </EmptyState>
      <CreateChannelDialog open={creating} onOpenChange={setCreating} />
    </main>
  )
}
