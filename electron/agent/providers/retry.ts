import type { Logger } from '../../../shared/log.ts'
import { abortedError, ModelError } from './modelErrors.ts'
import type { ModelStreamEvent, RetryReason } from './types.ts'

/**
 * Trying a model call again after a transient failure: exponential backoff with jitter, or exactly
 * what the server asked for in `retry-after`. Providers run their own loop (rather than the SDK's
 * `maxRetries`) so that every retry is reported to the UI and one policy covers HTTP errors and
 * errors that arrive inside a stream alike.
 */

/** Waits `ms`, or less when `signal` aborts (then resolves; the caller checks the signal). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

export interface RetryPolicy {
  /** Tries after the first; 0 turns retrying off. */
  maxRetries: number
  /** The first backoff delay; each later one doubles, up to maxDelayMs. */
  baseDelayMs: number
  maxDelayMs: number
  /** A `retry-after` longer than this is not waited for: the error goes to the caller, whose hint says how long. */
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 }

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })

/**
 * Delay before retry number `retry` (1-based): base·2^(retry-1), capped, then scaled by a random factor
 * in [0.5, 1) so that many coworkers hitting one limit do not come back in lockstep.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1))
  return Math.round(exponential * (0.5 + random() * 0.5))
}

export interface RetryOptions {
  policy: RetryPolicy
  sleep: Sleep
  random?: () => number
  signal?: AbortSignal
  /** Told before each wait. */
  onRetry?: (event: Extract<ModelStreamEvent, { type: 'retry' }>) => void
  log?: Logger
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not retryable, or runs out of retries.
 * `attempt` must throw ModelErrors (map the provider's errors inside it); anything else passes through.
 */
export async function withRetries<T>(attempt: (index: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, sleep, signal } = options
  for (let index = 0; ; index++) {
    try {
      return await attempt(index)
    } catch (error) {
      if (!(error instanceof ModelError) || !error.retryable) throw error
      if (index >= policy.maxRetries) throw index > 0 ? error.afterAttempts(index + 1) : error
      if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) throw error
      const retry = index + 1
      const delayMs = error.retryAfterMs ?? backoffDelayMs(retry, policy, options.random)
      options.log?.info('model call failed, retrying', { reason: error.reason, retry, delayMs, error: error.message })
      options.onRetry?.({ type: 'retry', attempt: retry, delayMs, reason: error.reason as RetryReason, message: error.message })
      await sleep(delayMs, signal)
      if (signal?.aborted) throw abortedError(signal.reason)
    }
  }
}
