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

const commons = { runtime: 'electron' as const, request: request as Bridge['request'], on: on as Bridge['on'] }
contextBridge.exposeInMainWorld('commons', Object.freeze(commons))
