/**
 * Writes one room's updates to its log: batched, in order, and retried until they are on disk.
 *
 * Every update the room accepts is queued here right after it is applied in memory. One write is in
 * flight at a time; whatever arrives meanwhile goes out together in the next batch. `whenDurable` is
 * the write barrier of docs/sync-protocol.md: the room answers a sync step 1 only once everything
 * queued before it is written and fsynced (by the shared LogSyncer). A failed write is logged, counted
 * and retried with backoff; until it succeeds the room stops acknowledging (its barrier waits), so no
 * client is told "stored" falsely.
 */

import type { Logger } from '../shared/log.ts'
import type { LogSyncer } from './log-syncer.ts'
import type { SyncMetrics } from './sync-metrics.ts'
import type { StoredLog, UpdateLog } from './update-log.ts'

export interface RoomWriterOptions {
  log: UpdateLog
  syncer: LogSyncer
  metrics: Pick<SyncMetrics, 'persistWriteSeconds' | 'persistFailures'>
  logger: Logger
  /** The room's full state as one update (for compaction); must include everything queued so far. */
  snapshot: () => Uint8Array
  /** Compact once the log holds this many entries... */
  compactAfterEntries?: number
  /** ...or this many bytes of updates since the last compaction. */
  compactAfterBytes?: number
  /** Waits between retries of a failed write, in ms; the last one repeats. */
  retryDelaysMs?: readonly number[]
}

interface Waiter {
  target: number
  resolve: () => void
}

export class RoomWriter {
  /** Updates queued since the room was loaded. */
  private enqueuedCount = 0
  /** Of those, how many are on disk. */
  private storedCount = 0
  private queue: Uint8Array[] = []
  private waiters: Waiter[] = []
  private idleWaiters: Array<() => void> = []
  private writing = false
  private compactRequested = false
  private failures = 0
  private stopped = false
  private retryTimer: { cancel: () => void } | undefined
  private firstSeq: number
  private nextSeq: number
  private bytesSinceCompaction: number
  /** The syncer's epoch of this room's latest write. */
  private lastWriteEpoch = 0

  constructor(private readonly room: string, stored: Pick<StoredLog, 'firstSeq' | 'nextSeq' | 'bytes'>, private readonly options: RoomWriterOptions) {
    this.firstSeq = stored.firstSeq
    this.nextSeq = stored.nextSeq
    this.bytesSinceCompaction = stored.bytes
    // A log left long (by a crash, or by a server that never compacted) is compacted on the first write.
    if (this.entries > this.compactAfterEntries) this.compactRequested = true
  }

  get entries(): number {
    return this.nextSeq - this.firstSeq
  }

  get enqueued(): number {
    return this.enqueuedCount
  }

  get stored(): number {
    return this.storedCount
  }

  /** True while the last write attempt failed. */
  get failing(): boolean {
    return this.failures > 0
  }

  get idle(): boolean {
    return !this.writing && this.queue.length === 0 && !this.compactRequested
  }

  enqueue(update: Uint8Array): void {
    if (this.stopped) throw new Error(`room ${this.room} was closed; its writer takes no more updates`)
    this.queue.push(update)
    this.enqueuedCount += 1
    this.bytesSinceCompaction += update.byteLength
    this.startWriting()
  }

  /** Resolves once the first `target` queued updates are stored; undefined when they already are. */
  whenStored(target: number = this.enqueuedCount): Promise<void> | undefined {
    if (this.storedCount >= target) return undefined
    return new Promise((resolve) => this.waiters.push({ target, resolve }))
  }

  /** Resolves once the first `target` queued updates are stored and fsynced; undefined when they already are. */
  whenDurable(target: number = this.enqueuedCount): Promise<void> | undefined {
    const stored = this.whenStored(target)
    if (stored === undefined) return this.options.syncer.whenSynced(this.lastWriteEpoch)
    // By the time `target` is stored, this room's latest write is the one that stored it or a later one.
    return stored.then(() => this.options.syncer.whenSynced(this.lastWriteEpoch))
  }

  /** Resolves when everything queued so far is stored (after a compaction, when `compact` is set), or the writer stops. */
  async flush({ compact = false } = {}): Promise<void> {
    if (compact && this.entries + this.queue.length > 1) {
      this.compactRequested = true
      this.startWriting()
    }
    while (!this.idle && !this.stopped) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve))
    }
  }

  /** Stops writing and retrying; returns how many updates stay unwritten (clients heal them on reconnect). */
  stop(): number {
    this.stopped = true
    this.retryTimer?.cancel()
    return this.queue.length
  }

  private startWriting(): void {
    if (this.writing || this.stopped) return
    this.writing = true
    // Let the updates of this turn of the event loop join the first batch.
    setImmediate(() => void this.writeLoop())
  }

  private async writeLoop(): Promise<void> {
    while (!this.stopped && (this.queue.length > 0 || this.compactRequested)) {
      const batch = this.queue
      this.queue = []
      const compact = this.compactRequested || this.entries + batch.length > this.compactAfterEntries || this.bytesSinceCompaction > this.compactAfterBytes
      const started = performance.now()
      try {
        if (compact) {
          // The snapshot already holds `batch`: updates are applied in memory before they are queued.
          const merged = this.options.snapshot()
          await this.options.log.compact(this.room, merged, this.firstSeq, this.nextSeq)
          this.firstSeq = this.nextSeq
          this.nextSeq += 1
          this.bytesSinceCompaction = merged.byteLength
          this.compactRequested = false
        } else {
          await this.options.log.append(this.room, this.nextSeq, batch)
          this.nextSeq += batch.length
        }
      } catch (error) {
        this.queue = batch.concat(this.queue)
        this.failures += 1
        this.options.metrics.persistFailures.inc()
        this.options.logger.error('writing updates to disk failed; the room stops acknowledging until a retry succeeds', {
          room: this.room,
          attempt: this.failures,
          queued: this.queue.length,
          error
        })
        await this.waitBeforeRetry()
        continue
      }
      this.options.metrics.persistWriteSeconds.observe((performance.now() - started) / 1000)
      if (this.failures > 0) this.options.logger.warn('writing updates to disk works again', { room: this.room, after: this.failures })
      this.failures = 0
      this.lastWriteEpoch = this.options.syncer.noteWrite()
      this.storedCount += batch.length
      this.releaseWaiters()
    }
    this.writing = false
    for (const resolve of this.idleWaiters.splice(0)) resolve()
  }

  private releaseWaiters(): void {
    // Targets only grow, so the satisfied waiters are a prefix.
    while (this.waiters.length > 0 && this.waiters[0]!.target <= this.storedCount) this.waiters.shift()!.resolve()
  }

  private waitBeforeRetry(): Promise<void> {
    const delays = this.options.retryDelaysMs ?? [100, 500, 1000, 2000, 5000]
    const delay = delays[Math.min(this.failures - 1, delays.length - 1)] ?? 1000
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.retryTimer = undefined
        resolve()
      }, delay)
      this.retryTimer = {
        cancel: () => {
          clearTimeout(timer)
          resolve()
        }
      }
    })
  }

  private get compactAfterEntries(): number {
    return this.options.compactAfterEntries ?? 500
  }

  private get compactAfterBytes(): number {
    return this.options.compactAfterBytes ?? 8 * 1024 * 1024
  }
}
