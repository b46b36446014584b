/**
 * Makes written updates durable against a machine crash: fsyncs the database log on demand, coalescing
 * every request that arrives while one fsync runs into the next (group commit across all rooms), and
 * once a second when something was written since the last one.
 *
 * Writes count up ("epochs"): a writer notes each completed write and may then wait until an fsync that
 * started after it has completed. A failed fsync is logged, counted and retried; until one succeeds
 * nobody waiting is released, so rooms stop acknowledging (the write barrier holds).
 */

import type { Logger } from '../shared/log.ts'
import type { SyncMetrics } from './sync-metrics.ts'

export interface LogSyncerOptions {
  sync: () => Promise<void>
  metrics: Pick<SyncMetrics, 'persistSyncSeconds' | 'persistFailures'>
  logger: Logger
  /** How often to sync writes nobody waits for; 0 turns it off. */
  intervalMs?: number
  retryDelaysMs?: readonly number[]
}

interface Waiter {
  epoch: number
  resolve: () => void
}

export class LogSyncer {
  private written = 0
  private synced = 0
  private waiters: Waiter[] = []
  private running = false
  private failures = 0
  private stopped = false
  private readonly interval: NodeJS.Timeout | undefined
  private retry: { timer: NodeJS.Timeout; resolve: () => void } | undefined

  constructor(private readonly options: LogSyncerOptions) {
    const intervalMs = options.intervalMs ?? 1000
    if (intervalMs > 0) {
      this.interval = setInterval(() => void this.whenSynced(this.written), intervalMs)
      this.interval.unref()
    }
  }

  /** True while the last fsync failed. */
  get failing(): boolean {
    return this.failures > 0
  }

  /** Records one completed write; returns its epoch. */
  noteWrite(): number {
    this.written += 1
    return this.written
  }

  /** Resolves once the write of `epoch` (and every one before it) is fsynced; undefined when it already is. */
  whenSynced(epoch: number): Promise<void> | undefined {
    if (epoch <= this.synced) return undefined
    const promise = new Promise<void>((resolve) => this.waiters.push({ epoch, resolve }))
    this.start()
    return promise
  }

  /** Resolves when every write noted so far is fsynced (or the syncer stopped). */
  async flush(): Promise<void> {
    await this.whenSynced(this.written)
  }

  stop(): void {
    this.stopped = true
    clearInterval(this.interval)
    if (this.retry !== undefined) {
      clearTimeout(this.retry.timer)
      this.retry.resolve()
    }
    for (const waiter of this.waiters.splice(0)) waiter.resolve()
  }

  private start(): void {
    if (this.running || this.stopped) return
    this.running = true
    void this.loop()
  }

  private async loop(): Promise<void> {
    while (!this.stopped && this.waiters.length > 0) {
      // Everything written up to now is covered by an fsync that starts now.
      const target = this.written
      const started = performance.now()
      try {
        await this.options.sync()
      } catch (error) {
        this.failures += 1
        this.options.metrics.persistFailures.inc()
        this.options.logger.error('syncing the database to disk failed; rooms stop acknowledging until a retry succeeds', { attempt: this.failures, error })
        await this.waitBeforeRetry()
        continue
      }
      this.options.metrics.persistSyncSeconds.observe((performance.now() - started) / 1000)
      if (this.failures > 0) this.options.logger.warn('syncing the database to disk works again', { after: this.failures })
      this.failures = 0
      this.synced = Math.max(this.synced, target)
      const waiting = this.waiters
      this.waiters = []
      for (const waiter of waiting) {
        if (waiter.epoch <= this.synced) waiter.resolve()
        else this.waiters.push(waiter)
      }
    }
    this.running = false
  }

  private waitBeforeRetry(): Promise<void> {
    const delays = this.options.retryDelaysMs ?? [100, 500, 1000, 2000, 5000]
    const delay = delays[Math.min(this.failures - 1, delays.length - 1)] ?? 1000
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.retry = undefined
        resolve()
      }, delay)
      this.retry = { timer, resolve }
    })
  }
}
