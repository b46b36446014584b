import type * as Y from 'yjs'
import { isCommonsError } from '../../../shared/errors.ts'
import type { Logger } from '../../../shared/log.ts'
import { messageIndex } from '../../../shared/model/messageIndex.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import { endLiveReply, startLiveReply } from '../../../shared/model/trail.ts'
import type { TaskRecord, TaskUsage } from '../../../shared/model/types.ts'
import { operationContext, type OperationContext } from '../../../shared/operations/context.ts'
import { coworkerChannelIds } from '../../../shared/operations/coworkers.ts'
import { findMember } from '../../../shared/operations/members.ts'
import { getMessage } from '../../../shared/operations/messages.ts'
import { claimTask, getTask, listTasks } from '../../../shared/operations/tasks.ts'
import type { ProviderConfig } from '../../agent/providers/index.ts'
import { isModelError } from '../../agent/providers/modelErrors.ts'
import type { AgentClient, AgentRun, RunCallbacks, RunResult, ToolCall, ToolCallResult } from '../agent/agentClient.ts'
import type { ModelSettings } from '../settings/modelSettingsTypes.ts'
import type { ToolCaller, ToolContext, ToolRegistry } from '../tools/toolTypes.ts'
import type { DocLease } from '../openDocs.ts'
import type { WorkspaceSession } from '../workspaceSession.ts'
import { runAllowance } from './budgets.ts'
import { assembleTaskContext, linkedDeliverableIds, readLinkedDeliverables, type ContextLimits } from './contextAssembly.ts'
import { LeaseKeeper } from './leaseKeeper.ts'
import type { RunEnding } from './outcomeReply.ts'
import { publishIfHolding, publishedReply, replyThreadOf, type PublishOutcome } from './publish.ts'
import { RunTrail, trailInput } from './runTrail.ts'
import { sleep, type Clock, type TaskTimings } from './timing.ts'
import { spentTodayUsd } from '../../../shared/operations/usage.ts'

/**
 * One run of one coworker task on this device, from claim to published result (design section 5):
 *
 *   claim (lease) → settle the claim with the sync server → assemble context → run the model through the
 *   agent, streaming text into the channel and recording every step → publish exactly once, while
 *   still holding the claim → (workflow with review) apply the review policy.
 *
 * The task runner (taskRunner.ts) decides which tasks to run and tells a run when its task record
 * changes (a stop request, a claim another run won). Every wait here is bounded, and a run that loses
 * its claim, or is closed, publishes nothing.
 */

/** Called after a workflow task succeeded, to put its deliverables in review (workflows/review.ts). */
export type ReviewHook = (session: WorkspaceSession, task: TaskRecord) => Promise<unknown>

export interface TaskRunServices {
  agent: AgentClient
  tools: ToolRegistry
  models: ModelSettings
  clock: Clock
  timings: TaskTimings
  log: Logger
  review: ReviewHook | null
  contextLimits?: Partial<ContextLimits>
  /** Output tokens per model turn at most. */
  maxOutputTokensPerTurn?: number
}

export type RunEnd =
  | { kind: 'published'; status: TaskRecord['status']; messageId: string | null }
  | { kind: 'already-published'; messageId: string }
  /** The claim was not this device's to make (another run holds a live lease, the task ended or was asked to stop). */
  | { kind: 'not-claimed'; reason: string }
  | { kind: 'lost'; winnerRunId: string | null }
  /** Closed, or the sync server stayed away too long: the lease was given up, nothing was published. */
  | { kind: 'abandoned'; reason: string }
  | { kind: 'gone' }

const crashHint = 'ask again; if it keeps happening, report it with the log from Help → Diagnostics'

export class TaskRun {
  readonly runId: string
  readonly taskId: string
  readonly done: Promise<RunEnd>
  readonly #session: WorkspaceSession
  readonly #services: TaskRunServices
  readonly #log: Logger
  /** Ends every wait of this run: closing, or a lost claim. */
  readonly #halt = new AbortController()
  #task: TaskRecord
  #context: OperationContext
  #claimed = false
  #lost: { winnerRunId: string | null } | null = null
  #closing = false
  #stopBy: { id: string; name: string } | null = null
  #agentRun: AgentRun | null = null
  #channel: Y.Doc | null = null
  #trail: RunTrail | null = null
  #live: Y.Text | null = null
  #streamed = ''
  readonly #usage: TaskUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, estimatedCostUsd: 0, turns: 0 }
  readonly #touched = new Set<string>()

