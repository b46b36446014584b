import { randomUUID } from 'node:crypto'
import type { Logger } from '../../../shared/log.ts'
import { emptyUsage, type ModelStreamEvent, type ModelTurn, type StopReason, type TextBlock, type ToolUseBlock } from './types.ts'

/**
 * Assembles a streamed chat completion: `delta.content` pieces into text, `delta.tool_calls` pieces
 * (index, then id and name, then argument fragments) into tool calls, and the usage chunk.
 */

export interface ChatChunk {
  model?: string
  choices?: Array<{
    delta?: {
      content?: string | null
      tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>
    }
    finish_reason?: string | null
  }>
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } } | null
}

type ToolCallPiece = NonNullable<NonNullable<NonNullable<ChatChunk['choices']>[number]['delta']>['tool_calls']>[number]

interface PendingCall {
  id: string
  name: string
  arguments: string
  announced: boolean
}

export class ChatTurnAssembler {
  #text = ''
  readonly #calls: PendingCall[] = []
  #finishReason: string | undefined
  #model: string
  #usage = emptyUsage()

  constructor(
    model: string,
    private readonly emit: (event: ModelStreamEvent) => void,
    private readonly log?: Logger
  ) {
    this.#model = model
  }

  /** True once the server said why it stopped. */
  get finished(): boolean {
    return this.#finishReason !== undefined
  }

  add(chunk: ChatChunk): void {
    if (chunk.model) this.#model = chunk.model
    if (chunk.usage) {
      const prompt = chunk.usage.prompt_tokens ?? 0
      // OpenAI-style servers count cached prompt tokens inside prompt_tokens.
      const cached = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0
      const outputTokens = chunk.usage.completion_tokens ?? 0
      this.#usage = { inputTokens: prompt - cached, outputTokens, cacheReadTokens: cached, cacheWriteTokens: 0 }
    }
    const choice = chunk.choices?.[0]
    if (!choice) return
    const content = choice.delta?.content
    if (content) {
      this.#text += content
      this.emit({ type: 'text', text: content })
    }
    for (const piece of choice.delta?.tool_calls ?? []) this.#addToolCallPiece(piece)
    if (choice.finish_reason) this.#finishReason = choice.finish_reason
  }

  /** The whole turn; announces each tool call as finished, with its parsed input. */
  finish(): ModelTurn {
    const content: Array<TextBlock | ToolUseBlock> = this.#text ? [{ type: 'text', text: this.#text }] : []
    for (const call of this.#calls) {
      this.#announce(call)
      const input = this.#parseArguments(call)
      content.push({ type: 'tool_use', id: call.id, name: call.name, input })
      this.emit({ type: 'tool_call', phase: 'finished', id: call.id, name: call.name, input })
    }
    return { content, stopReason: this.#stopReason(), usage: this.#usage, model: this.#model }
  }

  #addToolCallPiece(piece: ToolCallPiece): void {
    const call = (this.#calls[this.#indexOf(piece)] ??= { id: '', name: '', arguments: '', announced: false })
    // Once announced, the id stays what the listener was told.
    if (piece.id && !call.announced) call.id = piece.id
    if (piece.function?.name) call.name = piece.function.name
    if (piece.function?.arguments) call.arguments += piece.function.arguments
    if (call.name) this.#announce(call)
  }

  /** Servers that send each call whole may leave out `index`: a new id or a second name starts a new call. */
  #indexOf(piece: ToolCallPiece): number {
    if (piece.index !== undefined) return piece.index
    const last = this.#calls.at(-1)
    if (!last) return 0
    const newId = piece.id !== undefined && piece.id !== last.id
    const newName = piece.function?.name !== undefined && last.name !== ''
    return newId || newName ? this.#calls.length : this.#calls.length - 1
  }

  #announce(call: PendingCall): void {
    if (call.announced) return
    // Some local servers send no call ids; the conversation needs one to pair the result with.
    call.id ||= `call_${randomUUID()}`
    call.announced = true
    this.emit({ type: 'tool_call', phase: 'started', id: call.id, name: call.name })
  }

  #parseArguments(call: PendingCall): unknown {
    if (call.arguments.trim() === '') return {}
    try {
      return JSON.parse(call.arguments) as unknown
    } catch {
      // Small local models sometimes write broken JSON; the tool's input check then tells the model.
      this.log?.warn('tool call arguments are not valid JSON', { tool: call.name, arguments: call.arguments.slice(0, 500) })
      return {}
    }
  }

  #stopReason(): StopReason {
    // Some servers (Ollama among them) say `stop` even when the turn ends in tool calls.
    if (this.#calls.length > 0) return 'tool_use'
    switch (this.#finishReason) {
      case 'length':
        return 'max_tokens'
      case 'content_filter':
        return 'refusal'
      default:
        return 'end_turn'
    }
  }
}
