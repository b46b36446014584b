import type {
  ContentBlock,
  Message,
  MessageDeltaUsage,
  RawMessageStreamEvent,
  StopReason,
  Usage
} from '@anthropic-ai/sdk/resources/messages'
import type { CacheUsage } from './promptCache.ts'
import { splitIntoChunks, type ScriptedBlock } from './script.ts'
import type { SseWriter } from './sse.ts'
import { estimateTokens, fakeId } from './tokens.ts'

/** Builds the Message a scripted turn stands for, and streams it the way the API does. */

export interface StreamPacing {
  /** Pause before every delta but the first, so a test can act mid-stream. */
  chunkDelayMs: number
  /** Pieces each text (and, at least two, each tool input) is split into. */
  textChunks: number
}

export const DEFAULT_TEXT_CHUNKS = 4

export function scriptedContent(blocks: ScriptedBlock[]): ContentBlock[] {
  return blocks.map((block): ContentBlock =>
    block.type === 'text'
      ? { type: 'text', text: block.text, citations: null }
      : { type: 'tool_use', id: block.id ?? fakeId('toolu_01'), name: block.name, input: block.input, caller: { type: 'direct' } }
  )
}

export function defaultStopReason(content: ContentBlock[]): StopReason {
  return content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn'
}

export function outputTokens(content: ContentBlock[]): number {
  let tokens = 0
  for (const block of content) {
    if (block.type === 'text') tokens += estimateTokens(block.text)
    else if (block.type === 'tool_use') tokens += estimateTokens({ name: block.name, input: block.input })
  }
  // The API never reports zero output tokens, even for an empty reply.
  return Math.max(1, tokens)
}

export function fullUsage(input: CacheUsage, output: number): Usage {
  return {
    ...input,
    output_tokens: output,
    output_tokens_details: { thinking_tokens: 0 },
    server_tool_use: null,
    service_tier: 'standard',
    speed: 'standard',
    inference_geo: null
  }
}

export function buildMessage(fields: { model: string; content: ContentBlock[]; stopReason: StopReason; usage: Usage }): Message {
  return {
    id: fakeId('msg_01'),
    type: 'message',
    role: 'assistant',
    model: fields.model,
    content: fields.content,
    stop_reason: fields.stopReason,
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: fields.usage
  }
}

/**
 * message_start (content empty, stop_reason null, output_tokens 1), a ping, then per block
 * content_block_start / deltas / content_block_stop (a ping after each), then message_delta with the
 * stop reason and cumulative usage, and message_stop.
 */
export async function streamMessage(writer: SseWriter, message: Message, pacing: StreamPacing): Promise<void> {
  const send = (event: RawMessageStreamEvent) => writer.event(event.type, event)
  let deltasSent = 0
  const sendDelta = async (event: RawMessageStreamEvent) => {
    if (deltasSent++ > 0) await writer.pause(pacing.chunkDelayMs)
    send(event)
  }

  sendStart(writer, message)
  for (const [index, block] of message.content.entries()) {
    if (writer.stopped) return
    if (block.type === 'text') {
      send({ type: 'content_block_start', index, content_block: { ...block, text: '' } })
      for (const text of splitIntoChunks(block.text, pacing.textChunks)) {
        await sendDelta({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } })
      }
    } else if (block.type === 'tool_use') {
      send({ type: 'content_block_start', index, content_block: { ...block, input: {} } })
      for (const partial_json of splitIntoChunks(JSON.stringify(block.input ?? {}), Math.max(2, pacing.textChunks))) {
        await sendDelta({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } })
      }
    }
    send({ type: 'content_block_stop', index })
    writer.event('ping', { type: 'ping' })
  }
  if (writer.stopped) return

  const usage: MessageDeltaUsage = {
    input_tokens: message.usage.input_tokens,
    cache_creation_input_tokens: message.usage.cache_creation_input_tokens,
    cache_read_input_tokens: message.usage.cache_read_input_tokens,
    output_tokens: message.usage.output_tokens,
    output_tokens_details: message.usage.output_tokens_details,
    server_tool_use: null
  }
  send({
    type: 'message_delta',
    delta: { stop_reason: message.stop_reason, stop_sequence: null, stop_details: null, container: null },
    usage
  })
  send({ type: 'message_stop' })
}

/** Starts a message like streamMessage, streams `afterText` if given, then sends an `error` event. */
export async function streamThenFail(
  writer: SseWriter,
  message: Message,
  afterText: string | undefined,
  error: { type: string; message: string },
  pacing: StreamPacing
): Promise<void> {
  sendStart(writer, message)
  if (afterText) {
    const textBlock = { type: 'text', text: '', citations: null }
    writer.event('content_block_start', { type: 'content_block_start', index: 0, content_block: textBlock })
    for (const [chunkIndex, text] of splitIntoChunks(afterText, pacing.textChunks).entries()) {
      if (chunkIndex > 0) await writer.pause(pacing.chunkDelayMs)
      writer.event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })
    }
  }
  writer.event('error', { type: 'error', error })
}

function sendStart(writer: SseWriter, message: Message): void {
  const start: RawMessageStreamEvent = {
    type: 'message_start',
    message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } }
  }
  writer.event(start.type, start)
  writer.event('ping', { type: 'ping' })
}
