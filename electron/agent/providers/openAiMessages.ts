import type { ConversationMessage, ModelRequest, ToolSpec } from './types.ts'

/** The canonical conversation as an OpenAI chat-completions request body. */

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string }

export interface ChatToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
}

export interface ChatTool {
  type: 'function'
  function: { name: string; description: string; parameters: Record<string, unknown> }
}

export function buildChatBody(request: ModelRequest, model: string): Record<string, unknown> {
  const tools = request.tools.map(toChatTool)
  // No sampling parameters: the local model's own defaults apply, as for Claude.
  return {
    model,
    messages: toChatMessages(request.system, request.messages),
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: request.maxOutputTokens,
    ...(tools.length > 0 ? { tools } : {})
  }
}

export function toChatTool(tool: ToolSpec): ChatTool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.inputSchema } }
}

/**
 * A user turn becomes one `tool` message per tool result (first, as they must follow the assistant's
 * tool calls) and then one `user` message with its text; an assistant turn becomes one message with
 * its text and `tool_calls`.
 */
export function toChatMessages(system: string, messages: ConversationMessage[]): ChatMessage[] {
  const chat: ChatMessage[] = system ? [{ role: 'system', content: system }] : []
  for (const message of messages) {
    if (message.role === 'user') {
      const texts: string[] = []
      for (const block of message.content) {
        if (block.type === 'text') texts.push(block.text)
        // Chat completions have no error flag on tool results; say it in the content.
        else chat.push({ role: 'tool', tool_call_id: block.tool_use_id, content: (block.is_error ? 'Error: ' : '') + block.content })
      }
      if (texts.length > 0) chat.push({ role: 'user', content: texts.join('\n\n') })
    } else {
      const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('')
      const toolCalls = message.content.flatMap((block): ChatToolCall[] =>
        block.type === 'tool_use'
          ? [{ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } }]
          : []
      )
      chat.push(
        toolCalls.length > 0 ? { role: 'assistant', content: text || null, tool_calls: toolCalls } : { role: 'assistant', content: text }
      )
    }
  }
  return chat
}
