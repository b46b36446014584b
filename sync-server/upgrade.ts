/**
 * Websocket upgrades on `/v1/sync/<room>`: every check (room name, token, workspace, connection limit,
 * shutdown) happens before the upgrade and refuses with a plain HTTP status; an accepted connection
 * joins its room once the room's stored state is loaded.
 */

import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { WebSocketServer } from 'ws'
import type { Logger } from '../shared/log.ts'
import type { AuthStore } from './auth-store.ts'
import { CloseCode } from './close-codes.ts'
import { SyncConnection, type ConnectionOptions } from './connection.ts'
import type { ConnectionTracker } from './connection-tracker.ts'
import { bearerToken, HttpError, refuseUpgrade } from './http-util.ts'
import type { RoomRegistry } from './room-registry.ts'
import type { Room } from './room.ts'
import { parseRoomName } from './room-name.ts'
import type { RefusalReason, SyncMetrics } from './sync-metrics.ts'

export interface UpgradeDeps {
  wss: WebSocketServer
  auth: AuthStore
  connections: ConnectionTracker
  rooms: RoomRegistry
  metrics: SyncMetrics
  logger: Logger
  maxConnectionsPerToken: number
  connectionOptions: ConnectionOptions
  isShuttingDown(): boolean
}

const syncPath = '/v1/sync/'

export function createUpgradeHandler(deps: UpgradeDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { auth, connections, rooms, metrics, logger } = deps

  const refuse = (socket: Duplex, reason: RefusalReason | undefined, error: HttpError) => {
    if (reason !== undefined) metrics.refusals.incWith({ reason })
    logger.debug('upgrade refused', { status: error.status, error: error.message })
    refuseUpgrade(socket, error)
  }

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', (error) => logger.debug('socket error before upgrade', { error }))
    if (deps.isShuttingDown()) return refuse(socket, 'shutting_down', new HttpError(503, 'the server is shutting down', 'reconnect in a moment'))

    // The raw path, not a normalized one: a room name is taken exactly as sent, or refused.
    const target = req.url ?? '/'
    const queryStart = target.indexOf('?')
    const path = queryStart === -1 ? target : target.slice(0, queryStart)
    const query = new URLSearchParams(queryStart === -1 ? '' : target.slice(queryStart + 1))
    if (!path.startsWith(syncPath)) return refuse(socket, undefined, new HttpError(404, 'no websocket endpoint here', `connect to ${syncPath}<room>`))
    const room = parseRoomName(path.slice(syncPath.length))
    if (room === undefined) {
      return refuse(socket, 'bad_room', new HttpError(400, 'bad room name', 'a room is <workspaceId>/<kind>/<id>, e.g. ws_.../channel/ch_... (see docs/sync-protocol.md)'))
    }

    const result = auth.authenticate(query.get('token') ?? bearerToken(req))
    if (!result.ok) {
      const hint = result.reason === 'revoked' ? 'this token was revoked; ask the workspace owner for a new invite' : 'connect with ?token=<a token of the workspace>'
      const message = result.reason === 'no_token' ? 'no token' : result.reason === 'revoked' ? 'token revoked' : 'unknown token'
      return refuse(socket, result.reason, new HttpError(401, message, hint))
    }
    const token = result.token
    if (token.workspaceId !== room.workspaceId) {
      return refuse(socket, 'wrong_workspace', new HttpError(403, 'this token belongs to another workspace', `use a token of ${room.workspaceId}`))
    }
    if (connections.countFor(token.tokenId) >= deps.maxConnectionsPerToken) {
      return refuse(socket, 'too_many_connections', new HttpError(429, `this token already has ${deps.maxConnectionsPerToken} connections`, 'close connections (one per open doc) before opening more'))
    }

    deps.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new SyncConnection(ws, { room: room.room, workspaceId: room.workspaceId, tokenId: token.tokenId }, deps.connectionOptions)
      connections.add(connection)
      metrics.connectionsOpened.inc()
      let joined: Room | undefined
      connection.onClose(() => {
        connections.remove(connection)
        if (joined !== undefined) rooms.leave(joined, connection)
      })
      rooms.join(room.room, connection).then(
        (entered) => {
          if (entered === undefined) return
          joined = entered
          connection.attach(entered)
        },
        (error: unknown) => {
          metrics.errors.incWith({ kind: 'load' })
          logger.error('loading a room failed', { room: room.room, error })
          connection.close(CloseCode.internalError, 'the server cannot load this room; reconnect later')
        }
      ).catch((error: unknown) => {
        metrics.errors.incWith({ kind: 'connection' })
        logger.error('joining a room failed', { room: room.room, error })
        connection.close(CloseCode.internalError, 'internal error; reconnect')
      })
    })
  }

  return (req, socket, head) => {
    try {
      handleUpgrade(req, socket, head)
    } catch (error) {
      metrics.errors.incWith({ kind: 'upgrade' })
      logger.error('handling an upgrade failed', { error })
      refuseUpgrade(socket, new HttpError(500, 'internal error', 'retry; if it persists, see the server log'))
    }
  }
}
