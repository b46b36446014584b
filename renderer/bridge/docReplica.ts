import { Awareness, removeAwarenessStates } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { asBridgeRequestError, BridgeRequestError } from '../../shared/bridge/bridgeRequestError.ts'
import type { Bridge } from '../../shared/bridge/contract.ts'
import { awarenessMessage, readDocMessage, updateMessage } from '../../shared/bridge/docMessages.ts'
import { DocMessageRouter } from './docMessageRouter.ts'

/**
 * A replica of one of the Host's docs in the renderer: a local Y.Doc (and an Awareness for presence)
 * kept in sync with the Host's copy over the bridge by y-protocols messages. Read it with the shared read
 * functions and change it with the shared operations; the Host stores the changes and syncs them on.
 *
 * Over the web host's websocket the connection can drop; the replica keeps its doc (and any changes made
 * meanwhile) and subscribes again when the bridge reconnects, and the two copies exchange what they lack.
 */

/** A bridge that can lose its connection (the web host's websocket client). */
export interface ReconnectingBridge extends Bridge {
  onConnection(listener: (state: 'open' | 'closed') => void): () => void
}

export interface DocReplicaOptions {
  workspaceId: string
  docName: string
  /** Where failures go (a subscription refused, a message the Host rejected); console.warn by default. */
  onError?: (error: BridgeRequestError) => void
}

export class DocReplica {
  readonly doc = new Y.Doc()
  readonly awareness = new Awareness(this.doc)
  readonly workspaceId: string
  readonly docName: string
  /** Resolves once the replica holds the Host's copy (the first sync step 2); rejects when subscribing fails. */
  readonly synced: Promise<void>
  readonly #bridge: Bridge
  readonly #router: DocMessageRouter
  readonly #onError: (error: BridgeRequestError) => void
  readonly #stopConnection: () => void
  #subscriptionId: string | null = null
  #subscribing = false
  #destroyed = false
  #isSynced = false
  #resolveSynced: () => void = () => {}
  #rejectSynced: (error: BridgeRequestError) => void = () => {}

  constructor(bridge: Bridge, options: DocReplicaOptions) {
    this.#bridge = bridge
    this.workspaceId = options.workspaceId
    this.docName = options.docName
    this.#onError = options.onError ?? ((error) => console.warn(`Commons: ${this.docName}: ${error.message}`))
    this.#router = DocMessageRouter.of(bridge)
    this.synced = new Promise<void>((resolve, reject) => {
      this.#resolveSynced = resolve
      this.#rejectSynced = reject
    })
    // Whoever does not wait for `synced` still sees the failure through onError.
    this.synced.catch(() => {})
    this.doc.on('update', this.#onDocUpdate)
    this.awareness.on('update', this.#onAwarenessUpdate)
    this.#stopConnection = isReconnecting(bridge) ? bridge.onConnection((state) => this.#onConnection(state)) : () => {}
    this.#subscribe()
  }

  get isSynced(): boolean {
    return this.#isSynced
  }

  /** The same as destroy (the name renderer/src/data/replicaPool.ts's ReplicaConnection uses). */
  close(): void {
    this.destroy()
  }

  /** Stops syncing: the Host forgets this replica's presence, and the doc is destroyed. */
  destroy(): void {
    if (this.#destroyed) return
    this.#destroyed = true
    this.#stopConnection()
    this.doc.off('update', this.#onDocUpdate)
    this.awareness.off('update', this.#onAwarenessUpdate)
    const subscriptionId = this.#subscriptionId
    this.#subscriptionId = null
    if (subscriptionId !== null) {
      this.#router.release(subscriptionId)
      this.#bridge.request('doc.unsubscribe', { subscriptionId }).catch(() => {})
    }
    this.#rejectSynced(new BridgeRequestError('connection', `the replica of ${this.docName} was destroyed before it synced`))
    this.awareness.destroy()
    this.doc.destroy()
  }

  #subscribe(): void {
    this.#subscribing = true
    this.#bridge.request('doc.subscribe', { workspaceId: this.workspaceId, docName: this.docName }).then(
      ({ subscriptionId }) => {
        this.#subscribing = false
        if (this.#destroyed || this.#subscriptionId !== null) {
          this.#router.release(subscriptionId)
          this.#bridge.request('doc.unsubscribe', { subscriptionId }).catch(() => {})
          return
        }
        this.#subscriptionId = subscriptionId
        this.#router.claim(subscriptionId, (message) => this.#receive(message))
        // Announce this replica's presence; the clock moves on so a Host that saw it before takes it again.
        const local = this.awareness.getLocalState()
        if (local !== null) this.awareness.setLocalState(local)
      },
      (error: unknown) => {
        this.#subscribing = false
        const failure = asBridgeRequestError(error)
        // The connection dropped: the replica subscribes again when it is back.
        if (failure.code === 'connection' && isReconnecting(this.#bridge)) return
        if (!this.#isSynced) this.#rejectSynced(failure)
        if (!this.#destroyed) this.#onError(failure)
      }
    )
  }

  #receive(message: Uint8Array): void {
    if (this.#destroyed) return
    try {
      const { kind, reply } = readDocMessage(message, { doc: this.doc, awareness: this.awareness, origin: this })
      if (reply !== null) this.#send(reply)
      if (kind === 'sync-step-2' && !this.#isSynced) {
        this.#isSynced = true
        this.#resolveSynced()
      }
    } catch (error) {
      this.#onError(new BridgeRequestError('invalid-input', `a message from the Host could not be read: ${(error as Error).message}`))
    }
  }

  #send(message: Uint8Array): void {
    const subscriptionId = this.#subscriptionId
    if (subscriptionId === null) return
    this.#bridge.request('doc.send', { subscriptionId, message: message as Uint8Array<ArrayBuffer> }).catch((error: unknown) => {
      // A drop of the connection is handled by resubscribing; anything else is worth saying.
      const failure = asBridgeRequestError(error)
      if (!this.#destroyed && failure.code !== 'connection') this.#onError(failure)
    })
  }

  readonly #onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    // Changes made while unsubscribed are not lost: the Host's step 1 on the next subscription asks for them.
    if (origin !== this) this.#send(updateMessage(update))
  }

  readonly #onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin === this) return
    this.#send(awarenessMessage(this.awareness, [...added, ...updated, ...removed]))
  }

  #onConnection(state: 'open' | 'closed'): void {
    if (this.#destroyed) return
    if (state === 'closed') {
      if (this.#subscriptionId !== null) this.#router.release(this.#subscriptionId)
      this.#subscriptionId = null
      // The others' cursors are stale until the Host sends them again.
      const others = [...this.awareness.getStates().keys()].filter((client) => client !== this.doc.clientID)
      removeAwarenessStates(this.awareness, others, this)
    } else if (this.#subscriptionId === null && !this.#subscribing) {
      this.#subscribe()
    }
  }
}

function isReconnecting(bridge: Bridge): bridge is ReconnectingBridge {
  return typeof (bridge as Partial<ReconnectingBridge>).onConnection === 'function'
}
