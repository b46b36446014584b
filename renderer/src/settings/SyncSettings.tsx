import { Check, Copy, HardDrive, Server, UserPlus } from 'lucide-react'
import { useCallback, useEffect, useState } from 'react'
import type { RequestOutput } from '../../../shared/bridge/contract.ts'
import { Button, cx, ProblemNotice, Spinner } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { SyncPill } from '../workspace/Sidebar.tsx'
import { useWorkspace } from '../workspace/context.tsx'

type WorkspaceSummary = RequestOutput<'workspaces.list'>[number]

/**
 * Settings → Sync: the workspaces on this device, the sync server each one uses and this device's role
 * there, the live status of the open one, and invites for the workspaces this device owns.
 */
export function SyncSettings() {
  const { bridge, workspace } = useWorkspace()
  const [list, setList] = useState<WorkspaceSummary[] | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)

  const load = useCallback(() => {
    setProblem(null)
    bridge
      .request('workspaces.list', {})
      .then(setList)
      .catch((error: unknown) => setProblem(toProblem(error, 'check that Commons is still running, then try again')))
  }, [bridge])
  useEffect(load, [load])

  if (problem !== null) return <ProblemNotice problem={problem} onRetry={load} />
  if (list === null) return <Spinner label="Loading workspaces" />
  const sorted = [...list].sort((a, b) => Number(b.id === workspace.workspaceId) - Number(a.id === workspace.workspaceId))
  return (
    <ul aria-label="Workspaces on this device" className="flex flex-col divide-y divide-border overflow-hidden rounded-lg border border-border">
      {sorted.map((item) => (
        <WorkspaceRow key={item.id} item={item} current={item.id === workspace.workspaceId} />
      ))}
    </ul>
  )
}

function WorkspaceRow({ item, current }: { item: WorkspaceSummary; current: boolean }) {
  const { bridge } = useWorkspace()
  const [invite, setInvite] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<Problem | null>(null)
  const [copied, setCopied] = useState(false)
  const role = item.server?.role ?? null

  const create = () => {
    setBusy(true)
    setProblem(null)
    setCopied(false)
    bridge
      .request('workspaces.invite', { workspaceId: item.id, maxUses: 1, expiresInHours: 72 })
      .then((result) => setInvite(result.invite))
      .catch((error: unknown) => setProblem(toProblem(error, 'check that the sync server is reachable, then try again')))
      .finally(() => setBusy(false))
  }

  return (
    <li aria-label={item.name} className={cx('flex flex-col gap-2 px-4 py-3', current && 'bg-bg-subtle/60')}>
      <div className="flex items-center gap-3">
        <span aria-hidden className="inline-flex size-7 shrink-0 items-center justify-center rounded-md bg-fg text-xs font-semibold text-bg">
          {item.name.trim().charAt(0).toUpperCase() || 'C'}
        </span>
        <div className="min-w-0 flex-1">
          <p className="flex items-center gap-2 text-sm font-semibold text-fg">
            <span className="truncate">{item.name}</span>
            {current && <span className="shrink-0 rounded-sm bg-accent-subtle px-1.5 text-[11px] leading-4 font-medium text-accent-text">Open now</span>}
          </p>
          <p className="flex min-w-0 items-center gap-1.5 text-xs text-fg-muted">
            {item.server !== null ? (
              <>
                <Server aria-hidden className="size-3 shrink-0 text-fg-subtle" />
                <span className="truncate font-mono text-[11px]" title={item.server.url}>
                  {item.server.url}
                </span>
              </>
            ) : (
              <>
                <HardDrive aria-hidden className="size-3 shrink-0 text-fg-subtle" />
                <span>Local only: no sync server, everything stays on this device</span>
              </>
            )}
          </p>
        </div>
        {role !== null && (
          <span className={cx('shrink-0 rounded-full px-2 text-xs leading-5 font-medium', role === 'owner' ? 'bg-bg-emphasis text-fg' : 'bg-bg-muted text-fg-muted')}>{role === 'owner' ? 'Owner' : 'Member'}</span>
        )}
        {current ? <SyncPill /> : item.server !== null && <span className="shrink-0 text-xs text-fg-subtle">Not open</span>}
      </div>
      {role === 'owner' && (
        <div className="flex flex-col gap-2 pl-10">
          {invite === null ? (
            <div className="flex items-center gap-3">
              <Button size="sm" onClick={create} busy={busy} aria-label={`Invite people to ${item.name}`}>
                <UserPlus aria-hidden className="size-3.5" />
                Invite people
              </Button>
              <span className="text-xs text-fg-subtle">An invite works once and expires in 3 days.</span>
            </div>
          ) : (
            <div className="flex flex-col gap-1.5">
              <div className="flex items-center gap-2">
                <input
                  readOnly
                  aria-label={`Invite to ${item.name}`}
                  value={invite}
                  onFocus={(event) => event.target.select()}
                  className="h-8 min-w-0 flex-1 rounded-md border border-border-strong bg-bg px-2.5 font-mono text-xs"
                />
                <Button
                  size="sm"
                  variant="primary"
                  onClick={() => void navigator.clipboard?.writeText(invite).then(() => setCopied(true))}
                >
                  {copied ? <Check aria-hidden className="size-3.5" /> : <Copy aria-hidden className="size-3.5" />}
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              </div>
              <p className="text-xs text-fg-subtle">Your teammate pastes it in Commons under “Join a workspace”. It works once and expires in 3 days.</p>
            </div>
          )}
          {problem !== null && <ProblemNotice problem={problem} compact onRetry={create} />}
        </div>
      )}
      {role === 'member' && <p className="pl-10 text-xs text-fg-subtle">Only an owner of {item.name} can invite people; ask one for an invite.</p>}
    </li>
  )
}
