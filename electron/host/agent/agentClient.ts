import type { AgentToHost, HostToAgent, RunDone, RunRequestMessage } from '../../agent/protocol.ts'

/**
 * How the Host talks to the agent process. The task runner and the private assistant start runs through
 * an AgentClient; the supervisor behind it (agentSupervisor.ts) owns the process, restarts it when it
 * dies, and ends the runs it was carrying with outcome 'crashed'.
 */

/** One process's message channel. Node's `child_process.fork` backs it under the CLI, the web host and
 * tests; Electron's `utilityProcess` backs it in the desktop app (made in electron/main.ts). */
export interface AgentTransport {
  send(message: HostToAgent): void
  onMessage(listener: (message: unknown) => void): void
  onExit(listener: (code: number | null, signal: string | null) => void): void
  kill(): void
}

export type AgentTransportFactory = () => AgentTransport

export type RunRequest = Omit<RunRequestMessage, 'type' | 'runId'>

export interface ToolCall {
  callId: string
  name: string
  input: unknown
}

export interface ToolCallResult {
  content: string
  isError: boolean
}

export interface RunCallbacks {
  /** A piece of the reply's text as it streams. */
  onText?(text: string): void
  /** The model asked for a tool; resolve with what to tell it. Must not reject: errors are results with isError. */
  onToolCall(call: ToolCall): Promise<ToolCallResult>
  onTurn?(turn: Extract<AgentToHost, { type: 'turn' }>): void
  onRetry?(retry: Extract<AgentToHost, { type: 'retry' }>): void
}

/** How a run ended: the agent's own report, or 'crashed' when the process died under it. */
export type RunResult = Omit<RunDone, 'type' | 'runId'> | { outcome: 'crashed'; reason: string }

export interface AgentRun {
  readonly runId: string
  readonly done: Promise<RunResult>
  abort(reason: string): void
}

export interface AgentClient {
  start(request: RunRequest, callbacks: RunCallbacks): AgentRun
  /** Ends the agent process after aborting what runs. */
  close(): Promise<void>
}
