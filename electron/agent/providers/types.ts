/**
 * The provider-neutral conversation model every model provider speaks.
 *
 * Content blocks are shaped like the Anthropic Messages API's (snake_case fields included), so the
 * Anthropic provider passes them through nearly as they are; the OpenAI-compatible provider converts
 * them to chat-completions messages.
 */

export type ProviderKind = 'anthropic' | 'openai-compatible'

export interface TextBlock {
  type: 'text'
  text: string
}

export interface ToolUseBlock {
  type: 'tool_use'
  /** Unique within the conversation; the matching tool_result names it in `tool_use_id`. */
  id: string
  name: string
  /** The tool's input, parsed from the model's JSON (an object for any tool with an object schema). */
  input: unknown
}

export interface ToolResultBlock {
  type: 'tool_result'
  tool_use_id: string
  content: string
  /** The tool failed; `content` says why, for the model to read. */
  is_error?: boolean
}

/** What a person (or the app on their behalf, with tool results) says. */
export interface UserMessage {
  role: 'user'
  content: Array<TextBlock | ToolResultBlock>
}

/** What the model said: text and tool calls, in order. */
export interface AssistantMessage {
  role: 'assistant'
  content: Array<TextBlock | ToolUseBlock>
}

/** Turns alternate user / assistant and start with the user's. */
export type ConversationMessage = UserMessage | AssistantMessage

export interface ToolSpec {
  name: string
  description: string
  /** A JSON schema with `type: 'object'` at the top. */
  inputSchema: Record<string, unknown>
}

export interface ModelRequest {
  /**
   * Model id, e.g. `claude-sonnet-5-5`. The OpenAI-compatible provider uses its configured model when
   * this is empty.
   */
  model: string
  /** The stable instructions of a task; sent first so it can be read from the prompt cache. Empty: none. */
  system: string
  tools: ToolSpec[]
  messages: ConversationMessage[]
  maxOutputTokens: number
  /** Aborting ends the turn promptly with a ModelError whose reason is 'aborted'. */
  signal?: AbortSignal
}

/** Why the model stopped. `context_window_exceeded`: the conversation no longer fits the model. */
export type StopReason =
  | 'end_turn'
  | 'tool_use'
  | 'max_tokens'
  | 'stop_sequence'
  | 'refusal'
  | 'pause_turn'
  | 'context_window_exceeded'

/**
 * Tokens of one turn. Input is split three ways (the Anthropic API's accounting): `inputTokens` were
 * processed without the cache, `cacheReadTokens` were read from it, `cacheWriteTokens` were written to
 * it. Total prompt size = the three added up.
 */
export interface TokenUsage {
  inputTokens: number
  outputTokens: number
  cacheReadTokens: number
  cacheWriteTokens: number
}

export interface ModelTurn {
  content: Array<TextBlock | ToolUseBlock>
  stopReason: StopReason
  usage: TokenUsage
  /** The model that answered, as the server names it. */
  model: string
  /** The server's id for the request, for support questions (Anthropic's `request-id`). */
  requestId?: string
}

/** Why a request is tried again; a subset of ModelErrorReason (see modelErrors.ts). */
export type RetryReason = 'rate-limited' | 'overloaded' | 'server-error' | 'unreachable'

export type ModelStreamEvent =
  /** A piece of the reply's text, to show as it arrives. */
  | { type: 'text'; text: string }
  /** The model began a tool call; its input is still streaming. */
  | { type: 'tool_call'; phase: 'started'; id: string; name: string }
  /** The tool call's input is complete. */
  | { type: 'tool_call'; phase: 'finished'; id: string; name: string; input: unknown }
  /** The last attempt failed before any content arrived; the next starts after `delayMs`. */
  | { type: 'retry'; attempt: number; delayMs: number; reason: RetryReason; message: string }

export type ModelEventListener = (event: ModelStreamEvent) => void

export interface ConnectionCheck {
  ok: true
  /** Model ids the endpoint offers, when it lists them. */
  models?: string[]
  /** Something to fix soon, e.g. the model reaches end of life (models.ts). */
  warning?: string
}

export interface ModelProvider {
  readonly kind: ProviderKind
  /**
   * Runs one model turn, streaming what arrives to `onEvent`, and resolves with the whole turn.
   * Rejects with a ModelError (modelErrors.ts).
   */
  streamTurn(request: ModelRequest, onEvent?: ModelEventListener): Promise<ModelTurn>
  /**
   * Checks the endpoint answers and the credentials work; with `model`, that the model exists too.
   * Rejects with a ModelError that says what to fix.
   */
  testConnection(model?: string): Promise<ConnectionCheck>
}

export const emptyUsage = (): TokenUsage => ({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 })
