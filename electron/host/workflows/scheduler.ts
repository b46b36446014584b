import { silentLogger, type Logger } from '../../../shared/log.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { Workflow } from '../../../shared/model/types.ts'
import { listWorkflows } from '../../../shared/operations/workflows.ts'
import { catchUpMissedSlots } from './missedSlots.ts'
import { nextSlot, slotsBetween } from './slots.ts'
import { systemTimers, type Timers } from './timers.ts'
import { createSlotTask } from '../../../shared/operations/workflowRuns.ts'
import { actingAs, type WorkflowSession } from './workflowSession.ts'

/**
 * Runs a workspace's enabled workflows on their schedules, on this device. When a slot comes due it
 * creates the slot's task (id derived from workflow and slot, so two devices firing one slot make one
 * task); the task runner then claims and runs it. Only a device that can run coworkers schedules.
 *
 * One timer at a time: it wakes at the next slot of any workflow, or after `heartbeatMs` at the latest,
 * so a timer that fires much later than planned reveals that the device slept (timers stop while it
 * does) and the missed-slot policy runs (missedSlots.ts). Editing, adding, enabling or removing a
 * workflow re-plans at once.
 *
 * Start it when the workspace opens (after a first sync when there is a server, see `beforeCatchUp`),
 * stop it before the session closes:
 *
 *   const scheduler = new WorkflowScheduler(session, { canRun: () => modelSettings.canRunCoworkers() })
 *   await scheduler.start()
 *   ...
 *   await scheduler.stop()
 */

export interface WorkflowSchedulerOptions {
  /** Whether this device can run coworker tasks (a model is set up): ModelSettings.canRunCoworkers. */
  canRun(): Promise<boolean>
  /** Wall-clock time in ms; Date.now by default. */
  clock?: () => number
  timers?: Timers
  log?: Logger
  /**
   * Awaited before deciding slots were missed (at start, after sleep), so tasks other devices made in
   * the meantime arrive first: pass a bounded `session.waitForSync()` that swallows its errors.
   */
  beforeCatchUp?: () => Promise<void>
  /** The longest the scheduler sleeps between checks: how soon a wake from sleep is noticed. Default a minute. */
  heartbeatMs?: number
  /** A timer this much later than planned means the device was asleep. Default two minutes. */
  sleepThresholdMs?: number
  /** A slot found at most this old when catching up is run as usual, with no note. Default two minutes. */
  graceMs?: number
}

type TickReason = 'start' | 'timer' | 'changed'

export class WorkflowScheduler {
  readonly #session: WorkflowSession
  readonly #canRun: () => Promise<boolean>
  readonly #clock: () => number
  readonly #timers: Timers
  readonly #log: Logger
  readonly #beforeCatchUp: () => Promise<void>
  readonly #heartbeatMs: number
  readonly #sleepThresholdMs: number
  readonly #graceMs: number

  #started = false
  #stopped = false
  #timer: unknown = null
  /** When the pending timer should fire. */
  #expectedWake = 0
  /** Slots up to here have been handled. */
  #lastTick = 0
  /** Missed slots are looked for at start, after sleep, and once this device can run again. */
  #catchUpPending = true
  #changeQueued = false
  /**
   * Since when each enabled workflow has been running on its current schedule here. A workflow just
   * enabled, or given a new schedule, starts from the next slot: the slots before are not due.
   */
  readonly #armed = new Map<string, { schedule: string; since: number }>()
  #work: Promise<void> = Promise.resolve()
  readonly #onWorkflowsChanged = () => this.#workflowsChanged()

  constructor(session: WorkflowSession, options: WorkflowSchedulerOptions) {
    this.#session = session
    this.#canRun = options.canRun
    this.#clock = options.clock ?? Date.now
    this.#timers = options.timers ?? systemTimers
    this.#log = (options.log ?? silentLogger).child('workflows')
    this.#beforeCatchUp = options.beforeCatchUp ?? (async () => {})
    this.#heartbeatMs = options.heartbeatMs ?? 60_000
    this.#sleepThresholdMs = options.sleepThresholdMs ?? 120_000
    this.#graceMs = options.graceMs ?? 120_000
  }

