/**
 * The preload: the renderer's only way to the Host. It exposes the typed bridge (shared/bridge/contract.ts)
 * as `window.commons` through contextBridge, never raw ipcRenderer: requests go to main.ts on
 * `commons:request`, events come back on `commons:event`, and both are checked against the contract here.
 *
 * A refused request rejects with the plain `{ code, message, hint }` (contextBridge would strip an
 * Error's fields); renderer/bridge/connectBridge.ts turns it back into a BridgeRequestError.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { bridgeError, bridgeEvents, bridgeRequests, type Bridge, type EventName, type RequestName } from '../shared/bridge/contract.ts'
import { appEvent, appEventChannel, openAssistantChannel, type AppEvent } from '../shared/bridge/appEvents.ts'

// Literal copies of electron/host/bridge/ipcConnections.ts's names: the sandboxed preload bundles only what it needs.
const requestChannel = 'commons:request'
const eventChannel = 'commons:event'

const listeners = new Map<EventName, Set<(payload: unknown) => void>>()

ipcRenderer.on(eventChannel, (_event, frame: unknown) => {
  const { name, payload } = (frame ?? {}) as { name?: unknown; payload?: unknown }
  if (typeof name !== 'string' || !Object.hasOwn(bridgeEvents, name)) return
  const parsed = bridgeEvents[name as EventName].safeParse(payload)
  if (!parsed.success) return
  for (const listener of [...(listeners.get(name as EventName) ?? [])]) listener(parsed.data)
})

async function request(name: RequestName, input: unknown): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(requestChannel, name, input)) as { ok?: unknown; output?: unknown; error?: unknown }
  if (reply?.ok === true) {
    const output = Object.hasOwn(bridgeRequests, name) ? bridgeRequests[name].output.safeParse(reply.output) : null
    if (output?.success) return output.data
    throw { code: 'internal', message: `the Host's answer to ${name} does not match the bridge contract`, hint: null }
  }
  const error = bridgeError.safeParse(reply?.error)
  throw error.success ? error.data : { code: 'internal', message: `the Host sent no answer to ${name}`, hint: null }
}

function on(name: EventName, listener: (payload: unknown) => void): () => void {
  let set = listeners.get(name)
  if (set === undefined) listeners.set(name, (set = new Set()))
  set.add(listener)
  return () => void set.delete(listener)
}

/**
 * App events from the desktop shell (shared/bridge/appEvents.ts): menu commands, a `commons://join/…`
 * link, a clicked notification. Outside the bridge, which is the same for the web host. Events that
 * arrive before anyone listens (a link that launched the app) wait here for the first listener.
 */
const menuListeners = new Set<(event: AppEvent) => void>()
const waitingAppEvents: AppEvent[] = []

ipcRenderer.on(appEventChannel, (_event, payload: unknown) => {
  const parsed = appEvent.safeParse(payload)
  if (!parsed.success) return
  if (menuListeners.size === 0) {
    if (waitingAppEvents.length < 20) waitingAppEvents.push(parsed.data)
    return
  }
  deliver(parsed.data)
})

function deliver(event: AppEvent): void {
  for (const listener of [...menuListeners]) {
    try {
      listener(event)
    } catch (error) {
      console.error('an app event listener failed', error)
    }
  }
}

function onMenu(listener: (event: AppEvent) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError('onMenu takes a function')
  menuListeners.add(listener)
  // Delivered after this call returns, so the caller has its unsubscribe first.
  if (waitingAppEvents.length > 0) queueMicrotask(() => waitingAppEvents.splice(0).forEach(deliver))
  return () => void menuListeners.delete(listener)
}

/** Opens (or brings forward) the private assistant's window, with the channel it is opened from. */
function openAssistant(options?: { channelId?: string | null }): void {
  const channelId = options?.channelId
  ipcRenderer.send(openAssistantChannel, { channelId: typeof channelId === 'string' ? channelId : null })
}

const commons = { runtime: 'electron' as const, request: request as Bridge['request'], on: on as Bridge['on'], onMenu, openAssistant }
contextBridge.exposeInMainWorld('commons', Object.freeze(commons))
