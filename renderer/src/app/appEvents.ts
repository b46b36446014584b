import type { AppEvent } from '../../../shared/bridge/appEvents.ts'

/**
 * What the desktop shell asks of the renderer outside the bridge: menu commands, `commons://join/…`
 * links, clicks on native notifications (shared/bridge/appEvents.ts). In a browser there is no shell, and
 * this never fires. Each event means "show this": handlers make it so, whatever is open now.
 */
export type { AppEvent }

interface ShellWindow {
  commons?: { onMenu?: (listener: (event: AppEvent) => void) => () => void }
}

export function onAppEvent(listener: (event: AppEvent) => void): () => void {
  const subscribe = (globalThis as ShellWindow).commons?.onMenu
  return typeof subscribe === 'function' ? subscribe(listener) : () => {}
}
