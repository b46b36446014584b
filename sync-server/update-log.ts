/**
 * Each room's stored state: a log of Yjs updates under `doc!<room>!<seq>`, now and then compacted into
 * one merged update. Appends and compactions are single LevelDB batches, so a batch is stored wholly or
 * not at all.
 *
 * They are written without fsync: once LevelDB has written a batch to its log (the promise resolved) it
 * survives a crash of this process, kill -9 included. `sync()` makes every earlier write durable against
 * a crash of the machine too; log-syncer.ts calls it for the write barrier (one fsync covers all rooms).
 */

import { prefixRange, type Database } from './database.ts'

export interface StoredLog {
  updates: Uint8Array[]
  /** Sequence number of the first stored entry (equal to `nextSeq` when there is none). */
  firstSeq: number
  nextSeq: number
  bytes: number
}

/** What a room writer needs from storage; tests pass fakes that fail or stall. */
export interface UpdateLog {
  load(room: string): Promise<StoredLog>
  /** Stores `updates` as entries `firstSeq, firstSeq + 1, ...`. */
  append(room: string, firstSeq: number, updates: readonly Uint8Array[]): Promise<void>
  /** Stores `merged` as entry `mergedSeq` and deletes the entries `[deleteFrom, mergedSeq)` it replaces. */
  compact(room: string, merged: Uint8Array, deleteFrom: number, mergedSeq: number): Promise<void>
  /** Makes every write that completed before it durable (fsync of the database log). */
  sync(): Promise<void>
}

const seqWidth = 16

function roomPrefix(room: string): string {
  return `doc!${room}!`
}

function entryKey(room: string, seq: number): string {
  return roomPrefix(room) + seq.toString(16).padStart(seqWidth, '0')
}

export class LevelUpdateLog implements UpdateLog {
  constructor(private readonly db: Database) {}

  async load(room: string): Promise<StoredLog> {
    const prefix = roomPrefix(room)
    const updates: Uint8Array[] = []
    let firstSeq: number | undefined
    let lastSeq = -1
    let bytes = 0
    for await (const [key, value] of this.db.iterator(prefixRange(prefix))) {
      const seq = Number.parseInt(key.slice(prefix.length), 16)
      firstSeq ??= seq
      lastSeq = seq
      updates.push(value)
      bytes += value.byteLength
    }
    return { updates, firstSeq: firstSeq ?? 0, nextSeq: lastSeq + 1, bytes }
  }

  async append(room: string, firstSeq: number, updates: readonly Uint8Array[]): Promise<void> {
    const operations = updates.map((value, index) => ({ type: 'put' as const, key: entryKey(room, firstSeq + index), value }))
    await this.db.batch(operations, { sync: false })
  }

  async compact(room: string, merged: Uint8Array, deleteFrom: number, mergedSeq: number): Promise<void> {
    const batch = this.db.batch()
    for (let seq = deleteFrom; seq < mergedSeq; seq++) batch.del(entryKey(room, seq))
    batch.put(entryKey(room, mergedSeq), merged)
    await batch.write({ sync: false })
  }

  async sync(): Promise<void> {
    // LevelDB has no bare fsync: a synced write syncs its log, and so every record written before it.
    await this.db.put('meta!synced', new TextEncoder().encode(new Date().toISOString()), { sync: true })
  }
}
