import { randomUUID } from 'node:crypto'
import { CommonsError } from '../../../shared/errors.ts'
import { createLogger, type Logger } from '../../../shared/log.ts'
import { agentToHost, type AgentToHost, type HostToAgent } from '../../agent/protocol.ts'
import type { AgentClient, AgentRun, AgentTransport, AgentTransportFactory, RunCallbacks, RunRequest, RunResult, ToolCallResult } from './agentClient.ts'

/**
 * The AgentClient the Host uses: it owns the agent process. The process starts on the first run, not
 * before. Every message from it is validated and routed by runId to that run's callbacks; tool calls are
 * answered with what `onToolCall` resolves. When the process dies under its runs, each of them ends with
 * outcome 'crashed', and the next `start` starts a new process: at once after a first crash, then after
 * a backoff (1 s, 2 s, 4 s … up to 30 s) while it keeps dying before any run completes.
 */

export interface AgentSupervisorOptions {
  createTransport: AgentTransportFactory
  log?: Logger
  /** How long a new process may take to say `ready` before it is killed (default 30 s). */
  readyTimeoutMs?: number
  /** How long `close()` waits for the process to leave after `shutdown` before killing it (default 5 s). */
  shutdownGraceMs?: number
  /** The wait before starting a process after `crashes` unexpected exits in a row (default: see above). */
  restartDelayMs?: (crashes: number) => number
  newRunId?: () => string
}

export const defaultRestartDelayMs = (crashes: number): number => (crashes <= 1 ? 0 : Math.min(30_000, 1000 * 2 ** (crashes - 2)))

interface RunState {
  runId: string
  callbacks: RunCallbacks
  settled: boolean
  settle(result: RunResult): void
}

/** One agent process, from the moment it is asked for until it exits. */
interface Connection {
  transport: AgentTransport | null
  ready: boolean
  /** Messages held until the process says it is ready (early IPC messages can be lost). */
  queue: HostToAgent[]
  runs: Map<string, RunState>
  pid: number | undefined
  exited: boolean
  /** Why its runs ended, once it exited. */
  exitReason: string
  /** Set by close(): its exit is expected. */
  closing: boolean
  timer: ReturnType<typeof setTimeout> | undefined
  exit: Promise<void>
  markExited(): void
}

export class AgentSupervisor implements AgentClient {
  readonly #options: AgentSupervisorOptions
  readonly #log: Logger
  #connection: Connection | null = null
  /** Unexpected exits since a run last completed. */
  #crashes = 0
  #closed = false
  #closing: Promise<void> | null = null

  constructor(options: AgentSupervisorOptions) {
    this.#options = options
    this.#log = options.log ?? createLogger({ scope: 'host.agent' })
  }

  /** The running agent process's id, once it said ready. */
  get pid(): number | undefined {
    return this.#connection?.pid
  }

  start(request: RunRequest, callbacks: RunCallbacks): AgentRun {
    if (this.#closed) {
      throw new CommonsError('conflict', 'the agent process was closed, so no run can start', 'this is a bug in Commons: open the Host again')
    }
    const connection = this.#connection ?? this.#connect()
    const runId = this.#options.newRunId?.() ?? randomUUID()
    let resolve!: (result: RunResult) => void
    const done = new Promise<RunResult>((r) => (resolve = r))
    const state: RunState = {
      runId,
      callbacks,
      settled: false,
      settle(result) {
        if (state.settled) return
        state.settled = true
        connection.runs.delete(runId)
        resolve(result)
      }
    }
    connection.runs.set(runId, state)
    // A process that could not even be started has already exited.
    if (connection.exited) state.settle({ outcome: 'crashed', reason: connection.exitReason })
    this.#send(connection, { ...request, type: 'run', runId })
    return {
      runId,
      done,
      abort: (reason: string) => {
        if (!state.settled && !connection.exited) this.#send(connection, { type: 'abort', runId, reason })
      }
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutDown()
    return this.#closing
  }

  async #shutDown(): Promise<void> {
    this.#closed = true
    const connection = this.#connection
    if (!connection || connection.exited) return
    connection.closing = true
    if (!connection.transport) {
      // Still waiting out a restart backoff: nothing runs yet.
      clearTimeout(connection.timer)
      this.#exited(connection, null, null)
      return
    }
    this.#send(connection, { type: 'shutdown' })
    const grace = this.#options.shutdownGraceMs ?? 5000
    if (await exitsWithin(connection, grace)) return
    this.#log.warn('the agent process did not stop in time; killing it', { pid: connection.pid, graceMs: grace })
    connection.transport.kill()
    await exitsWithin(connection, 5000)
  }

