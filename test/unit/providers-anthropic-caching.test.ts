import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../shared/log.ts'
import { createAnthropicProvider } from '../../electron/agent/providers/anthropicProvider.ts'
import { estimateCostUsd } from '../../electron/agent/providers/pricing.ts'
import type { ConversationMessage, ModelProvider, ModelRequest, TokenUsage, ToolSpec } from '../../electron/agent/providers/types.ts'
import { countBreakpoints } from '../fakes/promptCache.ts'
import { estimateInputTokens, startFakeMessagesApi, type FakeMessagesApi } from '../fakes/messagesApi.ts'

// Prompt caching, measured by the fake (which caches as the API does, 1024-token minimum, 20-block
// lookback): the provider's layout must make repeated turns read their prefix from the cache.

const MODEL = 'claude-sonnet-5-5'

let fake: FakeMessagesApi
let models: ModelProvider

beforeEach(async () => {
  fake = await startFakeMessagesApi()
  models = createAnthropicProvider({ apiKey: 'sk-ant-test', baseURL: fake.url, sleep: async () => {}, log: silentLogger })
})
afterEach(async () => {
  for (const request of fake.requests) expect(countBreakpoints(request.body)).toBeLessThanOrEqual(4)
  await fake.close()
})

const tools: ToolSpec[] = ['search', 'read_note', 'write_note', 'post_message'].map((name) => ({
  name,
  description: `${name}: ${'Explains in detail when and how to use this tool. '.repeat(12)}`,
  inputSchema: { type: 'object', properties: { query: { type: 'string' }, id: { type: 'string' } } }
}))
const system = 'You are Robin, a coworker in this workspace. Follow the team guidelines closely. '.repeat(40)

function request(messages: ConversationMessage[]): ModelRequest {
  return { model: MODEL, system, tools, messages, maxOutputTokens: 2048 }
}
const user = (text: string): ConversationMessage => ({ role: 'user', content: [{ type: 'text', text }] })
const reply = (text: string) => ({ type: 'message' as const, content: [{ type: 'text' as const, text }] })
const promptTokensOf = (index: number) => estimateInputTokens(fake.requests[index]?.body ?? {})

describe('Anthropic provider: prompt caching layout', () => {
  it('a repeated task reads the whole request from the cache the second time', async () => {
    fake.script(reply('Summary one.'), reply('Summary two.'))
    const task = request([user('Summarize the #design channel since Monday.')])

    const first = await models.streamTurn(task)
    const second = await models.streamTurn(task)

    const total = promptTokensOf(0)
    expect(first.usage).toMatchObject({ cacheReadTokens: 0, cacheWriteTokens: total, inputTokens: 0 })
    expect(second.usage).toMatchObject({ cacheReadTokens: total, cacheWriteTokens: 0, inputTokens: 0 })
    expect(fake.cacheStats).toMatchObject({ reads: 1, writes: 1, readTokens: total, writtenTokens: total })
  })

  it('another task of the same coworker reads the tools and system prompt from the cache', async () => {
    fake.script(reply('One.'), reply('Two.'))
    await models.streamTurn(request([user('Summarize #design.')]))
    const other = await models.streamTurn(request([user('Draft the release notes for 2.1.')]))

    const prefix = estimateInputTokens({ tools: fake.requests[1]?.body.tools, system: fake.requests[1]?.body.system })
    expect(other.usage.cacheReadTokens).toBe(prefix)
    expect(other.usage.cacheWriteTokens).toBe(promptTokensOf(1) - prefix)
  })

  it('the next turn of a conversation reads everything the previous turn sent', async () => {
    fake.script(
      { type: 'message', content: [{ type: 'tool_use', id: 'toolu_1', name: 'search', input: { query: 'launch date' } }] },
      reply('The launch is on March 3rd.')
    )
    const messages: ConversationMessage[] = [user('When do we launch?')]
    const first = await models.streamTurn(request(messages))
    messages.push(
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'Roadmap: launch March 3rd.' }] }
    )
    const second = await models.streamTurn(request(messages))

    expect(second.usage.cacheReadTokens).toBe(promptTokensOf(0))
    expect(second.usage.cacheWriteTokens).toBe(promptTokensOf(1) - promptTokensOf(0))
    expect(second.usage.inputTokens).toBe(0)
  })

  it('still reads the previous turn after an assistant turn with more blocks than the cache looks back over', async () => {
    // 12 parallel tool calls and their 12 results put the previous breakpoint 24 blocks back, beyond
    // the 20-block lookback: only the breakpoint kept on the previous user message finds it.
    const calls = Array.from({ length: 12 }, (_, index) => ({ type: 'tool_use' as const, id: `toolu_${index}`, name: 'read_note', input: { id: `note-${index}` } }))
    fake.script({ type: 'message', content: calls }, reply('Read them all.'))
    const messages: ConversationMessage[] = [user('Read notes 0 to 11.')]
    const first = await models.streamTurn(request(messages))
    messages.push(
      { role: 'assistant', content: first.content },
      { role: 'user', content: calls.map((call) => ({ type: 'tool_result' as const, tool_use_id: call.id, content: `Contents of ${call.input.id}` })) }
    )
    const second = await models.streamTurn(request(messages))

    expect(second.usage.cacheReadTokens).toBe(promptTokensOf(0))
    expect(countBreakpoints(fake.requests[1]?.body ?? {})).toBe(4)
  })

  it('a 20-turn tool-using conversation reads most of its input from the cache', async () => {
    const turns = 20
    fake.script(
      ...Array.from({ length: turns - 1 }, (_, index) => ({
        type: 'message' as const,
        content: [
          { type: 'text' as const, text: `Step ${index + 1}: checking the next note.` },
          { type: 'tool_use' as const, id: `toolu_step_${index}`, name: 'read_note', input: { id: `note-${index}` } }
        ]
      })),
      reply('All twenty notes are consistent.')
    )
    const messages: ConversationMessage[] = [user('Check that all notes in the Handbook agree with each other.')]
    const totals: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }
    let cost = 0
    for (let turn = 0; turn < turns; turn++) {
      const result = await models.streamTurn(request(messages))
      for (const key of Object.keys(totals) as Array<keyof TokenUsage>) totals[key] += result.usage[key]
      cost += estimateCostUsd(MODEL, result.usage)
      const call = result.content.find((block) => block.type === 'tool_use')
      if (!call) break
      messages.push(
        { role: 'assistant', content: result.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: `Note ${JSON.stringify(call.input)}: ${'Policy text. '.repeat(30)}` }] }
      )
    }

    const input = totals.inputTokens + totals.cacheReadTokens + totals.cacheWriteTokens
    const cachedShare = totals.cacheReadTokens / input
    const uncachedCost = estimateCostUsd(MODEL, { ...totals, inputTokens: input, cacheReadTokens: 0, cacheWriteTokens: 0 })
    const measured = `${(cachedShare * 100).toFixed(1)}% of ${input} input tokens from cache; $${cost.toFixed(4)} vs $${uncachedCost.toFixed(4)} uncached`

    expect(fake.requests).toHaveLength(turns)
    expect(fake.cacheStats.reads).toBe(turns - 1)
    expect(totals.cacheReadTokens).toBe(fake.cacheStats.readTokens)
    // Measured when written: 92.6% of 61,060 input tokens; $0.040 instead of $0.189.
    expect(cachedShare, measured).toBeGreaterThan(0.9)
    expect(cost, measured).toBeLessThan(uncachedCost / 4)
  })
})
