/**
 * The stored conversation of a private session, and what is sent to the model.
 *
 * The store keeps each message as it happened, including a person's message whose reply failed. The
 * model wants turns that alternate, so consecutive messages of one role are merged when sent; the
 * run's new messages are then what follows the sent ones in the conversation the agent returns.
 */

import type { AssistantMessage, ConversationMessage, UserMessage } from '../../agent/providers/types.ts'

export function userText(text: string): UserMessage {
  return { role: 'user', content: [{ type: 'text', text }] }
}

/** The text of a message: its text blocks, joined. */
export function textOf(message: ConversationMessage): string {
  return message.content
    .flatMap((block) => (block.type === 'text' ? [block.text] : []))
    .join('\n\n')
    .trim()
}

/** The conversation as the model takes it: consecutive messages of one role merged into one. */
export function forModel(messages: readonly ConversationMessage[]): ConversationMessage[] {
  const merged: ConversationMessage[] = []
  for (const message of messages) {
    const last = merged.at(-1)
    if (last?.role === 'user' && message.role === 'user') {
      merged[merged.length - 1] = { role: 'user', content: [...last.content, ...message.content] }
    } else if (last?.role === 'assistant' && message.role === 'assistant') {
      merged[merged.length - 1] = { role: 'assistant', content: [...last.content, ...message.content] }
    } else merged.push(structuredClone(message))
  }
  return merged
}

/**
 * The messages a run added, made safe to keep and send again: a tool call left without its result (a run
 * stopped mid-tool) is dropped, and reply text that streamed but never made it into a message (a run
 * stopped mid-turn) is kept, so the person keeps what they saw.
 */
export function runTail(returned: readonly ConversationMessage[], sentCount: number, streamedText: string): ConversationMessage[] {
  const tail = structuredClone(returned.slice(sentCount))
  const last = tail.at(-1)
  if (last?.role === 'assistant' && last.content.some((block) => block.type === 'tool_use')) {
    const text = last.content.filter((block) => block.type === 'text')
    if (text.length === 0) tail.pop()
    else tail[tail.length - 1] = { role: 'assistant', content: text }
  }
  const kept = tail
    .filter((message): message is AssistantMessage => message.role === 'assistant')
    .flatMap((message) => message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])))
    .join('')
  if (streamedText.length > kept.length && streamedText.startsWith(kept)) {
    const rest = streamedText.slice(kept.length)
    if (rest.trim() !== '') {
      const end = tail.at(-1)
      if (end?.role === 'assistant') end.content.push({ type: 'text', text: rest })
      else tail.push({ role: 'assistant', content: [{ type: 'text', text: rest }] })
    }
  }
  return tail
}
