import type {
  CacheControlEphemeral,
  Message,
  MessageCreateParamsBase,
  StopReason as AnthropicStopReason,
  TextBlockParam,
  Tool,
  ToolResultBlockParam,
  ToolUseBlockParam
} from '@anthropic-ai/sdk/resources/messages'
import type { ConversationMessage, ModelRequest, ModelTurn, StopReason, TextBlock, ToolUseBlock } from './types.ts'

/**
 * The canonical request as Messages API parameters, laid out for prompt caching, and the API's reply
 * as a ModelTurn.
 *
 * Caching layout (the API allows four `cache_control` breakpoints; this uses at most four):
 *   1. the last tool definition: the tools, which rarely change, are a prefix of their own;
 *   2. the system prompt: tools + instructions, shared by every task of a coworker;
 *   3. the last block of the latest user message: the whole conversation so far, so the next turn of
 *      the same task (or a repeat of the request) reads all of it from the cache;
 *   4. the last block of the user message before it: the prefix the previous turn wrote, marked again
 *      so the cache finds it exactly even when the assistant turn in between has more blocks than the
 *      API looks back over (20; e.g. many parallel tool calls).
 * The API caches prefixes in order tools → system → messages, so a change in one part leaves the parts
 * before it cached.
 */

export const MAX_CACHE_BREAKPOINTS = 4

const ephemeral = (): CacheControlEphemeral => ({ type: 'ephemeral' })

export function buildMessagesParams(request: ModelRequest): MessageCreateParamsBase {
  const tools: Tool[] = request.tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.inputSchema as Tool.InputSchema
  }))
  const lastTool = tools.at(-1)
  if (lastTool) lastTool.cache_control = ephemeral()

  const system: TextBlockParam[] | undefined = request.system
    ? [{ type: 'text', text: request.system, cache_control: ephemeral() }]
    : undefined

  const messages = request.messages.map(toMessageParam)
  markConversationPrefix(messages)

  // No sampling parameters: API version 2026-10-21 rejects temperature, top_p and top_k.
  return {
    model: request.model,
    max_tokens: request.maxOutputTokens,
    messages,
    ...(system ? { system } : {}),
    ...(tools.length > 0 ? { tools } : {})
  }
}

/** The block types Commons sends; each can carry a cache breakpoint. */
type BlockParam = TextBlockParam | ToolUseBlockParam | ToolResultBlockParam

interface MessageParamOut {
  role: 'user' | 'assistant'
  content: BlockParam[]
}

function toMessageParam(message: ConversationMessage): MessageParamOut {
  const content: BlockParam[] = []
  for (const block of message.content) {
    switch (block.type) {
      case 'text':
        // The API refuses empty text blocks; a model can end a turn with one.
        if (block.text !== '') content.push({ type: 'text', text: block.text })
        break
      case 'tool_use':
        content.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input })
        break
      case 'tool_result':
        content.push({
          type: 'tool_result',
          tool_use_id: block.tool_use_id,
          content: block.content,
          ...(block.is_error ? { is_error: true } : {})
        })
        break
    }
  }
  return { role: message.role, content }
}

/** Breakpoints 3 and 4 of the layout above: the last block of the last two user messages. */
function markConversationPrefix(messages: MessageParamOut[]): void {
  let marked = 0
  for (let index = messages.length - 1; index >= 0 && marked < 2; index--) {
    const message = messages[index]
    const last = message?.role === 'user' ? message.content.at(-1) : undefined
    if (!last) continue
    last.cache_control = ephemeral()
    marked++
  }
}

const STOP_REASONS: Record<AnthropicStopReason, StopReason> = {
  end_turn: 'end_turn',
  tool_use: 'tool_use',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  refusal: 'refusal',
  pause_turn: 'pause_turn',
  model_context_window_exceeded: 'context_window_exceeded'
}

/** The API's final message as a ModelTurn; block types Commons does not ask for are left out. */
export function toModelTurn(message: Message, requestId?: string | null): ModelTurn {
  const content: Array<TextBlock | ToolUseBlock> = []
  for (const block of message.content) {
    if (block.type === 'text') content.push({ type: 'text', text: block.text })
    else if (block.type === 'tool_use') content.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input })
  }
  const usage = message.usage
  return {
    content,
    stopReason: message.stop_reason ? (STOP_REASONS[message.stop_reason] ?? 'end_turn') : 'end_turn',
    usage: {
      inputTokens: usage.input_tokens,
      outputTokens: usage.output_tokens,
      cacheReadTokens: usage.cache_read_input_tokens ?? 0,
      cacheWriteTokens: usage.cache_creation_input_tokens ?? 0
    },
    model: message.model,
    ...(requestId ? { requestId } : {})
  }
}
