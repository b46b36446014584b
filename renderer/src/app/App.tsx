import * as TooltipPrimitive from '@radix-ui/react-tooltip'
import { PlugZap } from 'lucide-react'
import { useCallback, useEffect, useState } from 'react'
import type { Bridge, RequestOutput } from '../../../shared/bridge/contract.ts'
import { connectBridge } from '../../bridge/index.ts'
import { EmptyState, ProblemNotice, Spinner } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { Onboarding } from '../onboarding/Onboarding.tsx'
import { onAppEvent } from './appEvents.ts'
import { navigate } from './route.ts'
import { WorkspaceShell } from '../workspace/WorkspaceShell.tsx'

type Opened = RequestOutput<'workspaces.open'>
type Phase =
  | { kind: 'loading' }
  | { kind: 'problem'; problem: Problem }
  | { kind: 'setup'; displayName: string; canCancel: boolean; start?: { tab: 'create' | 'join'; invite: string } }
  | { kind: 'workspace'; opened: Opened }

const lastWorkspaceKey = 'commons:last-workspace'

function rememberWorkspace(workspaceId: string): void {
  try {
    localStorage.setItem(lastWorkspaceKey, workspaceId)
  } catch {
    // Only the choice of workspace on the next start is lost.
  }
}

function lastWorkspace(): string | null {
  try {
    return localStorage.getItem(lastWorkspaceKey)
  } catch {
    return null
  }
}

export function App() {
  const [connection] = useState<{ bridge: Bridge } | { problem: Problem }>(() => {
    try {
      return { bridge: connectBridge() }
    } catch (error) {
      return { problem: toProblem(error) }
    }
  })
  return (
    <TooltipPrimitive.Provider delayDuration={500} skipDelayDuration={200}>
      {'bridge' in connection ? (
        <Boot bridge={connection.bridge} />
      ) : (
        <CenteredProblem title="Commons can’t reach its Host" problem={connection.problem} />
      )}
    </TooltipPrimitive.Provider>
  )
}

function Boot({ bridge }: { bridge: Bridge }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' })
  const [workspaces, setWorkspaces] = useState<RequestOutput<'workspaces.list'>>([])
  const [displayName, setDisplayName] = useState('')

  const open = useCallback(
    (workspaceId: string) => {
      setPhase({ kind: 'loading' })
      bridge
        .request('workspaces.open', { workspaceId })
        .then((opened) => {
          rememberWorkspace(opened.workspaceId)
          setPhase({ kind: 'workspace', opened })
        })
        .catch((error: unknown) => setPhase({ kind: 'problem', problem: toProblem(error, 'try again; if it keeps failing, restart Commons') }))
    },
    [bridge]
  )

  const start = useCallback(() => {
    setPhase({ kind: 'loading' })
    Promise.all([bridge.request('app.info', {}), bridge.request('workspaces.list', {})])
      .then(([info, list]) => {
        setDisplayName(info.displayName)
        setWorkspaces(list)
        if (list.length === 0) {
          setPhase({ kind: 'setup', displayName: info.displayName, canCancel: false })
          return
        }
        const remembered = lastWorkspace()
        open(list.find((item) => item.id === remembered)?.id ?? list[0]!.id)
      })
      .catch((error: unknown) => setPhase({ kind: 'problem', problem: toProblem(error, 'check that Commons is still running, then reload') }))
  }, [bridge, open])

  useEffect(start, [start])

  // The desktop shell's File menu and `commons://join/…` links show the create or join step; a click on a
  // native notification opens its workspace's channel.
  useEffect(
    () =>
      onAppEvent((event) => {
        if (event.command === 'new-workspace') setPhase({ kind: 'setup', displayName, canCancel: workspaces.length > 0, start: { tab: 'create', invite: '' } })
        else if (event.command === 'join-workspace') setPhase({ kind: 'setup', displayName, canCancel: workspaces.length > 0, start: { tab: 'join', invite: event.invite ?? '' } })
        else if (event.command === 'open-channel') {
          if (phase.kind !== 'workspace' || phase.opened.workspaceId !== event.workspaceId) open(event.workspaceId)
          if (event.channelId !== null) navigate({ view: 'channel', channelId: event.channelId })
        }
      }),
    [displayName, workspaces.length, phase, open]
  )

  const refreshWorkspaces = useCallback(() => {
    bridge
      .request('workspaces.list', {})
      .then(setWorkspaces)
      .catch(() => {})
  }, [bridge])

  switch (phase.kind) {
    case 'loading':
      return (
        <div className="flex h-full items-center justify-center">
          <Spinner label="Loading Commons" className="size-5" />
        </div>
      )
    case 'problem':
      return <CenteredProblem title="Commons could not open" problem={phase.problem} onRetry={start} />
    case 'setup':
      return (
        <Onboarding
          key={phase.start === undefined ? 'first-run' : `${phase.start.tab}:${phase.start.invite}`}
          bridge={bridge}
          displayName={phase.displayName}
          onCancel={phase.canCancel ? start : undefined}
          {...(phase.start !== undefined ? { start: phase.start } : {})}
          onDone={(opened) => {
            rememberWorkspace(opened.workspaceId)
            refreshWorkspaces()
            setPhase({ kind: 'workspace', opened })
          }}
        />
      )
    case 'workspace':
      return (
        <WorkspaceShell
          key={phase.opened.workspaceId}
          bridge={bridge}
          opened={phase.opened}
          workspaces={workspaces}
          onSwitch={open}
          onSetup={() => setPhase({ kind: 'setup', displayName, canCancel: true })}
          onRefreshWorkspaces={refreshWorkspaces}
        />
      )
  }
}

function CenteredProblem({ title, problem, onRetry }: { title: string; problem: Problem; onRetry?: () => void }) {
  return (
    <div className="flex h-full items-center justify-center bg-bg-subtle">
      <EmptyState icon={<PlugZap className="size-5" />} title={title}>
        <ProblemNotice problem={problem} onRetry={onRetry} className="mt-3 text-left" />
      </EmptyState>
    </div>
  )
}
