import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type * as Y from 'yjs'
import { silentLogger, type Logger } from '../../../shared/log.ts'
import { readRecord } from '../../../shared/model/records.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { TaskRecord } from '../../../shared/model/types.ts'
import { operationContext } from '../../../shared/operations/context.ts'
import { settleStoppedTask } from '../../../shared/operations/tasks.ts'
import type { AgentClient } from '../agent/agentClient.ts'
import type { ModelSettings } from '../settings/modelSettingsTypes.ts'
import type { ToolRegistry } from '../tools/toolTypes.ts'
import { applyReviewPolicy } from '../workflows/review.ts'
import type { SyncStatus, WorkspaceSession } from '../workspaceSession.ts'
import type { ContextLimits } from './contextAssembly.ts'
import { stepFor } from './eligibility.ts'
import { replyThreadOf, withdrawDuplicateReplies } from './publish.ts'
import { TaskRun, type ReviewHook, type RunEnd } from './taskRun.ts'
import { resolveTimings, systemClock, type Clock, type TaskTimings, type TimerHandle } from './timing.ts'

/**
 * The coworker task runner of one open workspace on this device (design section 5). It watches the
 * root doc's tasks and runs the ones that are this device's to run: a queued task this device created,
 * and a running task whose lease lapsed (a takeover, only on a device with a model configured). A stop
 * request from any device reaches the run through the task record. See taskRun.ts for one run's steps.
 *
 * The Host starts one per open WorkspaceSession on a device that has an agent client, a tool registry
 * and model settings, and closes it before the session closes:
 *
 *   const runner = TaskRunner.start(session, { agent, tools, models })
 *   …
 *   await runner.close()   // aborts runs, gives their leases up, publishes nothing half-done
 */

export interface TaskRunnerServices {
  agent: AgentClient
  tools: ToolRegistry
  models: ModelSettings
  /** The clock and timers leases are measured with. Default: the system's. */
  clock?: Clock
  timings?: Partial<TaskTimings>
  /** Applied after a workflow task with review on succeeded. Default: workflows/review.ts applyReviewPolicy. */
  review?: ReviewHook | null
  log?: Logger
  /** Runs at once on this device; more wait their turn. Default 4. */
  maxConcurrentRuns?: number
  /** Fresh ids for runs. Default: random. */
  newRunId?: () => string
  contextLimits?: Partial<ContextLimits>
  /** Output tokens per model turn at most (default 8,192). */
  maxOutputTokensPerTurn?: number
}

export interface TaskRunnerEvents {
  /** A run started on this device. */
  'run-started': [taskId: string, runId: string]
  /** A run on this device ended, and how. */
  'run-ended': [taskId: string, runId: string, end: RunEnd]
}

/** How long this device keeps an eye on a reply it published, to withdraw it if an earlier duplicate shows up. */
const duplicateWatchMs = 15 * 60_000

export class TaskRunner extends EventEmitter<TaskRunnerEvents> {
  readonly #session: WorkspaceSession
  readonly #services: Required<Pick<TaskRunnerServices, 'agent' | 'tools' | 'models'>> & TaskRunnerServices
  readonly #clock: Clock
  readonly #timings: TaskTimings
  readonly #log: Logger
  readonly #review: ReviewHook | null
  readonly #maxRuns: number
  readonly #runs = new Map<string, TaskRun>()
  /** Tasks ready to run, waiting for a free slot, in order. */
  readonly #waiting: string[] = []
  /** When to look at a task again (its lease lapses then). */
  readonly #timers = new Map<string, TimerHandle>()
  readonly #dirty = new Set<string>()
  /** Replies this device published lately: task id → where, by which run, until when to watch. */
  readonly #published = new Map<string, { channelId: string; thread: string | null; runId: string; coworkerId: string; until: number }>()
  #flushing = false
  #closed = false
  readonly #observer: (events: Array<Y.YEvent<any>>) => void
  readonly #onStatus: (status: SyncStatus) => void

