/**
 * Small HTTP helpers: JSON answers, the `{ error, hint }` error shape, bounded JSON bodies, bearer
 * tokens, and plain HTTP refusals written on a socket that asked for a websocket upgrade.
 */

import type { IncomingMessage, ServerResponse } from 'node:http'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'

/** An answer other than success: status, what went wrong, and what to do about it. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly hint: string, readonly headers: Record<string, string> = {}) {
    super(message)
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers })
  res.end(text)
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: error.message, hint: error.hint }, error.headers)
}

/** Reads a JSON body of at most `maxBytes` (an empty body reads as `{}`). Throws HttpError 400/413. */
export async function readJson(req: IncomingMessage, maxBytes = 64 * 1024): Promise<unknown> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new HttpError(413, `the body is larger than ${maxBytes} bytes`, 'send a smaller body', { Connection: 'close' })
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) throw new HttpError(413, `the body is larger than ${maxBytes} bytes`, 'send a smaller body', { Connection: 'close' })
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    throw new HttpError(400, 'the body is not valid JSON', 'send a JSON object')
  }
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization
  if (header === undefined) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

/** Answers an upgrade request with a plain HTTP response and closes the socket: the refusal happens before any upgrade. */
export function refuseUpgrade(socket: Duplex, error: HttpError): void {
  const body = JSON.stringify({ error: error.message, hint: error.hint })
  const head = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(error.headers).map(([name, value]) => `${name}: ${value}`)
  ]
  if (!socket.writable) {
    socket.destroy()
    return
  }
  socket.once('finish', () => socket.destroy())
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`)
}
