import * as DialogPrimitive from '@radix-ui/react-dialog'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { navigate, useRoute } from '../app/route.ts'
import { toProblem, type Problem } from '../data/problems.ts'
import { useWorkspace } from '../workspace/context.tsx'
import { AssistantClient } from './assistantClient.ts'
import { AssistantPanel } from './AssistantPanel.tsx'
import { desktopAssistantWindow, isAssistantShortcut, openAssistantEvent } from './events.ts'

/**
 * The private assistant over the workspace, docked right: Cmd/Ctrl+J (or openAssistant()) opens it with
 * the current channel's context, Cmd/Ctrl+J or Esc closes it. In the desktop app the same keys open the
 * assistant's own window instead (AssistantWindow at #/assistant/new/<channelId>). Its client lives as long as the workspace
 * is open, so a reply keeps streaming while the panel is closed.
 */
export function AssistantOverlay() {
  const { bridge, workspace } = useWorkspace()
  const client = useMemo(() => new AssistantClient(bridge, workspace.workspaceId), [bridge, workspace.workspaceId])
  useEffect(() => client.start(), [client])
  const route = useRoute()
  const channelId = route.view === 'channel' ? route.channelId : null
  const channelRef = useRef(channelId)
  channelRef.current = channelId
  const [open, setOpen] = useState(false)
  const openRef = useRef(open)
  openRef.current = open
  const [sessionId, setSessionId] = useState<string | null>(null)
  const [opening, setOpening] = useState(false)
  const [openProblem, setOpenProblem] = useState<Problem | null>(null)
  const lastChannel = useRef<string | null>(null)

  const show = useCallback(
    (forChannel: string | null) => {
      // In the desktop app the assistant has its own window.
      const openWindow = desktopAssistantWindow()
      if (openWindow !== undefined) return openWindow({ channelId: forChannel })
      setOpen(true)
      setOpening(true)
      setOpenProblem(null)
      lastChannel.current = forChannel
      client
        .open(forChannel)
        .then(setSessionId)
        .catch((error: unknown) => setOpenProblem(toProblem(error, 'try again; if it keeps failing, restart Commons')))
        .finally(() => setOpening(false))
    },
    [client]
  )

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isAssistantShortcut(event)) return
      event.preventDefault()
      if (openRef.current) setOpen(false)
      else show(channelRef.current)
    }
    const onOpen = (event: Event) => {
      const detail = (event as CustomEvent<{ channelId?: string | null } | null>).detail
      show(detail?.channelId !== undefined ? detail.channelId : channelRef.current)
    }
    window.addEventListener('keydown', onKey)
    window.addEventListener(openAssistantEvent, onOpen)
    return () => {
      window.removeEventListener('keydown', onKey)
      window.removeEventListener(openAssistantEvent, onOpen)
    }
  }, [show])

  return (
    <DialogPrimitive.Root open={open} onOpenChange={setOpen}>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-fg/15" />
        <DialogPrimitive.Content
          aria-describedby={undefined}
          onEscapeKeyDown={(event) => {
            // Esc in a field that uses it itself (renaming a conversation) cancels there, not the panel.
            if ((document.activeElement as HTMLElement | null)?.closest('[data-own-escape]') != null) event.preventDefault()
          }}
          onOpenAutoFocus={(event) => {
            // The composer takes focus once the conversation is there (AssistantPanel).
            event.preventDefault()
          }}
          className="fixed inset-y-0 right-0 z-50 flex w-[min(620px,100vw)] border-l border-border-strong shadow-lg focus:outline-none"
        >
          <AssistantPanel
            client={client}
            sessionId={sessionId}
            mode="overlay"
            opening={opening}
            openProblem={openProblem}
            onRetryOpen={() => show(lastChannel.current)}
            channelId={channelId}
            onSelectSession={(id) => {
              client.select(id)
              setSessionId(id)
            }}
            onCurrentDeleted={() => {
              const next = client.sessions()?.[0]
              if (next === undefined) show(channelRef.current)
              else {
                client.select(next.id)
                setSessionId(next.id)
              }
            }}
            onNavigate={(target) => {
              setOpen(false)
              navigate(target)
            }}
            onClose={() => setOpen(false)}
            TitleAs={DialogPrimitive.Title}
          />
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  )
}
