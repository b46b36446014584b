import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLogger, silentLogger } from '../../shared/log.ts'
import { createAnthropicProvider, type AnthropicProviderOptions } from '../../electron/agent/providers/anthropicProvider.ts'
import { createProvider } from '../../electron/agent/providers/index.ts'
import { isModelError, type ModelError } from '../../electron/agent/providers/modelErrors.ts'
import type { ConversationMessage, ModelRequest, ModelStreamEvent, ToolSpec } from '../../electron/agent/providers/types.ts'
import { startFakeMessagesApi, type FakeMessagesApi } from '../fakes/messagesApi.ts'

// The real SDK against the fake Messages API: streaming, tool use, request shape, connection checks.

const API_KEY = 'sk-ant-test-key'
const MODEL = 'claude-sonnet-5-5'

let fake: FakeMessagesApi

beforeEach(async () => {
  fake = await startFakeMessagesApi({ apiKey: API_KEY })
})
afterEach(async () => {
  // Whatever a test did, no request ever carried sampling parameters (API 2026-10-21 rejects them).
  for (const request of fake.requests) {
    expect(Object.keys(request.body)).not.toContain('temperature')
    expect(Object.keys(request.body)).not.toContain('top_p')
    expect(Object.keys(request.body)).not.toContain('top_k')
  }
  await fake.close()
})

function provider(options: Partial<AnthropicProviderOptions> = {}) {
  return createAnthropicProvider({ apiKey: API_KEY, baseURL: fake.url, sleep: async () => {}, log: silentLogger, ...options })
}

const weatherTool: ToolSpec = {
  name: 'get_weather',
  description: 'Current weather for a city.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }
}
const notesTool: ToolSpec = {
  name: 'read_note',
  description: 'Reads a note of the workspace.',
  inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }
}

function ask(text: string, extra: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: MODEL,
    system: 'You are a careful coworker.',
    tools: [weatherTool, notesTool],
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    maxOutputTokens: 1024,
    ...extra
  }
}

function collect() {
  const events: ModelStreamEvent[] = []
  return { events, onEvent: (event: ModelStreamEvent) => events.push(event), text: () => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])) }
}

describe('Anthropic provider: streaming', () => {
  it('streams text deltas and returns the whole turn with usage', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'Hello there, how can I help you today?' }], textChunks: 5 })
    const { events, onEvent, text } = collect()

    const turn = await provider().streamTurn(ask('Say hello.'), onEvent)

    expect(text()).toHaveLength(5)
    expect(text().join('')).toBe('Hello there, how can I help you today?')
    expect(events.every((event) => event.type === 'text')).toBe(true)
    expect(turn.content).toEqual([{ type: 'text', text: 'Hello there, how can I help you today?' }])
    expect(turn.stopReason).toBe('end_turn')
    expect(turn.model).toBe(MODEL)
    expect(turn.requestId).toMatch(/^req_/)
    expect(turn.usage.inputTokens).toBeGreaterThan(0)
    expect(turn.usage.outputTokens).toBeGreaterThan(1)
  })

  it('assembles a streamed tool call and reports it started, then finished with its parsed input', async () => {
    const input = { city: 'Lisbon', days: 3, units: 'metric' }
    fake.script({
      type: 'message',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_weather', name: 'get_weather', input }
      ]
    })
    const { events, onEvent } = collect()

    const turn = await provider().streamTurn(ask('Weather in Lisbon?'), onEvent)

    const toolEvents = events.filter((event) => event.type === 'tool_call')
    expect(toolEvents).toEqual([
      { type: 'tool_call', phase: 'started', id: 'toolu_weather', name: 'get_weather' },
      { type: 'tool_call', phase: 'finished', id: 'toolu_weather', name: 'get_weather', input }
    ])
    expect(events.findIndex((e) => e.type === 'tool_call')).toBeGreaterThan(events.findIndex((e) => e.type === 'text'))
    expect(turn.stopReason).toBe('tool_use')
    expect(turn.content).toEqual([
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_use', id: 'toolu_weather', name: 'get_weather', input }
    ])
  })

  it('sends tool results back and gets the next turn (is_error included)', async () => {
    fake.script(
      { type: 'message', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] },
      (request) => {
        const last = request.body.messages?.at(-1)
        const result = Array.isArray(last?.content) ? last.content.find((block) => block.type === 'tool_result') : undefined
        const said = result?.type === 'tool_result' ? `${String(result.content)} (error: ${String(result.is_error ?? false)})` : 'nothing'
        return { type: 'message', content: [{ type: 'text', text: `The tool said ${said}` }] }
      }
    )
    const models = provider()
    const first = await models.streamTurn(ask('Weather in Oslo?'))
    const messages: ConversationMessage[] = [
      ...ask('Weather in Oslo?').messages,
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'weather service is down', is_error: true }] }
    ]
    const second = await models.streamTurn(ask('', { messages }))

    expect(second.content).toEqual([{ type: 'text', text: 'The tool said weather service is down (error: true)' }])
  })

  it('sends Bearer auth, API version 2026-10-21, streaming, and the cache breakpoints of the layout', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'ok' }] })
    await provider().streamTurn(ask('Hi'))

    const [request] = fake.requests
    expect(request?.headers['authorization']).toBe(`Bearer ${API_KEY}`)
    expect(request?.headers['anthropic-version']).toBe('2026-10-21')
    // The SDK's own retries are off: the provider retries (and reports each retry).
    expect(request?.headers['x-stainless-retry-count']).toBe('0')
    const body = request?.body
    expect(body?.stream).toBe(true)
    expect(body?.max_tokens).toBe(1024)
    expect(body?.tools?.map((tool) => 'cache_control' in tool)).toEqual([false, true])
    expect(body?.system).toEqual([{ type: 'text', text: 'You are a careful coworker.', cache_control: { type: 'ephemeral' } }])
    expect(body?.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral' } }] }])
  })

  it('leaves out an empty system prompt, no tools, and empty text blocks', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'ok' }] })
    const messages: ConversationMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'One' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Two' }, { type: 'text', text: '' }] },
      { role: 'user', content: [{ type: 'text', text: 'Three' }] }
    ]
    await provider().streamTurn(ask('', { system: '', tools: [], messages }))

    const body = fake.requests[0]?.body
    expect(body && 'system' in body).toBe(false)
    expect(body && 'tools' in body).toBe(false)
    expect(body?.messages?.[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Two' }] })
  })

  it('is what createProvider builds for an anthropic config', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'via index' }] })
    const models = createProvider({ kind: 'anthropic', apiKey: API_KEY, baseURL: fake.url }, { log: silentLogger })
    expect(models.kind).toBe('anthropic')
    expect((await models.streamTurn(ask('Hi'))).content).toEqual([{ type: 'text', text: 'via index' }])
  })

  it('stops the stream and rethrows when an event listener throws', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'x'.repeat(200) }], textChunks: 20 })
    const bug = new Error('listener bug')
    const error = await provider()
      .streamTurn(ask('Hi'), () => {
        throw bug
      })
      .catch((caught: unknown) => caught)
    expect(error).toBe(bug)
    expect(fake.requests).toHaveLength(1)
  })
})

