/**
 * In-memory stand-ins for what the private assistant is given (agent client, tool registry, model
 * settings), for the assistant's own tests. Each records what it was asked.
 */

import type { ConversationMessage } from '../../electron/agent/providers/types.ts'
import type { ProviderConfig } from '../../electron/agent/providers/index.ts'
import type { AgentClient, AgentRun, RunCallbacks, RunRequest, RunResult } from '../../electron/host/agent/agentClient.ts'
import type { ModelSettings } from '../../electron/host/settings/modelSettingsTypes.ts'
import type { ToolContext, ToolOutcome, ToolRegistry } from '../../electron/host/tools/toolTypes.ts'

const emptyUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }

/** What one scripted run does: it may stream, call tools, wait for an abort, and then ends with a result. */
export type ScriptedRun = (run: { request: RunRequest; callbacks: RunCallbacks; aborted: Promise<string> }) => Promise<RunResult>

export class ScriptedAgent implements AgentClient {
  readonly requests: RunRequest[] = []
  readonly #script: ScriptedRun[] = []
  #next = 0

  script(...runs: ScriptedRun[]): void {
    this.#script.push(...runs)
  }

  start(request: RunRequest, callbacks: RunCallbacks): AgentRun {
    this.requests.push(structuredClone(request))
    const scripted = this.#script.shift()
    if (scripted === undefined) throw new Error('ScriptedAgent: no run scripted')
    let abort: (reason: string) => void = () => {}
    const aborted = new Promise<string>((resolve) => (abort = resolve))
    return { runId: `run-${++this.#next}`, done: scripted({ request, callbacks, aborted }), abort: (reason) => abort(reason) }
  }

  async close(): Promise<void> {}
}

export function done(request: RunRequest, added: ConversationMessage[], outcome: 'completed' | 'aborted' | 'budget' = 'completed', reason: string | null = null): Exclude<RunResult, { outcome: 'crashed' }> {
  const text = added.flatMap((message) => (message.role === 'assistant' ? message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])) : [])).join('')
  return { outcome, text, messages: [...request.messages, ...added], usage: emptyUsage, costUsd: 0, turns: 1, reason, error: null }
}

/** Streams `text` in a few pieces and completes. */
export const reply =
  (text: string): ScriptedRun =>
  async ({ request, callbacks }) => {
    for (const piece of text.match(/.{1,5}/gs) ?? []) callbacks.onText?.(piece)
    return done(request, [{ role: 'assistant', content: [{ type: 'text', text }] }])
  }

/** Calls one tool, then answers with `text` (and the tool's result appended in brackets). */
export const toolThenReply =
  (name: string, input: unknown, text: string): ScriptedRun =>
  async ({ request, callbacks }) => {
    const result = await callbacks.onToolCall({ callId: 'call_1', name, input })
    const answer = `${text} [${result.isError ? 'error' : 'ok'}: ${result.content}]`
    callbacks.onText?.(answer)
    return done(request, [
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name, input }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: result.content, ...(result.isError ? { is_error: true } : {}) }] },
      { role: 'assistant', content: [{ type: 'text', text: answer }] }
    ])
  }

/** Streams `partial`, then waits to be stopped and ends 'aborted' without the partial turn in its messages. */
export const streamUntilStopped =
  (partial: string, started?: () => void): ScriptedRun =>
  async ({ request, callbacks, aborted }) => {
    callbacks.onText?.(partial)
    started?.()
    const reason = await aborted
    return done(request, [], 'aborted', reason)
  }

/** Ends 'failed' with a model error, as the agent reports one. */
export const failWith =
  (reason: string, message: string, hint: string | null = null): ScriptedRun =>
  async ({ request }) => {
    return { ...done(request, []), outcome: 'failed', reason: message, error: { reason, message, hint } }
  }

export class FakeModelSettings implements ModelSettings {
  constructor(
    private readonly configs: { anthropic?: ProviderConfig | Error; local?: ProviderConfig | Error } = {
      anthropic: { kind: 'anthropic', apiKey: 'sk-ant-test' }
    }
  ) {}

  async anthropic(): Promise<ProviderConfig> {
    return this.#take(this.configs.anthropic, 'anthropic')
  }

  async local(): Promise<ProviderConfig> {
    return this.#take(this.configs.local, 'local')
  }

  defaultModel(): string {
    return 'claude-sonnet-5-5'
  }

  async canRunCoworkers(): Promise<boolean> {
    return this.configs.anthropic !== undefined && !(this.configs.anthropic instanceof Error)
  }

  #take(config: ProviderConfig | Error | undefined, name: string): ProviderConfig {
    if (config === undefined) throw new Error(`FakeModelSettings: no ${name} config`)
    if (config instanceof Error) throw config
    return config
  }
}

/** Offers the given specs; runs calls by name with `handlers`, recording each call and its caller. */
export class FakeToolRegistry implements ToolRegistry {
  readonly calls: Array<{ name: string; input: unknown; context: ToolContext }> = []

  constructor(
    readonly specs: Array<{ name: string; description: string; inputSchema: Record<string, unknown> }>,
    private readonly handlers: Record<string, (input: unknown, context: ToolContext) => string> = {}
  ) {}

  specsFor(): Array<{ name: string; description: string; inputSchema: Record<string, unknown> }> {
    return this.specs
  }

  async execute(call: { name: string; input: unknown }, context: ToolContext): Promise<ToolOutcome> {
    this.calls.push({ ...call, context })
    const handler = this.handlers[call.name]
    if (handler === undefined) return { content: `no tool ${call.name}`, isError: true, refused: 'unknown', summary: 'refused' }
    return { content: handler(call.input, context), isError: false, refused: null, summary: `ran ${call.name}` }
  }
}

export const spec = (name: string) => ({ name, description: `the ${name} tool`, inputSchema: { type: 'object', properties: {} } })
