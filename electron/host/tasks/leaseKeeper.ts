import type * as Y from 'yjs'
import type { Logger } from '../../../shared/log.ts'
import type { OperationContext } from '../../../shared/operations/context.ts'
import { renewLease } from '../../../shared/operations/tasks.ts'
import type { Clock, TimerHandle } from './timing.ts'

/**
 * Keeps a run's lease alive: renews it every `renewEveryMs` while the run works, waits for sync or
 * publishes. A renewal that fails because another run holds the claim means this run lost: `onLost` is
 * called once and renewing stops.
 */
export class LeaseKeeper {
  #timer: TimerHandle | null = null
  #stopped = false

  constructor(
    private readonly options: {
      root: Y.Doc
      taskId: string
      runId: string
      leaseMs: number
      renewEveryMs: number
      clock: Clock
      context: OperationContext
      onLost(reason: string): void
      log: Logger
    }
  ) {}

  start(): void {
    this.#schedule()
  }

  /** Renews now; false when the claim is no longer this run's. */
  renew(): boolean {
    const { root, taskId, runId, leaseMs, context } = this.options
    try {
      renewLease(root, { taskId, runId, leaseMs }, context)
      return true
    } catch (error) {
      this.stop()
      this.options.onLost(error instanceof Error ? error.message : String(error))
      return false
    }
  }

  /**
   * Gives the lease up: it lapses now, so another device may take the task over at once. For a run that
   * ends without finishing its task (the device is closing, or it could not reach the server for too long).
   */
  release(): void {
    this.stop()
    const { root, taskId, runId, context, log } = this.options
    try {
      renewLease(root, { taskId, runId, leaseMs: 0 }, context)
    } catch (error) {
      // Not ours any more: nothing to give up.
      log.debug('the lease was not ours to release', { taskId, error })
    }
  }

  stop(): void {
    this.#stopped = true
    if (this.#timer !== null) this.options.clock.clearTimeout(this.#timer)
    this.#timer = null
  }

  #schedule(): void {
    if (this.#stopped) return
    this.#timer = this.options.clock.setTimeout(() => {
      this.#timer = null
      if (this.#stopped) return
      if (this.renew()) this.#schedule()
    }, this.options.renewEveryMs)
  }
}
