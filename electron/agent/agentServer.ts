import { createLogger, type Logger } from '../../shared/log.ts'
import { runModelLoop, type ModelLoopServices, type ToolCallAnswer } from './modelLoop.ts'
import { hostToAgent, type AgentToHost, type HostToAgent, type RunRequestMessage } from './protocol.ts'
import { createProvider, type ModelProvider, type ProviderConfig } from './providers/index.ts'

/**
 * The agent process's side of the protocol, apart from the process itself (agentProcess.ts wires it to
 * the IPC channel): validates what the Host sends, runs many runs at once keyed by runId, routes tool
 * results to the run waiting for them, and aborts runs on request or at shutdown. A message that does
 * not parse, or names a run or tool call that is not waiting, is logged and dropped.
 */

export interface AgentServerOptions {
  send(message: AgentToHost): void
  /** Default: the real providers, logging through `log`. */
  createProvider?: (config: ProviderConfig) => ModelProvider
  /** Told once after a `shutdown` message, when every run has sent its `done`. */
  onShutdown?: () => void
  log?: Logger
}

interface ActiveRun {
  controller: AbortController
  /** Tool calls waiting for the Host's result, by callId. */
  waiting: Map<string, (answer: ToolCallAnswer) => void>
  finished: Promise<void>
}

export const SHUTDOWN_REASON = 'the agent process is shutting down'

export class AgentServer {
  readonly #runs = new Map<string, ActiveRun>()
  readonly #log: Logger
  readonly #createProvider: (config: ProviderConfig) => ModelProvider
  #stopping = false

  constructor(private readonly options: AgentServerOptions) {
    this.#log = options.log ?? createLogger({ scope: 'agent' })
    const log = this.#log
    this.#createProvider = options.createProvider ?? ((config) => createProvider(config, { log: log.child('models') }))
  }

  get activeRuns(): number {
    return this.#runs.size
  }

  /** Handles one message from the Host, whatever it is. */
  receive(raw: unknown): void {
    const parsed = hostToAgent.safeParse(raw)
    if (!parsed.success) {
      const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`)
      this.#log.warn('dropped a message from the Host that does not match the protocol', { type: typeOf(raw), problems })
      return
    }
    this.#handle(parsed.data)
  }

  /** Aborts every run; resolves when each has sent its `done`. */
  async stop(reason: string): Promise<void> {
    this.#stopping = true
    const finished = [...this.#runs.values()].map((run) => {
      run.controller.abort(reason)
      return run.finished
    })
    await Promise.all(finished)
  }

  #handle(message: HostToAgent): void {
    switch (message.type) {
      case 'run':
        return this.#start(message)
      case 'tool-result': {
        const answer = this.#runs.get(message.runId)?.waiting.get(message.callId)
        if (!answer) {
          this.#log.warn('dropped a tool result no run is waiting for', { runId: message.runId, callId: message.callId })
          return
        }
        return answer({ content: message.content, isError: message.isError })
      }
      case 'abort': {
        const run = this.#runs.get(message.runId)
        if (!run) return this.#log.debug('abort for a run that is not running', { runId: message.runId })
        return run.controller.abort(message.reason)
      }
      case 'shutdown':
        void this.stop(SHUTDOWN_REASON).then(() => this.options.onShutdown?.())
        return
    }
  }

  #start(message: RunRequestMessage): void {
    const { runId } = message
    if (this.#stopping) return this.#log.warn('dropped a run that arrived during shutdown', { runId })
    if (this.#runs.has(runId)) return this.#log.warn('dropped a run whose id is already running', { runId })

    const controller = new AbortController()
    const waiting = new Map<string, (answer: ToolCallAnswer) => void>()
    const services: ModelLoopServices = {
      createProvider: this.#createProvider,
      emit: (event) => this.options.send(event),
      log: this.#log,
      callTool: (call, signal) =>
        new Promise<ToolCallAnswer>((resolve) => {
          waiting.set(call.callId, (answer) => {
            waiting.delete(call.callId)
            resolve(answer)
          })
          // The loop stops waiting on abort by itself; this only forgets the call.
          signal.addEventListener('abort', () => waiting.delete(call.callId), { once: true })
          this.options.send({ type: 'tool-call', runId, callId: call.callId, name: call.name, input: call.input })
        })
    }
    this.#log.debug('run started', { runId, model: message.model, provider: message.provider.kind })
    const finished = runModelLoop(message, services, controller.signal)
      .then((done) => {
        this.#runs.delete(runId)
        this.options.send(done)
      })
      .catch((error: unknown) => this.#log.error('could not report the end of a run', { runId, error }))
    this.#runs.set(runId, { controller, waiting, finished })
  }
}

function typeOf(raw: unknown): string {
  if (typeof raw === 'object' && raw !== null && typeof (raw as { type?: unknown }).type === 'string') return (raw as { type: string }).type
  return raw === null ? 'null' : typeof raw
}
