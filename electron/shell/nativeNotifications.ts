import type { EventPayload } from '../../shared/bridge/contract.ts'
import type { AppEvent } from '../../shared/bridge/appEvents.ts'

/**
 * When the desktop app shows a Host notification (electron/host/notifications/) as a native one: only
 * when the main window is not focused (when it is, the renderer shows the same event in the window), when
 * the system supports them, and not in a flood (a burst after reconnecting shows the first few, then one
 * "and N more"). A click brings the main window forward at the channel it is about.
 */

export type NotificationPayload = EventPayload<'notification'>

export interface NativeNotification {
  title: string
  body: string
  /** What a click on it opens in the main window. */
  onClick: AppEvent
}

export interface NotificationState {
  mainWindowFocused: boolean
  supported: boolean
}

export function nativeNotificationFor(payload: NotificationPayload, state: NotificationState): NativeNotification | null {
  if (!state.supported || state.mainWindowFocused) return null
  return {
    title: payload.title,
    body: payload.body,
    onClick: { command: 'open-channel', workspaceId: payload.workspaceId, channelId: payload.channelId }
  }
}

/**
 * At most `max` notifications per `windowMs`; past that they are counted, and the first one allowed
 * after the burst says how many were held back (`held`).
 */
export class NotificationLimiter {
  readonly #shown: number[] = []
  #held = 0

  constructor(
    private readonly options: { max: number; windowMs: number; now?: () => number } = { max: 4, windowMs: 10_000 }
  ) {}

  /** Whether to show one now, and how many were held back before it. */
  take(): { show: boolean; held: number } {
    const now = (this.options.now ?? Date.now)()
    while (this.#shown.length > 0 && now - this.#shown[0]! >= this.options.windowMs) this.#shown.shift()
    if (this.#shown.length >= this.options.max) {
      this.#held++
      return { show: false, held: 0 }
    }
    this.#shown.push(now)
    const held = this.#held
    this.#held = 0
    return { show: true, held }
  }
}

/** The body of the first notification after a burst, with what was held back. */
export function withHeldBack(notification: NativeNotification, held: number): NativeNotification {
  if (held === 0) return notification
  return { ...notification, body: `${notification.body}\n(and ${held} more in Commons)` }
}