  constructor(session: WorkspaceSession, task: TaskRecord, runId: string, services: TaskRunServices) {
    this.#session = session
    this.#task = task
    this.#services = services
    this.runId = runId
    this.taskId = task.id
    this.#log = services.log.child('run')
    this.#context = operationContext(task.coworkerId, 'agent', { now: () => services.clock.now(), deviceId: session.deviceId })
    this.done = this.#run().catch((error: unknown) => {
      this.#log.error('a task run failed unexpectedly', { taskId: this.taskId, runId, error })
      return { kind: 'abandoned', reason: error instanceof Error ? error.message : String(error) } satisfies RunEnd
    })
  }

  /** The task record changed (through sync or on this device): react to a stop request or a lost claim. */
  notice(task: TaskRecord): void {
    this.#task = task
    if (task.stopRequest !== null && this.#stopBy === null && this.#claimed && this.#lost === null) {
      const name = findMember(this.#session.root, task.stopRequest.by)?.name ?? 'a member'
      this.#stopBy = { id: task.stopRequest.by, name }
      this.#trail?.add({ type: 'stop-requested', by: task.stopRequest.by })
      this.#agentRun?.abort(`stopped by ${name}`)
    }
    if (this.#claimed && task.claim?.runId !== this.runId && this.#lost === null) this.#lose(task.claim?.runId ?? null)
  }

  /** Ends the run without publishing: the device is closing. The lease is given up so another device can go on. */
  close(): void {
    if (this.#closing) return
    this.#closing = true
    this.#halt.abort()
    this.#agentRun?.abort('this device is closing the workspace')
  }

  async #run(): Promise<RunEnd> {
    const { timings, clock } = this.#services
    const lease: DocLease = await this.#session.leaseChannel(this.#task.channelId)
    const channel = lease.doc
    this.#channel = channel
    let keeper: LeaseKeeper | null = null
    let release = false
    try {
      try {
        const claim = claimTask(this.#session.root, { taskId: this.taskId, deviceId: this.#session.deviceId, runId: this.runId, leaseMs: timings.leaseMs }, this.#context)
        this.#claimed = true
        this.#trail = new RunTrail(channel, this.taskId, this.runId, this.#context.origin, clock)
        this.#trail.add({ type: 'claimed', deviceId: this.#session.deviceId, attempt: claim.attempt })
      } catch (error) {
        if (isCommonsError(error, 'conflict') || isCommonsError(error, 'not-found')) return { kind: 'not-claimed', reason: error.message }
        throw error
      }
      keeper = new LeaseKeeper({
        root: this.#session.root,
        taskId: this.taskId,
        runId: this.runId,
        leaseMs: timings.leaseMs,
        renewEveryMs: timings.renewEveryMs,
        clock,
        context: this.#context,
        log: this.#log,
        onLost: () => this.#lose(this.#currentWinner())
      })
      keeper.start()

      // Concurrent claims settle once this device and the server agree; only then is holding it meaningful.
      if (this.#session.hasServer && !(await this.#untilSynced(clock.now() + timings.maxOfflineWaitMs))) {
        const lostWhileSettling = this.#lostTo()
        release = lostWhileSettling === null
        return lostWhileSettling !== null
          ? { kind: 'lost', winnerRunId: lostWhileSettling.winnerRunId }
          : { kind: 'abandoned', reason: this.#closing ? 'closed' : 'the sync server could not be reached' }
      }
      const early = this.#earlyEnd()
      if (early !== null) return early

      const ending = await this.#work()
      const lostDuringWork = this.#lostTo()
      if (lostDuringWork !== null) return { kind: 'lost', winnerRunId: lostDuringWork.winnerRunId }
      if (this.#closing || ending === null) {
        release = true
        return { kind: 'abandoned', reason: 'closed' }
      }
      const outcome = await this.#publish(ending)
      if (outcome === null) {
        const lostWhilePublishing = this.#lostTo()
        release = lostWhilePublishing === null
        return lostWhilePublishing !== null
          ? { kind: 'lost', winnerRunId: lostWhilePublishing.winnerRunId }
          : { kind: 'abandoned', reason: this.#closing ? 'closed' : 'the sync server could not be reached to publish' }
      }
      switch (outcome.kind) {
        case 'published':
          await this.#afterPublish(outcome.task)
          return { kind: 'published', status: outcome.task.status, messageId: outcome.messageId }
        case 'already-published':
          return { kind: 'already-published', messageId: outcome.messageId }
        case 'lost':
          this.#lost ??= { winnerRunId: outcome.winnerRunId }
          return { kind: 'lost', winnerRunId: outcome.winnerRunId }
        case 'gone':
          return { kind: 'gone' }
      }
      return { kind: 'gone' }
    } finally {
      if (release) keeper?.release()
      else keeper?.stop()
      if (this.#live !== null && this.#claimed) endLiveReply(channel, this.taskId, this.runId, this.#context.origin)
      lease.release()
    }
  }

  /** After the claim settled: lost it, or the task already has its reply (another run published it). */
  #earlyEnd(): RunEnd | null {
    if (this.#lost !== null || this.#closing) return this.#lost !== null ? { kind: 'lost', winnerRunId: this.#lost.winnerRunId } : { kind: 'abandoned', reason: 'closed' }
    const existing = publishedReply(this.#channel!, this.taskId, replyThreadOf(this.#task))
    const task = getTask(this.#session.root, this.taskId)
    if (existing === null && task.claim?.runId === this.runId) return null
    // Either way publishIfHolding records what happened (a lost claim, or the reply already there).
    const outcome = publishIfHolding(this.#publishInput({ kind: 'completed', text: '' }))
    if (outcome.kind === 'lost') {
      this.#lost = { winnerRunId: outcome.winnerRunId }
      return { kind: 'lost', winnerRunId: outcome.winnerRunId }
    }
    if (outcome.kind === 'already-published') return { kind: 'already-published', messageId: outcome.messageId }
    if (outcome.kind === 'gone') return { kind: 'gone' }
    return { kind: 'published', status: outcome.task.status, messageId: outcome.messageId }
  }

  /** Everything between a settled claim and publishing. Null when the run was closed or lost. */
  async #work(): Promise<RunEnding | null> {
    const root = this.#session.root
    const channel = this.#channel!
    const coworker = findMember(root, this.#task.coworkerId)
    if (coworker === undefined || coworker.kind !== 'coworker' || coworker.removedAt !== null) {
      return { kind: 'failed', text: '', message: 'the coworker asked for is no longer in the workspace', hint: 'ask another coworker' }
    }
    const channelIds = coworkerChannelIds(root, coworker.id)
    if (!channelIds.includes(this.#task.channelId)) {
      return { kind: 'failed', text: '', message: `${coworker.name} is no longer in this channel`, hint: 'add it back to the channel and ask again' }
    }
    const stoppedEarly = this.#stopName()
    if (stoppedEarly !== null) return { kind: 'stopped', text: '', byName: stoppedEarly }

    let provider: ProviderConfig
    try {
      provider = await this.#services.models.anthropic()
    } catch (error) {
      if (isModelError(error) || isCommonsError(error)) return { kind: 'failed', text: '', message: error.message, hint: error.hint ?? null }
      throw error
    }

    const request = this.#task.trigger.type === 'mention' && messageIndex(channel).byId.has(this.#task.trigger.messageId) ? getMessage(channel, this.#task.trigger.messageId) : null
    const deliverables = await readLinkedDeliverables(this.#session, linkedDeliverableIds(this.#task, request))
    if (this.#halted()) return null
    const context = assembleTaskContext({
      root,
      channel,
      task: this.#task,
      coworker,
      deliverables,
      now: this.#services.clock.now(),
      ...(this.#services.contextLimits ? { limits: this.#services.contextLimits } : {})
    })
    this.#trail!.add({ type: 'context', summary: context.summary, tokens: context.tokens })

    const caller: ToolCaller = { kind: 'coworker', coworkerId: coworker.id, toolset: new Set(coworker.toolset), channelIds: new Set(channelIds), taskId: this.taskId }
    const tools = this.#services.tools.specsFor(caller)
    const model = this.#model()

    for (let attempt = 1; ; attempt++) {
      const allowance = runAllowance({
        budgets: coworker.budgets,
        coworkerName: coworker.name,
        spentTodayUsd: spentTodayUsd(listTasks(root, { coworkerId: coworker.id }), coworker.id, this.#services.clock.now(), this.taskId),
        usedByTask: this.#usage,
        ...(this.#services.maxOutputTokensPerTurn !== undefined ? { maxOutputTokensPerTurn: this.#services.maxOutputTokensPerTurn } : {})
      })
      if (!allowance.allowed) return { kind: 'budget', text: this.#streamed, reason: allowance.reason }
      const stoppedBefore = this.#stopName()
      if (stoppedBefore !== null) return { kind: 'stopped', text: this.#streamed, byName: stoppedBefore }
      if (this.#halted()) return null

      this.#streamed = ''
      this.#live = startLiveReply(channel, this.taskId, this.runId, this.#context.origin)
      const run = this.#services.agent.start(
        {
          provider,
          model,
          system: context.system,
          tools,
          messages: [{ role: 'user', content: [{ type: 'text', text: context.firstMessage }] }],
          maxOutputTokens: allowance.maxOutputTokensPerTurn,
          budgets: allowance.budgets
        },
        {
          onText: (text) => this.#onText(text),
          onToolCall: (call) => this.#onToolCall(call, caller),
          onTurn: (turn) => this.#onTurn(turn),
          onRetry: (retry) => this.#trail?.add({ type: 'retry', attempt: retry.attempt, delayMs: retry.delayMs, reason: retry.message || retry.reason })
        }
      )
      this.#agentRun = run
      // A stop that came while the run was being set up.
      const stoppedMeanwhile = this.#stopName()
      if (stoppedMeanwhile !== null) run.abort(`stopped by ${stoppedMeanwhile}`)
      if (this.#halted()) run.abort('this run ended')
      const result = await run.done
      this.#agentRun = null
      if (this.#halted()) return null
      if (result.outcome === 'crashed') {
        const stoppedDuring = this.#stopName()
        if (stoppedDuring !== null) return { kind: 'stopped', text: this.#streamed, byName: stoppedDuring }
        if (attempt === 1) {
          this.#log.warn('the agent process stopped under a task; trying once more', { taskId: this.taskId, reason: result.reason })
          this.#trail!.add({ type: 'retry', attempt: 1, delayMs: 0, reason: `the agent process stopped (${result.reason}); starting the task again` })
          continue
        }
        return { kind: 'failed', text: this.#streamed, message: `the agent process stopped twice while working on this (${result.reason})`, hint: crashHint }
      }
      return this.#endingOf(result)
    }
  }

  #endingOf(result: Exclude<RunResult, { outcome: 'crashed' }>): RunEnding {
    const text = result.text
    switch (result.outcome) {
      case 'completed':
        return { kind: 'completed', text }
      case 'budget':
        return { kind: 'budget', text, reason: result.reason ?? 'a budget of this task was reached' }
      case 'aborted':
        if (this.#stopName() !== null) return { kind: 'stopped', text, byName: this.#stopName()! }
        return { kind: 'failed', text, message: result.reason ?? 'the run was stopped', hint: null }
      case 'failed':
        return { kind: 'failed', text, message: result.error?.message ?? result.reason ?? 'the model call failed', hint: result.error?.hint ?? null }
    }
  }

  #onText(text: string): void {
    if (this.#halted() || this.#live === null) return
    this.#streamed += text
    const live = this.#live
    // One transaction per piece, so every synced device sees the reply grow as it arrives.
    this.#channel!.transact(() => live.insert(live.length, text), this.#context.origin)
  }

  async #onToolCall(call: ToolCall, caller: ToolCaller): Promise<ToolCallResult> {
    const trail = this.#trail!
    if (this.#halted()) return { content: 'the run ended before this tool call', isError: true }
    trail.add({ type: 'tool-call', callId: call.callId, tool: call.name, input: trailInput(call.input) })
    const started = performance.now()
    const context: ToolContext = { session: this.#session, caller, operation: this.#context, touchedDeliverables: this.#touched }
    try {
      const outcome = await this.#services.tools.execute({ name: call.name, input: call.input }, context)
      const durationMs = Math.round(performance.now() - started)
      if (outcome.refused !== null) trail.add({ type: 'tool-refused', callId: call.callId, tool: call.name, reason: outcome.refused })
      else trail.add({ type: 'tool-result', callId: call.callId, tool: call.name, ok: !outcome.isError, summary: outcome.summary, durationMs })
      return { content: outcome.content, isError: outcome.isError }
    } catch (error) {
      // The registry never rejects; if it does anyway, the model hears about it and the trail says so.
      const message = error instanceof Error ? error.message : String(error)
      trail.add({ type: 'tool-result', callId: call.callId, tool: call.name, ok: false, summary: `failed inside Commons: ${message}`, durationMs: Math.round(performance.now() - started) })
      return { content: `the tool ${call.name} failed inside Commons: ${message}`, isError: true }
    }
  }

  #onTurn(turn: Parameters<NonNullable<RunCallbacks['onTurn']>>[0]): void {
    const usage = this.#usage
    usage.turns += 1
    usage.inputTokens += turn.usage.inputTokens
    usage.outputTokens += turn.usage.outputTokens
    usage.cacheReadTokens += turn.usage.cacheReadTokens
    usage.cacheWriteTokens += turn.usage.cacheWriteTokens
    usage.estimatedCostUsd += turn.costUsd
    this.#trail?.add({ type: 'turn', turn: usage.turns, ...turn.usage, durationMs: Math.round(turn.durationMs) })
  }

  /** Publishes once the server agrees (keeping the result while it is away). Null when it gave up or lost. */
  async #publish(ending: RunEnding): Promise<PublishOutcome | null> {
    const { clock, timings } = this.#services
    if (this.#session.hasServer && !(await this.#untilSynced(clock.now() + timings.maxOfflineWaitMs))) return null
    if (this.#lost !== null || this.#closing) return null
    const outcome = publishIfHolding(this.#publishInput(ending))
    if (outcome.kind === 'published' && this.#session.hasServer) {
      // Best effort: carry the reply to the server now; if it is away, sync carries it when it is back.
      await this.#syncOnce().catch(() => {})
    }
    return outcome
  }

  #publishInput(ending: RunEnding) {
    return {
      root: this.#session.root,
      channel: this.#channel!,
      task: this.#task,
      runId: this.runId,
      ending,
      usage: { ...this.#usage },
      deliverableIds: [...this.#touched],
      trail: this.#trail!,
      context: this.#context,
      model: this.#model()
    }
  }

  /** A workflow task (or a revision of one of its deliverables) that succeeded goes through review. */
  async #afterPublish(task: TaskRecord): Promise<void> {
    const review = this.#services.review
    if (review === null || task.status !== 'succeeded') return
    if (task.trigger.type !== 'workflow' && task.trigger.type !== 'revision') return
    try {
      // The policy itself checks that the workflow has review on.
      await review(this.#session, task)
    } catch (error) {
      this.#log.error('the review policy could not be applied to a finished task', { taskId: task.id, error })
    }
  }

  /**
   * Waits until this device and the sync server agree, trying again while the server is away; false when
   * the deadline passed, the run was closed or it lost its claim meanwhile.
   */
  async #untilSynced(deadline: number): Promise<boolean> {
    const { clock, timings } = this.#services
    for (;;) {
      if (this.#halted()) return false
      try {
        await this.#syncOnce()
        return !this.#halted()
      } catch (error) {
        if (isCommonsError(error, 'access')) {
          this.#log.error('the sync server refused this device; the task is left to others', { taskId: this.taskId, error })
          return false
        }
        this.#log.debug('waiting for the sync server', { taskId: this.taskId, error })
      }
      if (clock.now() >= deadline) return false
      await sleep(clock, timings.syncRetryMs, this.#halt.signal)
    }
  }

  /** One bounded wait for the server to agree; it ends early (without error) when the run is halted. */
  #syncOnce(): Promise<void> {
    const signal = this.#halt.signal
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return resolve()
      const onHalt = () => resolve()
      signal.addEventListener('abort', onHalt, { once: true })
      this.#session.waitForSync(this.#services.timings.syncTimeoutMs).then(
        () => {
          signal.removeEventListener('abort', onHalt)
          resolve()
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onHalt)
          reject(error)
        }
      )
    })
  }

  #lose(winnerRunId: string | null): void {
    if (this.#lost !== null) return
    this.#lost = { winnerRunId }
    this.#log.info('another run holds the task now; this one stops and publishes nothing', { taskId: this.taskId, runId: this.runId, winnerRunId })
    const channel = this.#channel
    if (channel !== null && this.#trail !== null) {
      channel.transact(() => {
        this.#trail!.add({ type: 'lost-claim', winnerRunId: winnerRunId ?? 'none' })
        endLiveReply(channel, this.taskId, this.runId, this.#context.origin)
      }, this.#context.origin)
    }
    this.#halt.abort()
    this.#agentRun?.abort('another device holds this task now')
  }

  #currentWinner(): string | null {
    const record = rootCollections(this.#session.root).tasks.get(this.taskId)
    return record === undefined ? null : getTask(this.#session.root, this.taskId).claim?.runId ?? null
  }

  /** The coworker's model, or the default one. */
  #model(): string {
    const member = findMember(this.#session.root, this.#task.coworkerId)
    return member?.kind === 'coworker' && member.model !== '' ? member.model : this.#services.models.defaultModel()
  }

  #stopName(): string | null {
    return this.#stopBy?.name ?? null
  }

  #lostTo(): { winnerRunId: string | null } | null {
    return this.#lost
  }

  #halted(): boolean {
    return this.#lost !== null || this.#closing
  }
}

