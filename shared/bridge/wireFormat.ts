/**
 * How bridge frames travel on the web host's websocket: one binary message per frame, so doc messages
 * and file bytes cross as bytes, not base64.
 *
 *   [u32 length of the JSON][JSON, UTF-8][u32 length][bytes] …
 *
 * The JSON is the frame with every Uint8Array replaced by `{"$bytes": i}`, the index of its chunk after
 * the JSON. Works in the browser and in Node (no Buffer; a Node Buffer is a Uint8Array and is sent as one).
 */

/** Where the web host takes the bridge's websocket: `/bridge?token=…`. */
export const bridgeSocketPath = '/bridge'

const marker = '$bytes'
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export class WireFormatError extends Error {
  override name = 'WireFormatError'
}

export function encodeFrame(frame: unknown): Uint8Array {
  const chunks: Uint8Array[] = []
  const json = JSON.stringify(frame, function (this: Record<string, unknown>, key: string, value: unknown) {
    // The holder's own value: a Node Buffer has already become `{type, data}` through its toJSON.
    const raw = this[key]
    if (raw instanceof Uint8Array) {
      chunks.push(raw)
      return { [marker]: chunks.length - 1 }
    }
    return value
  })
  if (json === undefined) throw new WireFormatError('a frame must be a JSON value')
  const text = encoder.encode(json)
  const total = 4 + text.byteLength + chunks.reduce((sum, chunk) => sum + 4 + chunk.byteLength, 0)
  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  let at = 0
  const put = (bytes: Uint8Array) => {
    view.setUint32(at, bytes.byteLength)
    out.set(bytes, at + 4)
    at += 4 + bytes.byteLength
  }
  put(text)
  for (const chunk of chunks) put(chunk)
  return out
}

/** Decodes a frame; throws WireFormatError when the message is not one. Byte fields are copies, not views. */
export function decodeFrame(message: Uint8Array | ArrayBuffer): unknown {
  // A plain Uint8Array view even of a Node Buffer, so the parts below are copies of Uint8Array type.
  const bytes = message instanceof Uint8Array ? new Uint8Array(message.buffer, message.byteOffset, message.byteLength) : new Uint8Array(message)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const parts: Uint8Array[] = []
  let at = 0
  while (at < bytes.byteLength) {
    if (at + 4 > bytes.byteLength) throw new WireFormatError('truncated frame: a length prefix is cut off')
    const length = view.getUint32(at)
    if (at + 4 + length > bytes.byteLength) throw new WireFormatError('truncated frame: a part is shorter than its length')
    parts.push(bytes.slice(at + 4, at + 4 + length))
    at += 4 + length
  }
  const [text, ...chunks] = parts
  if (text === undefined) throw new WireFormatError('empty frame')
  let json: string
  try {
    json = decoder.decode(text)
  } catch {
    throw new WireFormatError('the frame is not UTF-8')
  }
  let used = 0
  let value: unknown
  try {
    value = JSON.parse(json, (_key, value: unknown) => {
      const index = bytesIndex(value)
      if (index === null) return value
      const chunk = chunks[index]
      if (chunk === undefined) throw new WireFormatError(`the frame names byte part ${index}, which it does not carry`)
      used++
      return chunk
    })
  } catch (error) {
    if (error instanceof WireFormatError) throw error
    throw new WireFormatError(`the frame's JSON does not parse: ${(error as Error).message}`)
  }
  if (used !== chunks.length) throw new WireFormatError('the frame carries byte parts it does not name')
  return value
}

/** The index of a `{"$bytes": i}` placeholder, or null when `value` is anything else. */
function bytesIndex(value: unknown): number | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const keys = Object.keys(value)
  if (keys.length !== 1 || keys[0] !== marker) return null
  const index = (value as Record<string, unknown>)[marker]
  return typeof index === 'number' && Number.isInteger(index) && index >= 0 ? index : null
}