describe('Anthropic provider: abort', () => {
  it('ends promptly with reason aborted when aborted mid-stream', async () => {
    // 50 chunks 10 s apart: the test would time out if the abort did not end the stream at once.
    fake.script({ type: 'message', content: [{ type: 'text', text: 'x'.repeat(200) }], textChunks: 50, chunkDelayMs: 10_000 })
    const abort = new AbortController()
    const { onEvent, text } = collect()

    const error = await provider()
      .streamTurn(ask('Write a lot.', { signal: abort.signal }), (event) => {
        onEvent(event)
        abort.abort()
      })
      .catch((caught: unknown) => caught)

    expect(isModelError(error, 'aborted')).toBe(true)
    expect(text()).toHaveLength(1)
    expect(fake.requests).toHaveLength(1)
  })

  it('ends with aborted when aborted while the request waits for an answer', async () => {
    const abort = new AbortController()
    fake.script(() => {
      abort.abort()
      return { type: 'hang' }
    })
    const error = await provider().streamTurn(ask('Hi', { signal: abort.signal })).catch((caught: unknown) => caught)
    expect((error as ModelError).reason).toBe('aborted')
  })

  it('sends nothing when the signal is already aborted', async () => {
    const error = await provider().streamTurn(ask('Hi', { signal: AbortSignal.abort() })).catch((caught: unknown) => caught)
    expect((error as ModelError).reason).toBe('aborted')
    expect(fake.requests).toHaveLength(0)
  })
})

describe('Anthropic provider: testConnection and model warnings', () => {
  it('lists the models and checks the one asked for', async () => {
    const check = await provider().testConnection(MODEL)
    expect(check.ok).toBe(true)
    expect(check.models).toEqual(expect.arrayContaining(['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']))
    expect(check.warning).toBeUndefined()
  })

  it('says which model is unknown, and that a key is refused', async () => {
    const unknown = await provider().testConnection('claude-sonnet-9').catch((caught: unknown) => caught)
    expect((unknown as ModelError).reason).toBe('unknown-model')
    expect((unknown as ModelError).message).toContain('claude-sonnet-9')

    const refused = await provider({ apiKey: 'sk-ant-wrong' }).testConnection().catch((caught: unknown) => caught)
    expect((refused as ModelError).reason).toBe('bad-key')
  })

  it('warns, once per provider, when a coworker uses claude-sonnet-4-5', async () => {
    const lines: string[] = []
    const log = createLogger({ scope: 'test', level: 'warn', write: (line) => lines.push(line) })
    // The SDK prints its own deprecation notice on each request; keep the test output clean.
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      fake.script(...Array.from({ length: 2 }, () => ({ type: 'message' as const, content: [{ type: 'text' as const, text: 'ok' }] })))
      const models = provider({ log })
      await models.streamTurn(ask('Hi', { model: 'claude-sonnet-4-5' }))
      await models.streamTurn(ask('Hi', { model: 'claude-sonnet-4-5' }))
      const check = await models.testConnection('claude-sonnet-4-5')
      expect(check.warning).toContain('2026-11-30')
    } finally {
      consoleWarn.mockRestore()
    }
    const warnings = lines.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((line) => line.level === 'warn')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.msg).toContain('claude-sonnet-4-5 reaches end of life on 2026-11-30')
  })
})