  /** Looks for missed slots, then plans the next one. Resolves once that first pass is done. */
  start(): Promise<void> {
    if (this.#started) return this.idle()
    this.#started = true
    this.#lastTick = this.#clock()
    rootCollections(this.#session.root).workflows.observeDeep(this.#onWorkflowsChanged)
    this.#enqueue('start')
    return this.idle()
  }

  /** Stops planning; resolves once the work in progress (a task being created, a note posted) is done. */
  async stop(): Promise<void> {
    if (this.#stopped) return this.idle()
    this.#stopped = true
    this.#clearTimer()
    if (this.#started) rootCollections(this.#session.root).workflows.unobserveDeep(this.#onWorkflowsChanged)
    return this.idle()
  }

  /** Resolves when no check is running or queued (tests wait on it after moving their clock). */
  async idle(): Promise<void> {
    for (;;) {
      const work = this.#work
      await work
      if (work === this.#work) return
    }
  }

  #workflowsChanged(): void {
    if (this.#changeQueued || this.#stopped) return
    this.#changeQueued = true
    this.#enqueue('changed')
  }

  #enqueue(reason: TickReason): void {
    this.#work = this.#work.then(() => this.#tick(reason))
  }

  async #tick(reason: TickReason): Promise<void> {
    if (reason === 'changed') this.#changeQueued = false
    if (this.#stopped) return
    this.#clearTimer()
    const now = this.#clock()
    if (reason === 'timer' && now - this.#expectedWake > this.#sleepThresholdMs) {
      this.#log.info('the device was asleep; looking for missed workflow runs', { lateByMs: now - this.#expectedWake })
      this.#catchUpPending = true
    }
    // A clock set back: start over from now (derived task ids keep a slot seen twice from running twice).
    if (now < this.#lastTick) this.#lastTick = now
    let handledUntil = now
    try {
      if (!(await this.#canRunSafely())) {
        // Slots pass by while this device cannot run them; once it can, it looks for missed ones.
        this.#catchUpPending = true
      } else if (this.#catchUpPending) {
        await this.#beforeCatchUp().catch((error: unknown) => this.#log.warn('waiting before catching up failed', { error }))
        if (this.#stopped) return
        this.#catchUpPending = false
        handledUntil = this.#clock()
        await catchUpMissedSlots(this.#session, { now: () => handledUntil, graceMs: this.#graceMs, log: this.#log })
      } else {
        this.#fireDue(this.#lastTick, now)
      }
    } catch (error) {
      this.#log.error('the workflow scheduler could not create a task', { error })
    } finally {
      this.#lastTick = Math.max(this.#lastTick, handledUntil)
      this.#plan()
    }
  }

  /** Creates the task of every slot in (after, until] of every enabled workflow. */
  #fireDue(after: number, until: number): void {
    for (const workflow of listWorkflows(this.#session.root)) {
      if (!workflow.enabled) continue
      try {
        // No slots from before the workflow existed or was enabled or rescheduled (a moment ago, maybe).
        const since = Math.max(after, workflow.createdAt, this.#armedSince(workflow, until))
        const { slots } = slotsBetween(workflow, since, until, 100)
        const context = actingAs(this.#session, workflow.coworkerId, this.#clock)
        for (const slot of slots) {
          const { task, created } = createSlotTask(this.#session, workflow, slot, { missed: false, context })
          this.#log.info('a workflow slot came due', { workflowId: workflow.id, slot, taskId: task.id, created })
        }
      } catch (error) {
        // One broken workflow (a schedule from a newer peer) does not stop the others.
        this.#log.error('could not create the task of a workflow slot', { workflowId: workflow.id, error })
      }
    }
  }

  #plan(): void {
    if (this.#stopped) return
    this.#clearTimer()
    const now = this.#clock()
    let delay = this.#heartbeatMs
    const enabled = listWorkflows(this.#session.root).filter((workflow) => workflow.enabled)
    for (const id of this.#armed.keys()) if (!enabled.some((workflow) => workflow.id === id)) this.#armed.delete(id)
    for (const workflow of enabled) {
      this.#armedSince(workflow, now)
      try {
        const next = nextSlot(workflow, now)
        if (next !== null) delay = Math.min(delay, next - now)
      } catch (error) {
        // A schedule written by a newer or broken peer: skip it, keep the others running.
        this.#log.warn('a workflow has a schedule this device cannot read', { workflowId: workflow.id, error })
      }
    }
    delay = Math.max(0, delay)
    this.#expectedWake = now + delay
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null
      this.#enqueue('timer')
    }, delay)
  }

  #armedSince(workflow: Workflow, now: number): number {
    const schedule = `${workflow.cron} ${workflow.timeZone}`
    const armed = this.#armed.get(workflow.id)
    if (armed !== undefined && armed.schedule === schedule) return armed.since
    this.#armed.set(workflow.id, { schedule, since: now })
    return now
  }

  #clearTimer(): void {
    if (this.#timer === null) return
    this.#timers.clearTimeout(this.#timer)
    this.#timer = null
  }

  async #canRunSafely(): Promise<boolean> {
    try {
      return await this.#canRun()
    } catch (error) {
      this.#log.warn('could not tell whether this device can run coworkers; not scheduling for now', { error })
      return false
    }
  }
}
