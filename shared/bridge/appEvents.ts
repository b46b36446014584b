import { z } from 'zod'

/**
 * App events: what the desktop shell tells the renderer outside the bridge (which is the same for the
 * web host and knows nothing of menus). The main process sends them on `commons:menu`; the preload checks
 * each against `appEvent` and hands it to `window.commons.onMenu(listener)`. Events sent before the
 * renderer subscribed (a deep link that launched the app) are kept and delivered on subscription.
 *
 * The renderer treats each as "show this" (idempotent): a menu accelerator the page also handles itself
 * (its keydown calls preventDefault) reaches the page, not the menu, so nothing fires twice.
 *
 * The other way, `window.commons.openAssistant({ channelId })` asks the main process (on
 * `commons:open-assistant`) to open or focus the private assistant's window at `#/assistant` (`#/assistant/new/<channelId>` with a channel).
 */

export const appEventChannel = 'commons:menu'
export const openAssistantChannel = 'commons:open-assistant'

export const appEvent = z.discriminatedUnion('command', [
  /** File ▸ New workspace…: show the create-workspace dialog. */
  z.object({ command: z.literal('new-workspace') }),
  /** File ▸ Join workspace…, or a `commons://join/…` link: show the join dialog, prefilled when `invite` is set. */
  z.object({ command: z.literal('join-workspace'), invite: z.string().max(8192).nullable() }),
  /** View ▸ Quick switcher (Cmd/Ctrl+K). */
  z.object({ command: z.literal('quick-switcher') }),
  /** Settings (Cmd/Ctrl+,). */
  z.object({ command: z.literal('settings') }),
  /** A native notification was clicked: show that workspace's channel (or the workspace when null). */
  z.object({ command: z.literal('open-channel'), workspaceId: z.string(), channelId: z.string().nullable() })
])

export type AppEvent = z.infer<typeof appEvent>
export type AppCommand = AppEvent['command']

/** What `openAssistant` may carry from the renderer (checked in the main process). */
export const openAssistantInput = z.object({ channelId: z.string().regex(/^ch_[a-z2-7]{20}$/).nullable().optional() }).optional()

/**
 * The private assistant's route in its own window (renderer/src/app/route.ts): `#/assistant` (the latest
 * conversation), or `#/assistant/new/<channelId>` for a new one with the channel it was opened from.
 */
export function assistantRoute(channelId: string | null | undefined): string {
  return channelId === null || channelId === undefined ? '#/assistant' : `#/assistant/new/${encodeURIComponent(channelId)}`
}

/** The channel a window's URL shows (`…#/c/<channelId>`), for the assistant's context; null elsewhere. */
export function channelOfUrl(url: string): string | null {
  const hash = url.includes('#') ? url.slice(url.indexOf('#')) : ''
  const [head, id] = hash.replace(/^#\/?/, '').split('/')
  if (head !== 'c' || id === undefined || id === '') return null
  return /^ch_[a-z2-7]{20}$/.test(id) ? id : null
}
