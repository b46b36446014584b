import { splitIntoChunks, type ScriptedBlock } from './script.ts'
import type { SseWriter } from './sse.ts'
import { estimateTokens, fakeId } from './tokens.ts'

/** Chat-completions replies as OpenAI-compatible local servers (Ollama, LM Studio, llama.cpp) send them. */

export type FinishReason = 'stop' | 'tool_calls' | 'length'

export interface ToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
}

export interface Completion {
  id: string
  created: number
  model: string
  text: string
  toolCalls: ToolCall[]
  finishReason: FinishReason
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
}

export function buildCompletion(fields: {
  model: string
  content: ScriptedBlock[]
  finishReason: FinishReason | undefined
  promptTokens: number
}): Completion {
  const text = fields.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('')
  const toolCalls = fields.content.flatMap((block): ToolCall[] =>
    block.type === 'tool_use'
      ? [{ id: block.id ?? fakeId('call_'), type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } }]
      : []
  )
  const completionTokens = Math.max(1, estimateTokens(text) + toolCalls.reduce((sum, call) => sum + estimateTokens(call.function), 0))
  return {
    id: fakeId('chatcmpl-'),
    created: Math.floor(Date.now() / 1000),
    model: fields.model,
    text,
    toolCalls,
    finishReason: fields.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    usage: {
      prompt_tokens: fields.promptTokens,
      completion_tokens: completionTokens,
      total_tokens: fields.promptTokens + completionTokens
    }
  }
}

export function completionBody(completion: Completion): unknown {
  return {
    id: completion.id,
    object: 'chat.completion',
    created: completion.created,
    model: completion.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: completion.toolCalls.length > 0 && !completion.text ? null : completion.text,
          ...(completion.toolCalls.length > 0 ? { tool_calls: completion.toolCalls } : {})
        },
        finish_reason: completion.finishReason
      }
    ],
    usage: completion.usage
  }
}

export interface ChunkPacing {
  chunkDelayMs: number
  textChunks: number
  /** `stream_options.include_usage`: a last chunk with empty choices and the usage. */
  includeUsage: boolean
}

/**
 * A role chunk, text deltas, then per tool call a chunk with index, id and name followed by argument
 * pieces, a chunk with finish_reason, the usage chunk when asked for, and `data: [DONE]`.
 */
export async function streamCompletion(writer: SseWriter, completion: Completion, pacing: ChunkPacing): Promise<void> {
  const chunk = (delta: Record<string, unknown>, finishReason: FinishReason | null = null) => ({
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }]
  })
  let deltasSent = 0
  const sendDelta = async (delta: Record<string, unknown>) => {
    if (deltasSent++ > 0) await writer.pause(pacing.chunkDelayMs)
    writer.data(chunk(delta))
  }

  writer.data(chunk({ role: 'assistant', content: '' }))
  for (const content of splitIntoChunks(completion.text, pacing.textChunks)) await sendDelta({ content })
  for (const [index, call] of completion.toolCalls.entries()) {
    await sendDelta({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] })
    for (const piece of splitIntoChunks(call.function.arguments, Math.max(2, pacing.textChunks))) {
      await sendDelta({ tool_calls: [{ index, function: { arguments: piece } }] })
    }
  }
  if (writer.stopped) return
  writer.data(chunk({}, completion.finishReason))
  if (pacing.includeUsage) {
    const { id, created, model, usage } = completion
    writer.data({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })
  }
  writer.data('[DONE]')
}

/** Some text, then an error object in the stream, as local servers report a failure mid-generation. */
export async function streamThenFail(writer: SseWriter, completion: Completion, message: string, pacing: ChunkPacing): Promise<void> {
  await streamTextOnly(writer, completion, pacing)
  writer.data({ error: { message, type: 'server_error', code: null, param: null } })
}

async function streamTextOnly(writer: SseWriter, completion: Completion, pacing: ChunkPacing): Promise<void> {
  const base = { id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model }
  writer.data({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })
  for (const [index, content] of splitIntoChunks(completion.text, pacing.textChunks).entries()) {
    if (index > 0) await writer.pause(pacing.chunkDelayMs)
    writer.data({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] })
  }
}
