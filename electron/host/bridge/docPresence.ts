import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { awarenessMessage } from '../../../shared/bridge/docMessages.ts'
import type { Logger } from '../../../shared/log.ts'

/** Finds the sync provider's awareness of an open doc, so presence reaches other devices. */
export type AwarenessSource = (workspaceId: string, docName: string) => Awareness | undefined

/**
 * Presence (y-protocols awareness) of the docs renderers have subscribed, shared by every subscriber on
 * this device (windows, browser tabs) and linked to the doc's sync provider when the workspace has a
 * server, so typing indicators and cursors reach other devices and theirs reach us.
 *
 * Each doc has one hub: an Awareness holding the renderers' states and the other devices' states, with
 * no state of its own. A subscriber's updates go to the other subscribers and to the provider; the
 * provider's updates go to every subscriber. The provider drops every state but its own when its socket
 * closes; those drops are not passed on for this device's renderers, whose states stay in the hub (they
 * reach the server again with the renderers' next renewal, at most 15 s later).
 */

interface Member {
  send(message: Uint8Array): void
  /** The awareness clients this subscriber has put in the hub. */
  clients: Set<number>
}

export interface PresenceMembership {
  /** The hub's awareness: apply the subscriber's awareness messages to it with the subscriber's origin. */
  readonly awareness: Awareness
  /** Removes the subscriber's states (telling everyone) and leaves the hub. */
  leave(): void
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] }

const fromRemote = Symbol('presence from the sync provider')
const toRemote = Symbol('presence to the sync provider')

class PresenceHub {
  readonly awareness: Awareness
  readonly #idDoc = new Y.Doc()
  readonly #members = new Map<object, Member>()
  #remote: Awareness | undefined

  constructor(
    remote: Awareness | undefined,
    private readonly log: Logger
  ) {
    this.awareness = new Awareness(this.#idDoc)
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.#onHubUpdate)
    if (remote !== undefined) {
      this.#remote = remote
      remote.on('update', this.#onRemoteUpdate)
      remote.on('destroy', this.#unlinkRemote)
      this.#onRemoteUpdate({ added: [...remote.getStates().keys()], updated: [], removed: [] }, null)
    }
  }

  get empty(): boolean {
    return this.#members.size === 0
  }

  join(origin: object, send: (message: Uint8Array) => void): void {
    this.#members.set(origin, { send, clients: new Set() })
    const present = [...this.awareness.getStates().keys()]
    if (present.length > 0) send(awarenessMessage(this.awareness, present))
  }

  leave(origin: object): void {
    const member = this.#members.get(origin)
    if (member === undefined) return
    const clients = [...member.clients]
    removeAwarenessStates(this.awareness, clients, origin)
    this.#members.delete(origin)
    for (const client of clients) this.awareness.meta.delete(client)
  }

  destroy(): void {
    this.#unlinkRemote()
    this.awareness.off('update', this.#onHubUpdate)
    this.awareness.destroy()
    this.#idDoc.destroy()
  }

  #isLocal(client: number): boolean {
    for (const member of this.#members.values()) if (member.clients.has(client)) return true
    return false
  }

  readonly #onHubUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    const changed = [...added, ...updated, ...removed]
    const member = typeof origin === 'object' && origin !== null ? this.#members.get(origin) : undefined
    // Only this device's renderers' states go to the provider; the others' came from it.
    const outgoing = origin === fromRemote ? [] : member !== undefined ? changed : changed.filter((client) => this.#isLocal(client))
    if (member !== undefined) for (const client of [...added, ...updated]) member.clients.add(client)
    for (const client of removed) for (const each of this.#members.values()) each.clients.delete(client)

    const message = awarenessMessage(this.awareness, changed)
    for (const [memberOrigin, each] of this.#members) {
      if (memberOrigin === origin) continue
      try {
        each.send(message)
      } catch (error) {
        this.log.warn('could not pass presence to a subscriber', { error })
      }
    }
    if (this.#remote !== undefined && outgoing.length > 0) {
      applyAwarenessUpdate(this.#remote, encodeAwarenessUpdate(this.awareness, outgoing), toRemote)
    }
  }

  readonly #onRemoteUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    const remote = this.#remote
    if (origin === toRemote || remote === undefined) return
    // The provider's own state is the Host's, which has nothing to show; this device's renderers are ours.
    const incoming = [...added, ...updated, ...removed].filter((client) => client !== remote.clientID && !this.#isLocal(client))
    if (incoming.length === 0) return
    applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(remote, incoming), fromRemote)
  }

  readonly #unlinkRemote = (): void => {
    this.#remote?.off('update', this.#onRemoteUpdate)
    this.#remote?.off('destroy', this.#unlinkRemote)
    this.#remote = undefined
  }
}

/** The presence hubs of this device, one per subscribed doc. One per Host, shared by every bridge connection. */
export class DocPresence {
  readonly #hubs = new Map<string, PresenceHub>()

  constructor(
    private readonly awarenessOf: AwarenessSource | undefined,
    private readonly log: Logger
  ) {}

  /** Joins the doc's hub; `origin` identifies the subscriber (and is the origin its updates carry). */
  join(workspaceId: string, docName: string, origin: object, send: (message: Uint8Array) => void): PresenceMembership {
    let hub = this.#hubs.get(docName)
    if (hub === undefined) {
      hub = new PresenceHub(this.awarenessOf?.(workspaceId, docName), this.log)
      this.#hubs.set(docName, hub)
    }
    hub.join(origin, send)
    const joined = hub
    let left = false
    return {
      awareness: joined.awareness,
      leave: () => {
        if (left) return
        left = true
        joined.leave(origin)
        if (joined.empty && this.#hubs.get(docName) === joined) {
          this.#hubs.delete(docName)
          joined.destroy()
        }
      }
    }
  }

  close(): void {
    for (const hub of this.#hubs.values()) hub.destroy()
    this.#hubs.clear()
  }
}
