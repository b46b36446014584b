import type { Bridge } from '../../shared/bridge/contract.ts'

/**
 * Hands each `doc.message` event to the replica that owns its subscription. The Host sends a doc's first
 * messages as soon as it subscribes, which can be before the renderer has the subscription id from the
 * reply, so messages for an id nobody has claimed yet are held (for a few ids) until it is claimed.
 */
export class DocMessageRouter {
  static readonly #routers = new WeakMap<Bridge, DocMessageRouter>()
  static readonly heldIds = 64

  /** The router of `bridge` (one per bridge, made on first use). */
  static of(bridge: Bridge): DocMessageRouter {
    let router = DocMessageRouter.#routers.get(bridge)
    if (router === undefined) {
      router = new DocMessageRouter(bridge)
      DocMessageRouter.#routers.set(bridge, router)
    }
    return router
  }

  readonly #handlers = new Map<string, (message: Uint8Array) => void>()
  readonly #held = new Map<string, Uint8Array[]>()

  private constructor(bridge: Bridge) {
    bridge.on('doc.message', ({ subscriptionId, message }) => {
      const handler = this.#handlers.get(subscriptionId)
      if (handler !== undefined) return handler(message)
      let held = this.#held.get(subscriptionId)
      if (held === undefined) {
        this.#held.set(subscriptionId, (held = []))
        // Oldest first out: an id nobody claims (its replica was destroyed before subscribing) is dropped.
        if (this.#held.size > DocMessageRouter.heldIds) this.#held.delete(this.#held.keys().next().value as string)
      }
      held.push(message)
    })
  }

  /** Routes the subscription's messages to `handler`, starting with any held for it. */
  claim(subscriptionId: string, handler: (message: Uint8Array) => void): void {
    this.#handlers.set(subscriptionId, handler)
    const held = this.#held.get(subscriptionId) ?? []
    this.#held.delete(subscriptionId)
    for (const message of held) handler(message)
  }

  release(subscriptionId: string): void {
    this.#handlers.delete(subscriptionId)
    this.#held.delete(subscriptionId)
  }
}
