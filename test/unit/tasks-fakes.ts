import type { TaskRecord } from '../../shared/model/types.ts'
import type { RunDone } from '../../electron/agent/protocol.ts'
import type { ProviderConfig } from '../../electron/agent/providers/index.ts'
import type { AgentClient, AgentRun, RunCallbacks, RunRequest, RunResult } from '../../electron/host/agent/agentClient.ts'
import type { ModelSettings } from '../../electron/host/settings/modelSettingsTypes.ts'
import type { Clock, TimerHandle } from '../../electron/host/tasks/timing.ts'

/** Test doubles for the task runner's services: a clock moved by hand, a scripted agent, model settings. */

/** A clock that stands still until `advance` moves it, firing the timers that fall due on the way, in order. */
export class ManualClock implements Clock {
  #now: number
  #nextId = 0
  readonly #timers = new Map<number, { at: number; callback: () => void }>()

  constructor(start = Date.UTC(2026, 10, 21, 9)) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = ++this.#nextId
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), callback })
    return { timer: id }
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle.timer as number)
  }

  get pendingTimers(): number {
    return this.#timers.size
  }

  /** Moves time forward by `ms`, running each timer due on the way (and what its promises do next). */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms
    for (;;) {
      let due: [number, { at: number; callback: () => void }] | undefined
      for (const entry of this.#timers) if (entry[1].at <= target && (due === undefined || entry[1].at < due[1].at)) due = entry
      if (due === undefined) break
      this.#timers.delete(due[0])
      this.#now = Math.max(this.#now, due[1].at)
      due[1].callback()
      await settle()
    }
    this.#now = target
    await settle()
  }
}

/** Lets pending promise callbacks and I/O run. */
export async function settle(rounds = 5): Promise<void> {
  for (let round = 0; round < rounds; round++) await new Promise((resolve) => setImmediate(resolve))
}

/** One scripted run: what the "model" does with the callbacks, until it resolves or the signal aborts. */
export type AgentScript = (request: RunRequest, callbacks: RunCallbacks, signal: AbortSignal) => Promise<RunResult>

/** An AgentClient that plays scripts in order instead of calling a model. */
export class ScriptedAgent implements AgentClient {
  readonly requests: RunRequest[] = []
  readonly #scripts: AgentScript[] = []
  #runs = 0

  script(...scripts: AgentScript[]): void {
    this.#scripts.push(...scripts)
  }

  get started(): number {
    return this.#runs
  }

  start(request: RunRequest, callbacks: RunCallbacks): AgentRun {
    this.requests.push(request)
    const script = this.#scripts.shift() ?? reply('Done.')
    const controller = new AbortController()
    const runId = `agent-run-${++this.#runs}`
    return { runId, done: script(request, callbacks, controller.signal), abort: (reason) => controller.abort(reason) }
  }

  async close(): Promise<void> {}
}

const usageOf = (outputTokens: number) => ({ inputTokens: 100, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 })

/** A completed run's result. */
export function done(text: string, extra: Partial<RunDone> = {}): RunResult {
  return { outcome: 'completed', text, messages: [], usage: usageOf(10), costUsd: 0.001, turns: 1, reason: null, error: null, ...extra }
}

/** Streams `pieces`, reports one turn, and completes with their text. */
export function reply(...pieces: string[]): AgentScript {
  return async (_request, callbacks) => {
    for (const piece of pieces) callbacks.onText?.(piece)
    callbacks.onTurn?.({ type: 'turn', runId: 'x', turn: 1, usage: usageOf(10), costUsd: 0.001, stopReason: 'end_turn', durationMs: 5 })
    return done(pieces.join(''))
  }
}

/** Streams `pieces`, then waits until the run is aborted (and ends 'aborted' with what streamed) or `release` is called. */
export function hold(pieces: string[]): { script: AgentScript; release(): void; started: Promise<void> } {
  let release!: () => void
  let started!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  const startedPromise = new Promise<void>((resolve) => (started = resolve))
  const script: AgentScript = async (_request, callbacks, signal) => {
    for (const piece of pieces) callbacks.onText?.(piece)
    started()
    const aborted = new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve(String(signal.reason)), { once: true }))
    const reason = await Promise.race([aborted, released.then(() => null)])
    const text = pieces.join('')
    if (reason === null) return done(text)
    return { ...(done(text) as RunDone), outcome: 'aborted', reason } as RunResult
  }
  return { script, release, started: startedPromise }
}

/** Model settings with an Anthropic config (or the error asking for one). */
export function fakeModels(options: { config?: ProviderConfig; error?: Error; canRun?: boolean; defaultModel?: string } = {}): ModelSettings {
  return {
    anthropic: async () => {
      if (options.error) throw options.error
      return options.config ?? { kind: 'anthropic', apiKey: 'sk-ant-test' }
    },
    local: async () => {
      throw new Error('no local model in this test')
    },
    defaultModel: () => options.defaultModel ?? 'claude-sonnet-5-5',
    canRunCoworkers: async () => options.canRun ?? true
  }
}

/** A task record for tests: queued on `dev_me`, with the fields given. */
export function taskRecord(fields: Partial<TaskRecord>): TaskRecord {
  return {
    id: 'task_a',
    coworkerId: 'mem_scout',
    channelId: 'ch_x',
    trigger: { type: 'mention', messageId: 'msg_x', threadId: null },
    requestedBy: 'mem_ada',
    prompt: '',
    createdAt: 0,
    createdByDevice: 'dev_me',
    status: 'queued',
    claim: null,
    stopRequest: null,
    result: null,
    endReason: null,
    usage: null,
    startedAt: null,
    finishedAt: null,
    ...fields
  }
}
