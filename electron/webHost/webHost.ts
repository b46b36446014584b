import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { clientFrame, type EventName } from '../../shared/bridge/contract.ts'
import { bridgeSocketPath, decodeFrame, encodeFrame } from '../../shared/bridge/wireFormat.ts'
import { createLogger, type Logger } from '../../shared/log.ts'
import { createHostServices } from '../host/bridge/hostServiceHandlers.ts'
import { BridgeHost, type BridgeServer } from '../host/bridge/bridgeServer.ts'
import type { HostServices } from '../host/bridge/hostServices.ts'
import { Host } from '../host/host.ts'
import { NotificationFeed } from '../host/notifications/index.ts'
import { AccessGuard, newAccessToken } from './accessGuard.ts'
import { answer, commonHeaders, contentSecurityPolicy, serveStatic } from './staticFiles.ts'

/**
 * The web host: the same Host and UI as the desktop app, served to a browser on this machine. It serves
 * the built renderer over HTTP and carries the bridge over a websocket (`/bridge`), both on 127.0.0.1
 * only; the websocket needs the per-launch token of the printed URL and a page of this origin
 * (accessGuard.ts). Each tab is one bridge connection.
 */

export const defaultRendererDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/renderer')

/** Frames larger than this close the connection (a file added through the bridge is one frame). */
const maxFrameBytes = 256 * 1024 * 1024

export interface WebHostOptions {
  dataDir: string
  /** 0 (the default) picks a free port. */
  port?: number
  /** The built renderer; dist/renderer by default. */
  rendererDir?: string
  log?: Logger
  /** Settings, assistant, workflows, reviews (see electron/host/bridge/hostServices.ts). */
  services?: HostServices
  /** Other origins whose pages may open the bridge (the dev server's). */
  allowedOrigins?: string[]
}

export interface WebHost {
  /** http://127.0.0.1:PORT/?token=… — what to open in the browser. */
  readonly url: string
  readonly origin: string
  readonly port: number
  readonly token: string
  readonly host: Host
  readonly bridge: BridgeHost
  allowOrigin(origin: string): void
  close(): Promise<void>
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const log = (options.log ?? createLogger({ scope: 'web-host' })).child('web')
  const rendererDir = options.rendererDir ?? defaultRendererDir
  const host = await Host.open({ dataDir: options.dataDir, source: 'ui', log, backgroundSync: true, runCoworkers: true })
  const defaultServices = options.services === undefined ? createHostServices(host) : null
  const bridge = new BridgeHost({ host, runtime: 'web', log, services: options.services ?? defaultServices! })
  // Mentions, finished tasks and review requests reach the browser tab as `notification` events.
  const notifications = defaultServices === null ? null : NotificationFeed.start({ sessions: host, emit: defaultServices.emit, log })
  const token = newAccessToken()
  const guard = new AccessGuard(token)
  let csp = ''

  const server = createServer((request, response) => {
    const host = guard.checkHost(request)
    if (!host.ok) return answer(response, host.status, host.reason)
    if (new URL(request.url ?? '/', 'http://localhost').pathname === bridgeSocketPath) return answer(response, 426, 'the bridge is a websocket', { Upgrade: 'websocket' })
    serveStatic(request, response, rendererDir, csp).catch((error: unknown) => {
      log.error('serving a file failed', { error })
      if (!response.headersSent) answer(response, 500, 'could not serve the file')
      else response.destroy()
    })
  })
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes, perMessageDeflate: false })
  const connections = new Set<WebSocket>()

  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const verdict = guard.checkUpgrade(request, bridgeSocketPath)
    if (!verdict.ok) {
      log.warn('refused a bridge connection', { status: verdict.status, reason: verdict.reason })
      return refuseUpgrade(socket, verdict.status, verdict.reason)
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveBridge(ws))
  })

  function serveBridge(ws: WebSocket): void {
    connections.add(ws)
    const send = (frame: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeFrame(frame))
    }
    const connection: BridgeServer = bridge.connect((name: EventName, payload: unknown) => send({ kind: 'event', name, payload }))
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const frame = isBinary ? readFrame(data) : null
      if (frame === null) return ws.close(1007, 'malformed frame')
      // handle() applies doc messages before it returns a promise, so they apply in arrival order.
      void connection.handle(frame.name, frame.input).then((reply) => send(reply.ok ? { kind: 'result', id: frame.id, output: reply.output } : { kind: 'error', id: frame.id, error: reply.error }))
    })
    ws.on('error', (error) => log.info('a bridge socket failed', { error }))
    ws.on('close', () => {
      connections.delete(ws)
      connection.close()
    })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  }).catch(async (error: unknown) => {
    notifications?.close()
    bridge.close()
    await host.close()
    throw error
  })
  const port = (server.address() as AddressInfo).port
  const origin = `http://127.0.0.1:${port}`
  guard.allowOrigin(origin)
  guard.allowOrigin(`http://localhost:${port}`)
  for (const extra of options.allowedOrigins ?? []) guard.allowOrigin(extra)
  csp = contentSecurityPolicy([origin, `http://localhost:${port}`])

  let closing: Promise<void> | null = null
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    host,
    bridge,
    allowOrigin: (extra) => guard.allowOrigin(extra),
    close: () =>
      (closing ??= (async () => {
        for (const ws of connections) ws.close(1001, 'the Commons host is shutting down')
        sockets.close()
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
        notifications?.close()
        bridge.close()
        await host.close()
      })())
  }
}

function readFrame(data: RawData): { id: number; name: string; input: unknown } | null {
  try {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data
    const parsed = clientFrame.safeParse(decodeFrame(bytes))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

function refuseUpgrade(socket: Socket, status: number, reason: string): void {
  const statusText: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }
  const headers = Object.entries(commonHeaders).map(([name, value]) => `${name}: ${value}\r\n`)
  socket.end(
    `HTTP/1.1 ${status} ${statusText[status] ?? 'Refused'}\r\n` +
      'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      headers.join('') +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`
  )
}
