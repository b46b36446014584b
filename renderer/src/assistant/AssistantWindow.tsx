import { SquarePen } from 'lucide-react'
import { useEffect, useMemo, useRef, useState } from 'react'
import { navigate } from '../app/route.ts'
import { IconButton } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { useWorkspace } from '../workspace/context.tsx'
import { AssistantClient, type SessionSummary } from './assistantClient.ts'
import { AssistantPanel, useAssistantClient } from './AssistantPanel.tsx'
import { DeleteSessionDialog, SessionList } from './SessionList.tsx'

/**
 * The private assistant full-window, at #/assistant[/sessionId], or #/assistant/new/<channelId> when opened
 * from a channel (a recent conversation with that channel goes on, else a new one with its context): what
 * the desktop app opens as the assistant's own window.
 * The conversations are listed on the left; Esc closes the window.
 */
export function AssistantWindow({ sessionId, channelId }: { sessionId: string | null; channelId: string | null }) {
  const { bridge, workspace } = useWorkspace()
  const client = useMemo(() => new AssistantClient(bridge, workspace.workspaceId), [bridge, workspace.workspaceId])
  useEffect(() => client.start(), [client])
  useAssistantClient(client)
  const [problem, setProblem] = useState<Problem | null>(null)
  const [deleting, setDeleting] = useState<SessionSummary | null>(null)
  const [attempt, setAttempt] = useState(0)
  const resolving = useRef(false)

  useEffect(() => {
    const previous = document.title
    document.title = 'Private assistant — Commons'
    return () => {
      document.title = previous
    }
  }, [])

  // No session in the address: a new one with the channel's context, or the latest one, or a new one.
  useEffect(() => {
    if (sessionId !== null) {
      client.select(sessionId)
      if (client.sessions() === null) void client.refresh()
      return
    }
    if (resolving.current) return
    resolving.current = true
    setProblem(null)
    const pick = async (): Promise<string> => {
      // Opened from a channel: a recent conversation with that channel goes on, else a new one with its context.
      if (channelId !== null) return client.open(channelId)
      await client.refresh()
      const latest = client.sessions()?.[0]
      if (latest !== undefined) return latest.id
      if (client.listProblem() !== null) throw client.listProblem()
      return (await client.create(null)).id
    }
    pick()
      .then((id) => navigate({ view: 'assistant', sessionId: id }, { replace: true }))
      .catch((error: unknown) => setProblem(toProblem(error, 'try again; if it keeps failing, restart Commons')))
      .finally(() => {
        resolving.current = false
      })
  }, [client, sessionId, channelId, attempt])

  const sessions = client.sessions()
  // The session shown was deleted: show the latest one (or start one).
  const showNext = () => navigate({ view: 'assistant', sessionId: client.sessions()?.[0]?.id ?? null }, { replace: true })

  const newSession = () => {
    client
      .create(null)
      .then((created) => navigate({ view: 'assistant', sessionId: created.id }))
      .catch((error: unknown) => setProblem(toProblem(error, 'try again')))
  }

  return (
    <div className="private-surface flex h-full bg-(--c-private-bg)">
      <nav aria-label="Private conversations" className="flex w-64 shrink-0 flex-col border-r border-(--c-private-border) bg-(--c-private-panel)">
        <div className="flex h-14 shrink-0 items-center gap-2 border-b border-(--c-private-border) pr-2 pl-4">
          <h2 className="min-w-0 flex-1 truncate text-sm font-semibold text-fg">{workspace.name}</h2>
          <IconButton label="New conversation" onClick={newSession}>
            <SquarePen className="size-4" />
          </IconButton>
        </div>
        <div className="min-h-0 flex-1 overflow-y-auto">
          <SessionList
            client={client}
            sessions={sessions}
            activeId={sessionId}
            onSelect={(id) => navigate({ view: 'assistant', sessionId: id })}
            onRequestDelete={setDeleting}
          />
        </div>
      </nav>
      <AssistantPanel
        client={client}
        sessionId={sessionId}
        mode="window"
        opening={sessionId === null && problem === null}
        openProblem={problem}
        onRetryOpen={() => setAttempt((count) => count + 1)}
        channelId={null}
        onSelectSession={(id) => navigate({ view: 'assistant', sessionId: id })}
        onCurrentDeleted={showNext}
        onNavigate={(target) => navigate(target)}
        onClose={() => window.close()}
      />
      <DeleteSessionDialog
        client={client}
        session={deleting}
        onDeleted={(session) => session.id === sessionId && showNext()}
        onClose={() => setDeleting(null)}
      />
    </div>
  )
}
