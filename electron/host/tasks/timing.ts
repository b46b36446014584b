/**
 * Time, as the task runner sees it: a clock and timers passed in, so leases, takeovers and renewals can
 * be tested with a clock a test moves by hand.
 */

export interface Clock {
  /** Milliseconds since the epoch. Lease times in task records are written with it. */
  now(): number
  setTimeout(callback: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

export type TimerHandle = { readonly timer: unknown }

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, Math.max(0, ms))
    // A pending renewal or takeover check must not keep a command-line process alive.
    timer.unref?.()
    return { timer }
  },
  clearTimeout(handle) {
    clearTimeout(handle.timer as ReturnType<typeof setTimeout>)
  }
}

/** How long leases last and how long the runner waits for things; every wait has a bound. */
export interface TaskTimings {
  /** A claim's lease. Another device may take the task over once it lapses. */
  leaseMs: number
  /** How often the holder renews its lease (a third of the lease by default). */
  renewEveryMs: number
  /** One wait for the sync server to agree (settling a claim, verifying before publishing). */
  syncTimeoutMs: number
  /** Between tries to reach the sync server while it is away. */
  syncRetryMs: number
  /**
   * How long a run waits for the sync server, in all, before it gives up on a claim it could not settle
   * or a result it could not publish. Its lease then lapses and a device that can reach the server redoes
   * the task.
   */
  maxOfflineWaitMs: number
  /**
   * How long a queued task waits for the device that created it before any device with a model may run
   * it (the creator may be a command-line process that exits, or a device that went away).
   */
  orphanAfterMs: number
  /** How long close() waits for runs to wind down. */
  closeTimeoutMs: number
}

export const defaultTimings: TaskTimings = {
  leaseMs: 30_000,
  renewEveryMs: 10_000,
  syncTimeoutMs: 10_000,
  syncRetryMs: 2_000,
  maxOfflineWaitMs: 60 * 60_000,
  orphanAfterMs: 60_000,
  closeTimeoutMs: 5_000
}

/** The timings with `overrides`; the renewal period follows a changed lease unless it is given too. */
export function resolveTimings(overrides: Partial<TaskTimings> = {}): TaskTimings {
  const leaseMs = overrides.leaseMs ?? defaultTimings.leaseMs
  return { ...defaultTimings, renewEveryMs: Math.max(1, Math.floor(leaseMs / 3)), ...overrides, leaseMs }
}

/** Resolves after `ms` on `clock`, or as soon as `signal` aborts. Never rejects. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clock.clearTimeout(handle)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const handle = clock.setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
