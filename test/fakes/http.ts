import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** Small plumbing shared by the fake servers: listen on loopback, read JSON bodies, answer JSON. */

export interface LoopbackServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  origin: string
  /** Ends every open connection (hanging requests and live streams included), then stops listening. */
  close(): Promise<void>
  /** Aborted when close() starts, so handlers can stop timers and streams at once. */
  closing: AbortSignal
}

export type RequestHandler = (
  request: http.IncomingMessage,
  response: http.ServerResponse,
  closing: AbortSignal
) => Promise<void>

export async function startLoopbackServer(handler: RequestHandler, port = 0): Promise<LoopbackServer> {
  const sockets = new Set<Socket>()
  const closingController = new AbortController()

  const server = http.createServer((request, response) => {
    handler(request, response, closingController.signal).catch((error: unknown) => {
      // A bug in a fake must show up in the test, not as a hung request.
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'text/plain' })
      }
      response.end(`fake server crashed: ${error instanceof Error ? error.stack : String(error)}`)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const address = server.address() as AddressInfo

  let closed: Promise<void> | undefined
  return {
    origin: `http://127.0.0.1:${address.port}`,
    closing: closingController.signal,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closingController.abort()
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })
      return closed
    }
  }
}

export async function readBodyText(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** undefined when the text is not a JSON object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return isPlainObject(value) ? value : undefined
  } catch {
    return undefined
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Node gives repeated headers as arrays; tests want one string per name (lower-case names). */
export function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}

export function sendJson(
  response: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers
  })
  response.end(text)
}

/** Resolves once the client has gone away (or the server is closing); never rejects. */
export function whenGone(response: http.ServerResponse, closing: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (closing.aborted || response.destroyed) return resolve()
    response.once('close', () => resolve())
    closing.addEventListener('abort', () => resolve(), { once: true })
  })
}

/** setTimeout as a promise that gives up early (without rejecting) when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}
