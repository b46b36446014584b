import { useCallback, useEffect, useState, useSyncExternalStore } from 'react'
import type { Awareness } from 'y-protocols/awareness'

/**
 * Who else has a doc open, and who is typing in it: each replica's awareness carries
 * `{ memberId, typing: { threadId, until } | null }` for this window.
 */

export interface PresenceState {
  memberId: string
  typing: { threadId: string | null; until: number } | null
}

function isPresence(value: unknown): value is PresenceState {
  return value !== null && typeof value === 'object' && typeof (value as { memberId?: unknown }).memberId === 'string'
}

const versions = new WeakMap<Awareness, number>()

export function useAwarenessVersion(awareness: Awareness | null): number {
  const subscribe = useCallback(
    (listener: () => void) => {
      if (awareness === null) return () => {}
      const onChange = () => {
        versions.set(awareness, (versions.get(awareness) ?? 0) + 1)
        listener()
      }
      awareness.on('change', onChange)
      return () => awareness.off('change', onChange)
    },
    [awareness]
  )
  return useSyncExternalStore(subscribe, () => (awareness === null ? 0 : (versions.get(awareness) ?? 0)))
}

/** Members with this doc open in some window, other than this one. */
export function presentMembers(awareness: Awareness | null): Set<string> {
  const present = new Set<string>()
  if (awareness === null) return present
  for (const [clientId, state] of awareness.getStates()) {
    if (clientId !== awareness.clientID && isPresence(state)) present.add(state.memberId)
  }
  return present
}

/** Members typing now in the channel (threadId null) or in one thread, other than `selfId`. */
export function typingMembers(awareness: Awareness | null, threadId: string | null, selfId: string, now: number): string[] {
  const typing: string[] = []
  if (awareness === null) return typing
  for (const [clientId, state] of awareness.getStates()) {
    if (clientId === awareness.clientID || !isPresence(state) || state.memberId === selfId) continue
    if (state.typing !== null && state.typing.threadId === threadId && state.typing.until > now && !typing.includes(state.memberId)) typing.push(state.memberId)
  }
  return typing
}

/** Announces this window in the doc's awareness while mounted. */
export function usePresence(awareness: Awareness | null, memberId: string): void {
  useEffect(() => {
    if (awareness === null) return
    awareness.setLocalState({ memberId, typing: null } satisfies PresenceState)
    return () => awareness.setLocalState(null)
  }, [awareness, memberId])
}

const typingWindowMs = 5000

/** Marks this window as typing (throttled), or stops. */
export function setTyping(awareness: Awareness | null, threadId: string | null, typing: boolean): void {
  if (awareness === null) return
  const current = awareness.getLocalState() as PresenceState | null
  if (current === null || !isPresence(current)) return
  if (!typing) {
    if (current.typing !== null) awareness.setLocalStateField('typing', null)
    return
  }
  const now = Date.now()
  if (current.typing !== null && current.typing.threadId === threadId && current.typing.until - now > typingWindowMs - 2000) return
  awareness.setLocalStateField('typing', { threadId, until: now + typingWindowMs })
}

/** Re-renders every second while `active`, so typing indicators expire on time. */
export function useTicker(active: boolean): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [active])
  return active ? now : Date.now()
}