  private constructor(session: WorkspaceSession, services: TaskRunnerServices) {
    super()
    this.#session = session
    this.#services = services
    this.#clock = services.clock ?? systemClock
    this.#timings = resolveTimings(services.timings)
    this.#log = (services.log ?? silentLogger).child('tasks')
    this.#review = services.review === undefined ? (target, task) => applyReviewPolicy(target, task, { log: this.#log }) : services.review
    this.#maxRuns = Math.max(1, services.maxConcurrentRuns ?? 4)
    this.#observer = (events) => {
      const tasks = rootCollections(this.#session.root).tasks
      for (const event of events) {
        if (event.target === tasks) for (const key of (event as Y.YMapEvent<unknown>).keysChanged) this.#markDirty(key)
        else if (typeof event.path[0] === 'string') this.#markDirty(event.path[0])
      }
    }
    this.#onStatus = (status) => {
      if (status === 'synced') this.#markAllOpen()
    }
  }

  /** Starts watching the workspace's tasks and runs the ones this device should. */
  static start(session: WorkspaceSession, services: TaskRunnerServices): TaskRunner {
    const runner = new TaskRunner(session, services)
    rootCollections(session.root).tasks.observeDeep(runner.#observer)
    session.on('status', runner.#onStatus)
    runner.#markAllOpen()
    return runner
  }

  /** The tasks running on this device now. */
  get runningTaskIds(): string[] {
    return [...this.#runs.keys()]
  }

  /** True when nothing runs or waits to run on this device. */
  get idle(): boolean {
    return this.#runs.size === 0 && this.#waiting.length === 0 && this.#dirty.size === 0 && !this.#flushing
  }

  /** Aborts every run (they publish nothing and give their leases up) and stops watching. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    rootCollections(this.#session.root).tasks.unobserveDeep(this.#observer)
    this.#session.off('status', this.#onStatus)
    for (const handle of this.#timers.values()) this.#clock.clearTimeout(handle)
    this.#timers.clear()
    this.#waiting.length = 0
    const runs = [...this.#runs.values()]
    for (const run of runs) run.close()
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#timings.closeTimeoutMs)))
    await Promise.race([Promise.allSettled(runs.map((run) => run.done)), timeout])
    clearTimeout(timer)
    this.removeAllListeners()
  }

  #markAllOpen(): void {
    for (const [taskId, record] of rootCollections(this.#session.root).tasks) {
      const status = record.get('status')
      if (status === 'queued' || status === 'running' || this.#published.has(taskId)) this.#markDirty(taskId)
    }
  }

  #markDirty(taskId: string): void {
    if (this.#closed) return
    this.#dirty.add(taskId)
    if (!this.#flushing) {
      this.#flushing = true
      // After the transaction that changed the task, and batched with the rest of it.
      queueMicrotask(() => void this.#flush())
    }
  }

  async #flush(): Promise<void> {
    try {
      while (this.#dirty.size > 0 && !this.#closed) {
        const batch = [...this.#dirty]
        this.#dirty.clear()
        for (const taskId of batch) await this.#evaluate(taskId)
      }
    } catch (error) {
      this.#log.error('looking at a task failed', { error })
    } finally {
      this.#flushing = false
    }
  }

  async #evaluate(taskId: string): Promise<void> {
    const record = rootCollections(this.#session.root).tasks.get(taskId)
    if (record === undefined) return
    const task = readRecord<TaskRecord>(record)
    const active = this.#runs.get(taskId)
    if (active !== undefined) return active.notice(task)
    if (this.#published.has(taskId)) this.#watchDuplicates(taskId)
    if (this.#waiting.includes(taskId)) return

    const inSync = !this.#session.hasServer || this.#session.syncStatus === 'synced'
    let step = stepFor(task, { deviceId: this.#session.deviceId, now: this.#clock.now(), inSync, canRunCoworkers: true, orphanAfterMs: this.#timings.orphanAfterMs })
    if (step.kind === 'take-over' || (step.kind === 'wait' && step.until === 'sync' && task.status === 'running')) {
      const canRun = await this.#canRunCoworkers()
      if (!canRun) step = { kind: 'none' }
    }
    this.#clearTimer(taskId)
    switch (step.kind) {
      case 'run':
      case 'take-over':
        return this.#enqueue(taskId)
      case 'wait':
        if (step.until !== 'sync') this.#lookAgainAt(taskId, step.until)
        return
      case 'settle-stop':
        settleStoppedTask(this.#session.root, { taskId }, operationContext(this.#session.memberId, 'host', { now: () => this.#clock.now(), deviceId: this.#session.deviceId }))
        return
      case 'none':
        return
    }
  }

  async #canRunCoworkers(): Promise<boolean> {
    try {
      return await this.#services.models.canRunCoworkers()
    } catch (error) {
      this.#log.warn('could not tell whether this device can run coworkers', { error })
      return false
    }
  }

  #enqueue(taskId: string): void {
    if (this.#runs.size < this.#maxRuns) this.#startRun(taskId)
    else if (!this.#waiting.includes(taskId)) this.#waiting.push(taskId)
  }

  #startRun(taskId: string): void {
    const record = rootCollections(this.#session.root).tasks.get(taskId)
    if (record === undefined || this.#closed) return
    const task = readRecord<TaskRecord>(record)
    const runId = this.#services.newRunId?.() ?? `run_${randomUUID().replaceAll('-', '')}`
    const run = new TaskRun(this.#session, task, runId, {
      agent: this.#services.agent,
      tools: this.#services.tools,
      models: this.#services.models,
      clock: this.#clock,
      timings: this.#timings,
      log: this.#log,
      review: this.#review,
      ...(this.#services.contextLimits ? { contextLimits: this.#services.contextLimits } : {}),
      ...(this.#services.maxOutputTokensPerTurn !== undefined ? { maxOutputTokensPerTurn: this.#services.maxOutputTokensPerTurn } : {})
    })
    this.#runs.set(taskId, run)
    this.emit('run-started', taskId, runId)
    void run.done.then((end) => this.#ended(task, run, end))
  }

  #ended(task: TaskRecord, run: TaskRun, end: RunEnd): void {
    this.#runs.delete(task.id)
    this.#log.info('a task run ended', { taskId: task.id, runId: run.runId, end: end.kind })
    for (const [taskId, watched] of this.#published) if (this.#clock.now() > watched.until) this.#published.delete(taskId)
    if (end.kind === 'published') {
      this.#published.set(task.id, { channelId: task.channelId, thread: replyThreadOf(task), runId: run.runId, coworkerId: task.coworkerId, until: this.#clock.now() + duplicateWatchMs })
    }
    this.emit('run-ended', task.id, run.runId, end)
    if (this.#closed) return
    // The task may need looking at again (a lease that lapses, a claim that came back); then the next in
    // line. A claim that was refused is not tried again at once: the record says why, and that passes.
    if (end.kind === 'not-claimed') this.#lookAgainAt(task.id, this.#clock.now() + this.#timings.renewEveryMs)
    else this.#markDirty(task.id)
    while (this.#runs.size < this.#maxRuns && this.#waiting.length > 0) {
      const next = this.#waiting.shift()!
      this.#markDirty(next)
    }
  }

  /** Withdraws this device's reply when an earlier one for the same task has arrived (see publish.ts). */
  #watchDuplicates(taskId: string): void {
    const watched = this.#published.get(taskId)
    if (watched === undefined) return
    if (this.#clock.now() > watched.until) {
      this.#published.delete(taskId)
      return
    }
    const context = operationContext(watched.coworkerId, 'agent', { now: () => this.#clock.now(), deviceId: this.#session.deviceId })
    void this.#session
      .withChannel(watched.channelId, (docs) => withdrawDuplicateReplies({ root: docs.root, channel: docs.channel, taskId, thread: watched.thread, runId: watched.runId, context }))
      .catch((error: unknown) => this.#log.warn('could not check a published reply for duplicates', { taskId, error }))
  }

  #lookAgainAt(taskId: string, at: number): void {
    // A little after the lease lapses, so the claim sees it lapsed.
    const handle = this.#clock.setTimeout(() => {
      this.#timers.delete(taskId)
      this.#markDirty(taskId)
    }, at - this.#clock.now() + 1)
    this.#timers.set(taskId, handle)
  }

  #clearTimer(taskId: string): void {
    const handle = this.#timers.get(taskId)
    if (handle !== undefined) this.#clock.clearTimeout(handle)
    this.#timers.delete(taskId)
  }
}
