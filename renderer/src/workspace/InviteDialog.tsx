import { Check, Copy } from 'lucide-react'
import { useEffect, useState } from 'react'
import { AppDialog, Button, ProblemNotice, Spinner } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { useWorkspace } from './context.tsx'

/** Mints an invite (a member token for this workspace's sync server) to paste to a teammate. */
export function InviteDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { bridge, workspace } = useWorkspace()
  const [invite, setInvite] = useState<string | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)
  const [busy, setBusy] = useState(false)
  const [copied, setCopied] = useState(false)

  const create = () => {
    setBusy(true)
    setProblem(null)
    bridge
      .request('workspaces.invite', { workspaceId: workspace.workspaceId, maxUses: 1, expiresInHours: 72 })
      .then((result) => setInvite(result.invite))
      .catch((error: unknown) =>
        setProblem(toProblem(error, workspace.hasServer ? 'check that the sync server is reachable, then try again' : 'invites need a sync server: this workspace is local only'))
      )
      .finally(() => setBusy(false))
  }

  useEffect(() => {
    if (!open) {
      setInvite(null)
      setProblem(null)
      setCopied(false)
      return
    }
    if (workspace.hasServer) create()
  }, [open])

  const copy = () => {
    if (invite === null) return
    void navigator.clipboard?.writeText(invite).then(() => setCopied(true))
  }

  return (
    <AppDialog open={open} onOpenChange={onOpenChange} title={`Invite people to ${workspace.name}`} description="An invite works once and expires in 3 days. Your teammate pastes it in Commons under “Join a workspace”.">
      <div className="flex flex-col gap-3 px-5 pt-4 pb-5">
        {!workspace.hasServer && (
          <ProblemNotice problem={{ message: 'This workspace is local only', hint: 'Invites go through a sync server. Create a workspace with a sync server URL to work with others.', code: 'config' }} compact />
        )}
        {busy && (
          <div className="flex items-center gap-2 text-sm text-fg-muted">
            <Spinner /> Creating an invite…
          </div>
        )}
        {problem !== null && <ProblemNotice problem={problem} compact onRetry={create} />}
        {invite !== null && (
          <div className="flex items-center gap-2">
            <input readOnly aria-label="Invite" value={invite} onFocus={(event) => event.target.select()} className="h-9 min-w-0 flex-1 rounded-md border border-border-strong bg-bg-subtle px-2.5 font-mono text-xs" />
            <Button onClick={copy} variant="primary">
              {copied ? <Check aria-hidden className="size-4" /> : <Copy aria-hidden className="size-4" />}
              {copied ? 'Copied' : 'Copy'}
            </Button>
          </div>
        )}
      </div>
    </AppDialog>
  )
}
