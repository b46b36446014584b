/**
 * One room: a Y.Doc and its awareness in memory, the connections in it, and its writer.
 *
 * Updates from a connection are applied, queued for disk and relayed to the other connections at once
 * (relaying does not wait for the disk: latency matters, and every client keeps its own copy). A sync
 * step 1 is answered behind the write barrier: once everything queued before it is written and fsynced
 * (see room-writer.ts).
 */

import * as Y from 'yjs'
import { Awareness, encodeAwarenessUpdate, removeAwarenessStates, applyAwarenessUpdate } from 'y-protocols/awareness'
import { encodeAwareness, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate, ProtocolError, type ClientMessage } from './protocol.ts'
import type { RoomWriter } from './room-writer.ts'

/** What a room needs of a connection. */
export interface RoomPeer {
  readonly isOpen: boolean
  send(message: Uint8Array): void
}

interface AwarenessChange {
  added: number[]
  updated: number[]
  removed: number[]
}

export class Room {
  readonly doc: Y.Doc
  readonly awareness: Awareness
  /** Each connection, with the awareness client ids it has announced (removed when it leaves). */
  private readonly peers = new Map<RoomPeer, Set<number>>()
  private changedByLastApply = false
  private destroyed = false

  constructor(readonly name: string, doc: Y.Doc, readonly writer: RoomWriter) {
    this.doc = doc
    this.doc.on('update', () => {
      this.changedByLastApply = true
    })
    this.awareness = new Awareness(doc)
    this.awareness.setLocalState(null)
    this.awareness.on('update', (change: AwarenessChange, origin: unknown) => this.relayAwareness(change, origin))
  }

  get connectionCount(): number {
    return this.peers.size
  }

  get isDestroyed(): boolean {
    return this.destroyed
  }

  /** Adds a connection and opens the handshake: the server's step 1, then who else is here. */
  join(peer: RoomPeer): void {
    this.peers.set(peer, new Set())
    peer.send(encodeSyncStep1(Y.encodeStateVector(this.doc)))
    const states = this.awareness.getStates()
    if (states.size > 0) peer.send(encodeAwareness(encodeAwarenessUpdate(this.awareness, [...states.keys()])))
  }

  leave(peer: RoomPeer): void {
    const clientIds = this.peers.get(peer)
    if (clientIds === undefined) return
    this.peers.delete(peer)
    if (clientIds.size > 0) removeAwarenessStates(this.awareness, [...clientIds], null)
  }

  /** Handles one decoded message from `peer`. Throws `ProtocolError` when the content is unusable. */
  handle(peer: RoomPeer, message: ClientMessage): void {
    switch (message.type) {
      case 'sync-step-1':
        this.answerStep1(peer, message.stateVector)
        break
      case 'sync-step-2':
      case 'sync-update':
        this.applyUpdate(peer, message.update)
        break
      case 'awareness':
        try {
          applyAwarenessUpdate(this.awareness, message.update, peer)
        } catch (error) {
          throw new ProtocolError(`cannot apply the awareness update: ${(error as Error).message}`)
        }
        break
      case 'query-awareness':
        peer.send(encodeAwareness(encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])))
        break
    }
  }

  destroy(): void {
    this.destroyed = true
    this.awareness.destroy()
    this.doc.destroy()
  }

  private applyUpdate(from: RoomPeer, update: Uint8Array): void {
    const store = this.doc.store
    const pendingStructs = store.pendingStructs?.update
    const pendingDs = store.pendingDs
    this.changedByLastApply = false
    try {
      Y.applyUpdate(this.doc, update, from)
    } catch (error) {
      throw new ProtocolError(`cannot apply the update: ${(error as Error).message}`)
    }
    // An update whose structs wait for missing ones changes no content yet but is still news: keep and relay it.
    const changed = this.changedByLastApply || store.pendingStructs?.update !== pendingStructs || store.pendingDs !== pendingDs
    if (!changed) return
    this.writer.enqueue(update)
    const message = encodeSyncUpdate(update)
    for (const peer of this.peers.keys()) {
      if (peer !== from) peer.send(message)
    }
  }

  private answerStep1(peer: RoomPeer, stateVector: Uint8Array): void {
    const reply = () => {
      if (peer.isOpen && !this.destroyed) peer.send(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, stateVector)))
    }
    const durable = this.writer.whenDurable()
    if (durable === undefined) reply()
    else void durable.then(reply)
  }

  private relayAwareness({ added, updated, removed }: AwarenessChange, origin: unknown): void {
    const clientIds = this.peers.get(origin as RoomPeer)
    if (clientIds !== undefined) {
      for (const id of added) clientIds.add(id)
      for (const id of removed) clientIds.delete(id)
    }
    // Sent to every connection, the sender too: y-websocket reconnects when it hears nothing for 30 s,
    // and the echo of its own awareness (renewed every 15 s) is what it hears in a room of its own.
    const message = encodeAwareness(encodeAwarenessUpdate(this.awareness, [...added, ...updated, ...removed]))
    for (const peer of this.peers.keys()) peer.send(message)
  }
}
