/**
 * The rooms loaded in memory: loads a room's stored state before anyone is let in (so the first reply
 * already holds it: yjs/y-websocket #81), shares one load among connections that arrive together, and
 * evicts a room once it has had no connections for a while and everything it holds is written.
 */

import * as Y from 'yjs'
import type { Logger } from '../shared/log.ts'
import type { LogSyncer } from './log-syncer.ts'
import { Room, type RoomPeer } from './room.ts'
import { RoomWriter, type RoomWriterOptions } from './room-writer.ts'
import type { SyncMetrics } from './sync-metrics.ts'
import type { UpdateLog } from './update-log.ts'

export interface RoomRegistryOptions {
  log: UpdateLog
  syncer: LogSyncer
  metrics: SyncMetrics
  logger: Logger
  evictAfterMs: number
  /** Passed to each room's writer (compaction thresholds, retry delays). */
  writer?: Pick<RoomWriterOptions, 'compactAfterEntries' | 'compactAfterBytes' | 'retryDelaysMs'>
}

export class RoomRegistry {
  private readonly loading = new Map<string, Promise<Room>>()
  private readonly rooms = new Map<string, Room>()
  private readonly evictionTimers = new Map<Room, NodeJS.Timeout>()

  constructor(private readonly options: RoomRegistryOptions) {}

  get loadedCount(): number {
    return this.rooms.size
  }

  /** Rooms whose writes fail; every loaded room while fsyncs fail. */
  get failingCount(): number {
    if (this.options.syncer.failing) return this.rooms.size
    let count = 0
    for (const room of this.rooms.values()) if (room.writer.failing) count++
    return count
  }

  /**
   * Puts `peer` into the room `name`, loading the room first when needed. Resolves with the room, or
   * with undefined when the peer closed while the room loaded. Rejects when the room cannot be loaded.
   */
  async join(name: string, peer: RoomPeer): Promise<Room | undefined> {
    for (;;) {
      const room = await this.acquire(name)
      if (!peer.isOpen) return undefined
      // Evicted between the load and now: load again. (Nothing can interleave from here to `join`.)
      if (room.isDestroyed) continue
      this.cancelEviction(room)
      room.join(peer)
      return room
    }
  }

  leave(room: Room, peer: RoomPeer): void {
    room.leave(peer)
    if (room.connectionCount === 0) this.scheduleEviction(room)
  }

  /** Resolves when every loaded room has written all it holds, or after `timeoutMs`; returns the rooms that did not finish. */
  async flushAll(timeoutMs: number): Promise<string[]> {
    const unfinished = new Set(this.rooms.keys())
    const flushes = [...this.rooms.values()].map((room) => room.writer.flush().then(() => unfinished.delete(room.name)))
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))
    await Promise.race([Promise.all(flushes), timeout])
    clearTimeout(timer)
    return [...unfinished]
  }

  /** Stops every room's writer and drops every room (for shutdown, after `flushAll`). */
  closeAll(): void {
    for (const timer of this.evictionTimers.values()) clearTimeout(timer)
    this.evictionTimers.clear()
    for (const room of this.rooms.values()) {
      const unwritten = room.writer.stop()
      if (unwritten > 0) this.options.logger.error('shutting down with updates not yet written; clients heal them on reconnect', { room: room.name, unwritten })
      room.destroy()
    }
    this.rooms.clear()
  }

  private acquire(name: string): Promise<Room> {
    const loaded = this.rooms.get(name)
    if (loaded !== undefined) return Promise.resolve(loaded)
    let loading = this.loading.get(name)
    if (loading === undefined) {
      loading = this.load(name).finally(() => this.loading.delete(name))
      this.loading.set(name, loading)
    }
    return loading
  }

  private async load(name: string): Promise<Room> {
    const { log, metrics, logger } = this.options
    const stored = await log.load(name)
    const doc = new Y.Doc()
    Y.transact(doc, () => {
      for (const update of stored.updates) {
        try {
          Y.applyUpdate(doc, update)
        } catch (error) {
          // Keep serving what can be read; the clients' copies still hold the rest.
          metrics.errors.incWith({ kind: 'load' })
          logger.error('skipping a stored update that does not apply', { room: name, error })
        }
      }
    })
    const writer = new RoomWriter(name, stored, {
      ...this.options.writer,
      log,
      syncer: this.options.syncer,
      metrics,
      logger,
      snapshot: () => Y.encodeStateAsUpdate(doc)
    })
    const room = new Room(name, doc, writer)
    this.rooms.set(name, room)
    // Evicted after a while unless someone joins (join cancels this).
    this.scheduleEviction(room)
    logger.debug('room loaded', { room: name, entries: stored.updates.length, bytes: stored.bytes })
    return room
  }

  private scheduleEviction(room: Room): void {
    this.cancelEviction(room)
    const timer = setTimeout(() => {
      this.evictionTimers.delete(room)
      void this.evict(room)
    }, this.options.evictAfterMs)
    timer.unref()
    this.evictionTimers.set(room, timer)
  }

  private cancelEviction(room: Room): void {
    const timer = this.evictionTimers.get(room)
    if (timer === undefined) return
    clearTimeout(timer)
    this.evictionTimers.delete(room)
  }

  private async evict(room: Room): Promise<void> {
    if (room.connectionCount > 0 || room.isDestroyed) return
    // Write everything first, compacted, so the next load is one read. A room whose writes fail stays.
    await room.writer.flush({ compact: true })
    if (room.connectionCount > 0 || room.isDestroyed || !room.writer.idle || room.writer.failing) return
    if (this.evictionTimers.has(room)) return
    this.rooms.delete(room.name)
    room.writer.stop()
    room.destroy()
    this.options.logger.debug('room evicted', { room: room.name })
  }
}
