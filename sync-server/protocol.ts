/**
 * The y-websocket wire format: decoding what clients send (strictly: anything that does not decode,
 * or has bytes left over, is a `ProtocolError`) and encoding what the server sends.
 *
 * A message is a lib0 varuint type, then a payload: 0 sync (y-protocols sync step 1, step 2 or update),
 * 1 awareness update, 3 query awareness. Type 2 (auth) only ever goes from server to client.
 */

import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

export const messageSync = 0
export const messageAwareness = 1
export const messageQueryAwareness = 3

const syncStep1 = 0
const syncStep2 = 1
const syncUpdate = 2

export type ClientMessage =
  | { type: 'sync-step-1'; stateVector: Uint8Array }
  | { type: 'sync-step-2'; update: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }

/** A message that does not follow the protocol; the connection is closed with 4400 and `message` as the reason. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError'
}

export function decodeClientMessage(data: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(data)
  const messageType = read(() => decoding.readVarUint(decoder), 'message type')
  let message: ClientMessage
  switch (messageType) {
    case messageSync:
      message = decodeSyncMessage(decoder)
      break
    case messageAwareness: {
      const update = read(() => decoding.readVarUint8Array(decoder), 'awareness update')
      validateAwarenessUpdate(update)
      message = { type: 'awareness', update }
      break
    }
    case messageQueryAwareness:
      message = { type: 'query-awareness' }
      break
    default:
      throw new ProtocolError(`unknown message type ${messageType}`)
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError(`${data.length - decoder.pos} bytes left over after the message`)
  return message
}

function decodeSyncMessage(decoder: decoding.Decoder): ClientMessage {
  const syncType = read(() => decoding.readVarUint(decoder), 'sync message type')
  switch (syncType) {
    case syncStep1: {
      const stateVector = read(() => decoding.readVarUint8Array(decoder), 'state vector')
      read(() => Y.decodeStateVector(stateVector), 'state vector')
      return { type: 'sync-step-1', stateVector }
    }
    case syncStep2:
    case syncUpdate: {
      const update = read(() => decoding.readVarUint8Array(decoder), 'update')
      // Decode the whole update before applying it: Yjs applies structs before it reads the delete set,
      // so a truncated update could otherwise change the doc halfway and then throw.
      read(() => Y.decodeUpdate(update), 'update')
      return { type: syncType === syncStep2 ? 'sync-step-2' : 'sync-update', update }
    }
    default:
      throw new ProtocolError(`unknown sync message type ${syncType}`)
  }
}

function validateAwarenessUpdate(update: Uint8Array): void {
  const decoder = decoding.createDecoder(update)
  read(() => {
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      decoding.readVarUint(decoder) // client id
      decoding.readVarUint(decoder) // clock
      JSON.parse(decoding.readVarString(decoder))
    }
  }, 'awareness update')
  if (decoding.hasContent(decoder)) throw new ProtocolError('bytes left over after the awareness update')
}

function read<T>(decode: () => T, what: string): T {
  try {
    return decode()
  } catch (error) {
    throw new ProtocolError(`cannot decode the ${what}: ${(error as Error).message}`)
  }
}

function encode(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  const bytes = encoding.toUint8Array(encoder)
  // A Buffer, so that `ws` does not wrap it again for each of the connections it goes to.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return encode((encoder) => {
    encoding.writeVarUint(encoder, messageSync)
    encoding.writeVarUint(encoder, syncStep1)
    encoding.writeVarUint8Array(encoder, stateVector)
  })
}

export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return encode((encoder) => {
    encoding.writeVarUint(encoder, messageSync)
    encoding.writeVarUint(encoder, syncStep2)
    encoding.writeVarUint8Array(encoder, update)
  })
}

export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return encode((encoder) => {
    encoding.writeVarUint(encoder, messageSync)
    encoding.writeVarUint(encoder, syncUpdate)
    encoding.writeVarUint8Array(encoder, update)
  })
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
  return encode((encoder) => {
    encoding.writeVarUint(encoder, messageAwareness)
    encoding.writeVarUint8Array(encoder, update)
  })
}
