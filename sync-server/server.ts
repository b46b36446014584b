/**
 * `commons-sync`: the Commons sync server. Wires the parts together and runs their lifecycle.
 *
 *   HTTP server ── http-api.ts (workspaces, invites, tokens, blobs, health, metrics, admin)
 *               └─ upgrade.ts (auth before upgrade) ─> connection.ts ─> room-registry.ts ─> room.ts
 *                                                              room-writer.ts (per room) ─> update-log.ts (LevelDB)
 *                                                              log-syncer.ts (shared fsync for the write barrier)
 *
 * The contract is docs/sync-protocol.md.
 */

import { mkdir } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { WebSocketServer } from 'ws'
import { createLogger, type Logger } from '../shared/log.ts'
import { AuthStore } from './auth-store.ts'
import { BlobStore } from './blob-store.ts'
import { CloseCode } from './close-codes.ts'
import { ConnectionTracker } from './connection-tracker.ts'
import { openDatabase } from './database.ts'
import { loadOrCreateAdminToken, removeServerInfo, writeServerInfo } from './data-dir.ts'
import { LogSyncer } from './log-syncer.ts'
import { createHttpApi } from './http-api.ts'
import { resolveLimits, type SyncServerLimits } from './limits.ts'
import { RoomRegistry } from './room-registry.ts'
import { sha256Hex } from './secrets.ts'
import { createSyncMetrics } from './sync-metrics.ts'
import { LevelUpdateLog } from './update-log.ts'
import { createUpgradeHandler } from './upgrade.ts'

export type { SyncServerLimits } from './limits.ts'
export type { Logger } from '../shared/log.ts'

export interface SyncServerOptions {
  dataDir: string
  /** 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  limits?: Partial<SyncServerLimits>
  /** When set, registering a workspace needs this secret as the bearer token. */
  registrationSecret?: string
  log?: Logger
}

export interface SyncServer {
  /** `http://HOST:PORT`; websocket clients use `ws://HOST:PORT/v1/sync`. */
  readonly url: string
  readonly port: number
  readonly adminToken: string
  /** Graceful: stops accepting, flushes every doc, closes connections with 1001, closes the database. */
  close(): Promise<void>
}

/** How long shutdown waits for writes before giving up on them (clients heal them on reconnect). */
const flushTimeoutMs = 10_000

export async function startSyncServer(options: SyncServerOptions): Promise<SyncServer> {
  const logger = options.log ?? createLogger({ scope: 'sync-server' })
  const limits = resolveLimits(options.limits)
  const startedAt = Date.now()
  const host = options.host ?? '127.0.0.1'

  await mkdir(options.dataDir, { recursive: true, mode: 0o700 })
  const adminToken = await loadOrCreateAdminToken(options.dataDir)
  const db = await openDatabase(join(options.dataDir, 'db'))
  let shuttingDown = false
  let httpServer: Server | undefined
  let syncer: LogSyncer | undefined
  try {
    const auth = await AuthStore.open(db)
    const blobs = new BlobStore(join(options.dataDir, 'blobs'), db)
    await blobs.init()
    const connections = new ConnectionTracker()
    // The registry is made after the metrics, whose gauges read it.
    let rooms: RoomRegistry | undefined
    const metrics = createSyncMetrics({
      connections: () => connections.size,
      roomsLoaded: () => rooms?.loadedCount ?? 0,
      roomsFailingWrites: () => rooms?.failingCount ?? 0,
      uptimeSeconds: () => Math.round((Date.now() - startedAt) / 1000)
    })
    const updateLog = new LevelUpdateLog(db)
    const logSyncer = new LogSyncer({ sync: () => updateLog.sync(), metrics, logger: logger.child('disk') })
    syncer = logSyncer
    const registry = new RoomRegistry({
      log: updateLog,
      syncer: logSyncer,
      metrics,
      logger: logger.child('rooms'),
      evictAfterMs: limits.evictAfterSeconds * 1000
    })
    rooms = registry

    const revokeToken = async (tokenId: string) => {
      const revoked = await auth.revoke(tokenId)
      if (revoked === undefined) return undefined
      const live = connections.forToken(tokenId)
      for (const connection of live) connection.close(CloseCode.revoked, 'token revoked')
      logger.info('token revoked', { tokenId, closedConnections: live.length })
      return { revokedAt: revoked.revokedAt, closedConnections: live.length }
    }

    const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes, perMessageDeflate: false, clientTracking: false })
    const server = createServer(
      createHttpApi({
        auth,
        blobs,
        connections,
        metrics,
        limits,
        logger: logger.child('http'),
        adminTokenHash: sha256Hex(adminToken),
        registrationSecretHash: options.registrationSecret === undefined ? undefined : sha256Hex(options.registrationSecret),
        revokeToken,
        health: () => ({
          shuttingDown,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          docsLoaded: registry.loadedCount,
          connections: connections.size,
          roomsFailingWrites: registry.failingCount
        })
      })
    )
    httpServer = server
    server.on('upgrade', createUpgradeHandler({
      wss,
      auth,
      connections,
      rooms: registry,
      metrics,
      logger: logger.child('ws'),
      maxConnectionsPerToken: limits.maxConnectionsPerToken,
      isShuttingDown: () => shuttingDown,
      connectionOptions: {
        maxMessagesPerSecond: limits.maxMessagesPerSecond,
        idleTimeoutMs: limits.idleTimeoutSeconds * 1000,
        maxBufferedBytes: Math.max(64 * 1024 * 1024, 4 * limits.maxFrameBytes),
        metrics,
        logger: logger.child('ws')
      }
    }))
    server.on('clientError', (error, socket) => {
      logger.debug('bad HTTP request', { error })
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
      socket.destroy()
    })

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    server.on('error', (error) => logger.error('HTTP server error', { error }))
    const port = (server.address() as AddressInfo).port
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
    const url = `http://${urlHost}:${port}`
    await writeServerInfo(options.dataDir, { url, port, host, pid: process.pid, startedAt: new Date(startedAt).toISOString() })
    logger.info('listening', { url, dataDir: options.dataDir })

    let closing: Promise<void> | undefined
    const close = async (): Promise<void> => {
      shuttingDown = true
      // Stop accepting: no new TCP connections; idle keep-alive ones go now, busy ones after their answer.
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      // Take no more input, write what is queued (step-1 answers waiting on the barrier go out), then close.
      const live = connections.all()
      for (const connection of live) connection.stopReading()
      const unfinished = await registry.flushAll(flushTimeoutMs)
      if (unfinished.length > 0) logger.error('shutdown could not write every room in time; clients heal them on reconnect', { rooms: unfinished })
      const synced = await withTimeout(logSyncer.flush(), flushTimeoutMs)
      if (!synced) logger.error('shutdown could not fsync the database in time')
      for (const connection of live) connection.close(CloseCode.shuttingDown, 'server shutting down')
      await waitUntil(() => connections.size === 0, 2000)
      for (const connection of connections.all()) connection.terminate()
      registry.closeAll()
      logSyncer.stop()
      server.closeAllConnections()
      await serverClosed
      await db.close()
      await removeServerInfo(options.dataDir, process.pid, url).catch((error: unknown) => logger.warn('could not remove server.json', { error }))
      logger.info('stopped')
    }

    return {
      url,
      port,
      adminToken,
      close: () => (closing ??= close())
    }
  } catch (error) {
    syncer?.stop()
    httpServer?.close()
    await db.close()
    throw error
  }
}

/** Whether `promise` settled within `timeoutMs`. */
async function withTimeout(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))
  try {
    return await Promise.race([promise.then(() => true), timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
}