  #connect(): Connection {
    let markExited!: () => void
    const exit = new Promise<void>((r) => (markExited = r))
    const connection: Connection = {
      transport: null,
      ready: false,
      queue: [],
      runs: new Map(),
      pid: undefined,
      exited: false,
      exitReason: '',
      closing: false,
      timer: undefined,
      exit,
      markExited
    }
    this.#connection = connection
    const delay = (this.#options.restartDelayMs ?? defaultRestartDelayMs)(this.#crashes)
    if (delay > 0) {
      this.#log.warn('the agent process keeps stopping; waiting before starting it again', { crashes: this.#crashes, delayMs: delay })
      connection.timer = setTimeout(() => this.#spawn(connection), delay)
    } else {
      this.#spawn(connection)
    }
    return connection
  }

  #spawn(connection: Connection): void {
    let transport: AgentTransport
    try {
      transport = this.#options.createTransport()
    } catch (error) {
      this.#log.error('the agent process could not be started', { error })
      this.#exited(connection, null, null)
      return
    }
    connection.transport = transport
    transport.onMessage((raw) => this.#receive(connection, raw))
    transport.onExit((code, signal) => this.#exited(connection, code, signal))
    const readyTimeout = this.#options.readyTimeoutMs ?? 30_000
    connection.timer = setTimeout(() => {
      this.#log.error('the agent process did not start in time; killing it', { timeoutMs: readyTimeout })
      transport.kill()
    }, readyTimeout)
  }

  #send(connection: Connection, message: HostToAgent): void {
    if (connection.exited) return
    if (!connection.ready || !connection.transport) {
      connection.queue.push(message)
      return
    }
    try {
      connection.transport.send(message)
    } catch (error) {
      // The process is going away; its exit ends the runs.
      this.#log.warn('a message for the agent process was not sent', { type: message.type, error })
    }
  }

  #receive(connection: Connection, raw: unknown): void {
    const parsed = agentToHost.safeParse(raw)
    if (!parsed.success) {
      const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`)
      this.#log.warn('dropped a message from the agent process that does not match the protocol', { problems })
      return
    }
    const message = parsed.data
    if (message.type === 'ready') {
      clearTimeout(connection.timer)
      connection.ready = true
      connection.pid = message.pid
      const queued = connection.queue.splice(0)
      for (const held of queued) this.#send(connection, held)
      return
    }
    const run = connection.runs.get(message.runId)
    if (!run) {
      this.#log.debug('dropped a message for a run that is not running', { type: message.type, runId: message.runId })
      return
    }
    this.#route(connection, run, message)
  }

  #route(connection: Connection, run: RunState, message: Exclude<AgentToHost, { type: 'ready' }>): void {
    const { callbacks } = run
    switch (message.type) {
      case 'text':
        return this.#tell(run, 'onText', () => callbacks.onText?.(message.text))
      case 'turn':
        return this.#tell(run, 'onTurn', () => callbacks.onTurn?.(message))
      case 'retry':
        return this.#tell(run, 'onRetry', () => callbacks.onRetry?.(message))
      case 'tool-call':
        void this.#answerToolCall(connection, run, message)
        return
      case 'done': {
        this.#crashes = 0
        const { type: _type, runId: _runId, ...result } = message
        return run.settle(result)
      }
    }
  }

  async #answerToolCall(connection: Connection, run: RunState, call: Extract<AgentToHost, { type: 'tool-call' }>): Promise<void> {
    let result: ToolCallResult
    try {
      result = await run.callbacks.onToolCall({ callId: call.callId, name: call.name, input: call.input })
    } catch (error) {
      this.#log.error('a tool call handler threw instead of returning an error result', { runId: run.runId, tool: call.name, error })
      result = { content: `the tool ${call.name} failed inside Commons: ${error instanceof Error ? error.message : String(error)}`, isError: true }
    }
    // A run that ended meanwhile (aborted, crashed) has nobody waiting for the result.
    if (run.settled || connection.exited) return
    this.#send(connection, { type: 'tool-result', runId: run.runId, callId: call.callId, content: result.content, isError: result.isError })
  }

  /** Calls a UI callback; one that throws is logged and does not disturb the run. */
  #tell(run: RunState, name: string, call: () => void): void {
    try {
      call()
    } catch (error) {
      this.#log.error(`a run's ${name} callback threw`, { runId: run.runId, error })
    }
  }

  #exited(connection: Connection, code: number | null, signal: string | null): void {
    if (connection.exited) return
    connection.exited = true
    clearTimeout(connection.timer)
    if (this.#connection === connection) this.#connection = null
    const reason = connection.closing
      ? 'the agent process was shut down before the run ended'
      : code === null && signal === null
        ? 'the agent process could not be started; the log says why'
        : `the agent process stopped unexpectedly (${signal ? `killed by ${signal}` : `exit code ${code}`})`
    if (!connection.closing) {
      this.#crashes += 1
      this.#log.error('the agent process stopped unexpectedly', { code, signal, pid: connection.pid, runs: connection.runs.size })
    }
    connection.exitReason = reason
    for (const run of [...connection.runs.values()]) run.settle({ outcome: 'crashed', reason })
    connection.markExited()
  }
}

async function exitsWithin(connection: Connection, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))
  const exited = await Promise.race([connection.exit.then(() => true as const), timeout])
  clearTimeout(timer)
  return exited
}
