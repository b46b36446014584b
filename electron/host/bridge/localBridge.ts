import { BridgeRequestError } from '../../../shared/bridge/bridgeRequestError.ts'
import type { Bridge, EventName, EventPayload } from '../../../shared/bridge/contract.ts'
import type { BridgeHost } from './bridgeServer.ts'

/**
 * A Bridge in the Host's own process: what a renderer gets, without a transport (tests, scripts). Events
 * are delivered on a microtask, as a transport would, so a replica never reacts inside the Host's own
 * Yjs transaction.
 */
export interface LocalBridge extends Bridge {
  close(): void
}

export function connectLocalBridge(bridgeHost: BridgeHost): LocalBridge {
  const listeners = new Map<EventName, Set<(payload: never) => void>>()
  const connection = bridgeHost.connect((name, payload) => {
    queueMicrotask(() => {
      for (const listener of listeners.get(name) ?? []) listener(payload as never)
    })
  })
  return {
    async request(name, input) {
      const reply = await connection.handle(name, input)
      if (!reply.ok) throw BridgeRequestError.from(reply.error)
      return reply.output as never
    },
    on<Name extends EventName>(name: Name, listener: (payload: EventPayload<Name>) => void) {
      let set = listeners.get(name)
      if (set === undefined) listeners.set(name, (set = new Set()))
      set.add(listener as (payload: never) => void)
      return () => void set.delete(listener as (payload: never) => void)
    },
    close: () => connection.close()
  }
}
