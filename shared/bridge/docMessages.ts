import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'

/**
 * The doc messages the bridge carries (`doc.send`, the `doc.message` event), framed as y-websocket frames
 * them: a varuint message type, then the y-protocols payload. Both ends (the Host's replica server and the
 * renderer's DocReplica) read and write them with these functions.
 */

export const messageSync = 0
export const messageAwareness = 1
export const messageAuth = 2
export const messageQueryAwareness = 3

export class DocMessageError extends Error {
  override name = 'DocMessageError'
}

export function syncStep1Message(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, messageSync)
  syncProtocol.writeSyncStep1(encoder, doc)
  return encoding.toUint8Array(encoder)
}

/** Sync step 2: what `doc` has beyond `stateVector` (everything, without one). */
export function syncStep2Message(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, messageSync)
  syncProtocol.writeSyncStep2(encoder, doc, stateVector)
  return encoding.toUint8Array(encoder)
}

export function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, messageSync)
  syncProtocol.writeUpdate(encoder, update)
  return encoding.toUint8Array(encoder)
}

export function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, messageAwareness)
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients))
  return encoding.toUint8Array(encoder)
}

export interface ReadDocMessageResult {
  /** What the message was: a sync step 1, step 2 or update, an awareness update, or a query for awareness. */
  kind: 'sync-step-1' | 'sync-step-2' | 'sync-update' | 'awareness' | 'query-awareness' | 'auth'
  /** The answer to send back, if the message calls for one (a step 2 for a step 1, the awareness for a query). */
  reply: Uint8Array | null
}

/**
 * Applies one message to `doc` / `awareness` with `origin`. Throws DocMessageError when the message is
 * malformed or its update cannot be applied; nothing is partly applied in that case beyond what Yjs
 * itself keeps.
 */
export function readDocMessage(message: Uint8Array, target: { doc: Y.Doc; awareness: awarenessProtocol.Awareness; origin: unknown }): ReadDocMessageResult {
  try {
    const decoder = decoding.createDecoder(message)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case messageSync: {
        // Read here rather than with syncProtocol.readSyncMessage, which logs a bad update to the console and carries on.
        const syncType = decoding.readVarUint(decoder)
        const payload = decoding.readVarUint8Array(decoder)
        switch (syncType) {
          case syncProtocol.messageYjsSyncStep1:
            return { kind: 'sync-step-1', reply: syncStep2Message(target.doc, payload) }
          case syncProtocol.messageYjsSyncStep2:
          case syncProtocol.messageYjsUpdate:
            try {
              Y.applyUpdate(target.doc, payload, target.origin)
            } catch (error) {
              throw new DocMessageError(`the update could not be applied: ${(error as Error).message}`)
            }
            return { kind: syncType === syncProtocol.messageYjsSyncStep2 ? 'sync-step-2' : 'sync-update', reply: null }
          default:
            throw new DocMessageError(`unknown sync message type ${syncType}`)
        }
      }
      case messageAwareness:
        awarenessProtocol.applyAwarenessUpdate(target.awareness, decoding.readVarUint8Array(decoder), target.origin)
        return { kind: 'awareness', reply: null }
      case messageQueryAwareness:
        return { kind: 'query-awareness', reply: awarenessMessage(target.awareness, [...target.awareness.getStates().keys()]) }
      case messageAuth:
        // Only a server sends these (a denied connection); a replica has nothing to do with one.
        return { kind: 'auth', reply: null }
      default:
        throw new DocMessageError(`unknown doc message type ${type}`)
    }
  } catch (error) {
    if (error instanceof DocMessageError) throw error
    throw new DocMessageError(`malformed doc message: ${(error as Error).message}`)
  }
}
