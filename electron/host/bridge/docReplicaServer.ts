import type * as Y from 'yjs'
import { DocMessageError, readDocMessage, syncStep1Message, syncStep2Message, updateMessage } from '../../../shared/bridge/docMessages.ts'
import { parseDocName } from '../../../shared/docNames.ts'
import { CommonsError, ValidationError, notFound } from '../../../shared/errors.ts'
import type { Logger } from '../../../shared/log.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { WorkspaceSession } from '../workspaceSession.ts'
import type { DocPresence, PresenceMembership } from './docPresence.ts'

/**
 * The Host's side of one connection's doc replicas (`doc.subscribe`, `doc.send`, `doc.unsubscribe`).
 *
 * A subscription holds the doc open (the root doc is always open; channel and deliverable docs are
 * leased), sends the renderer sync step 1 and step 2, then relays every change of the Host's copy that
 * did not come from this subscription. The renderer's messages are applied with the subscription's own
 * origin, so the Host stores them and syncs them to the server like any local change, and the other
 * subscribers (other windows, tabs) get them as changes of the Host's copy.
 */

/** The transaction origin of a subscription's changes. */
export interface ReplicaOrigin {
  readonly source: 'bridge'
  readonly subscriptionId: string
}

interface Subscription {
  readonly id: string
  readonly docName: string
  readonly doc: Y.Doc
  readonly origin: ReplicaOrigin
  readonly presence: PresenceMembership
  end(): void
}

export interface DocReplicaServerOptions {
  presence: DocPresence
  /** Sends a `doc.message` event to this connection's renderer. */
  send(subscriptionId: string, message: Uint8Array): void
  log: Logger
}

export class DocReplicaServer {
  readonly #subscriptions = new Map<string, Subscription>()
  #closed = false

  constructor(private readonly options: DocReplicaServerOptions) {}

  get subscriptionCount(): number {
    return this.#subscriptions.size
  }

  async subscribe(session: WorkspaceSession, docName: string): Promise<string> {
    const parsed = parseDocName(docName)
    if (parsed === null || parsed.workspaceId !== session.id) {
      throw new ValidationError('doc.subscribe', [{ field: 'docName', problem: `"${docName}" is not a doc of workspace ${session.id}` }])
    }
    let doc: Y.Doc
    let release = () => {}
    if (parsed.kind === 'root') {
      doc = session.root
    } else if (parsed.kind === 'channel') {
      if (!rootCollections(session.root).channels.has(parsed.channelId)) throw notFound('channel', parsed.channelId)
      const lease = await session.leaseChannel(parsed.channelId)
      doc = lease.doc
      release = () => lease.release()
    } else {
      if (!rootCollections(session.root).deliverables.has(parsed.deliverableId)) throw notFound('deliverable', parsed.deliverableId)
      const lease = await session.leaseDeliverable(parsed.deliverableId)
      doc = lease.doc
      release = () => lease.release()
    }
    if (this.#closed) {
      release()
      throw new CommonsError('connection', 'the renderer disconnected before the doc opened')
    }
    return this.#start(session.id, docName, doc, release)
  }

  /** Ends a subscription; ending one that is gone already is fine. */
  unsubscribe(subscriptionId: string): void {
    this.#subscriptions.get(subscriptionId)?.end()
  }

  /** Applies a message from the renderer's replica; answers it when it calls for an answer. */
  receive(subscriptionId: string, message: Uint8Array): void {
    const subscription = this.#subscriptions.get(subscriptionId)
    if (subscription === undefined) throw notFound('subscription', subscriptionId, 'subscribe to the doc again')
    let reply: Uint8Array | null
    try {
      ;({ reply } = readDocMessage(message, { doc: subscription.doc, awareness: subscription.presence.awareness, origin: subscription.origin }))
    } catch (error) {
      if (error instanceof DocMessageError) throw new ValidationError('doc.send', [{ field: 'message', problem: error.message }])
      throw error
    }
    if (reply !== null) this.options.send(subscriptionId, reply)
  }

  /** Ends every subscription (the renderer is gone). */
  close(): void {
    this.#closed = true
    for (const subscription of [...this.#subscriptions.values()]) subscription.end()
  }

  #start(workspaceId: string, docName: string, doc: Y.Doc, release: () => void): string {
    const id = `sub-${globalThis.crypto.randomUUID()}`
    const origin: ReplicaOrigin = Object.freeze({ source: 'bridge', subscriptionId: id })
    const send = (message: Uint8Array) => this.options.send(id, message)
    const onUpdate = (update: Uint8Array, updateOrigin: unknown) => {
      if (updateOrigin !== origin) send(updateMessage(update))
    }
    // The session closed the doc under us (the Host is closing): nothing left to release.
    const onDestroy = () => end(false)
    const end = (releaseLease = true) => {
      if (!this.#subscriptions.has(id)) return
      this.#subscriptions.delete(id)
      doc.off('update', onUpdate)
      doc.off('destroy', onDestroy)
      presence.leave()
      if (releaseLease) release()
    }
    doc.on('update', onUpdate)
    doc.on('destroy', onDestroy)
    send(syncStep1Message(doc))
    send(syncStep2Message(doc))
    const presence = this.options.presence.join(workspaceId, docName, origin, send)
    this.#subscriptions.set(id, { id, docName, doc, origin, presence, end: () => end() })
    return id
  }
}
