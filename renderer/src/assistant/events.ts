/**
 * Opening the private assistant from anywhere: Cmd/Ctrl+J, the sidebar, or another view. The overlay
 * (AssistantOverlay) listens for the event; its detail is `{ channelId?: string | null }`, and without a
 * channel id it takes the channel on screen as the context.
 */
export const openAssistantEvent = 'commons:open-assistant'

export function openAssistant(channelId?: string | null): void {
  window.dispatchEvent(new CustomEvent(openAssistantEvent, { detail: channelId === undefined ? {} : { channelId } }))
}

/** Whether a key event is Cmd/Ctrl+J. */
export function isAssistantShortcut(event: Pick<KeyboardEvent, 'key' | 'metaKey' | 'ctrlKey' | 'altKey' | 'shiftKey'>): boolean {
  return (event.metaKey || event.ctrlKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'j'
}

/**
 * The desktop app's own assistant window: the preload's `window.commons.openAssistant({ channelId })`
 * (electron/preload.ts) opens or focuses it at #/assistant/new/<channelId>. Undefined in a browser, where
 * the assistant is a panel over the workspace.
 */
export function desktopAssistantWindow(): ((options: { channelId: string | null }) => void) | undefined {
  const open = (globalThis as { commons?: { openAssistant?: unknown } }).commons?.openAssistant
  return typeof open === 'function' ? (options) => (open as (options: { channelId: string | null }) => void)(options) : undefined
}
