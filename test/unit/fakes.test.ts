import Anthropic, {
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  NotFoundError
} from '@anthropic-ai/sdk'
import type { MessageCreateParamsNonStreaming, TextBlockParam, Tool, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { estimateInputTokens, startFakeMessagesApi, type FakeMessagesApi } from '../fakes/messagesApi.ts'
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/openaiCompatible.ts'

// The real SDK, pointed at local fakes: nothing here reaches a model API.

const API_KEY = 'sk-ant-test-key'
const MODEL = 'claude-sonnet-5-5'

let fake: FakeMessagesApi

beforeEach(async () => {
  fake = await startFakeMessagesApi({ apiKey: API_KEY })
})
afterEach(async () => {
  await fake.close()
})

function clientFor(api: FakeMessagesApi, options: { maxRetries?: number; apiKey?: string; timeout?: number } = {}): Anthropic {
  return new Anthropic({ apiKey: options.apiKey ?? API_KEY, baseURL: api.url, maxRetries: options.maxRetries ?? 0, timeout: options.timeout })
}

const hello: MessageCreateParamsNonStreaming = {
  model: MODEL,
  max_tokens: 256,
  messages: [{ role: 'user', content: 'Say hello.' }]
}

describe('fake Messages API through the real SDK', () => {
  it('streams text in several chunks and finalMessage() matches', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'Hello there, how can I help you today?' }], textChunks: 5 })

    const stream = clientFor(fake).messages.stream(hello)
    const chunks: string[] = []
    stream.on('text', (delta) => chunks.push(delta))
    const message = await stream.finalMessage()

    expect(chunks.length).toBe(5)
    expect(chunks.join('')).toBe('Hello there, how can I help you today?')
    expect(message.content).toEqual([{ type: 'text', text: 'Hello there, how can I help you today?', citations: null }])
    expect(message.stop_reason).toBe('end_turn')
    expect(message.model).toBe(MODEL)
    expect(message.usage.input_tokens).toBe(estimateInputTokens({ messages: hello.messages }))
    expect(message.usage.output_tokens).toBeGreaterThan(1)
  })

  it('sends Authorization: Bearer and anthropic-version 2026-10-21, which the fake records', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'ok' }] })
    await clientFor(fake).messages.create(hello)

    const [request] = fake.requests
    expect(request?.headers['authorization']).toBe(`Bearer ${API_KEY}`)
    expect(request?.headers['x-api-key']).toBeUndefined()
    expect(request?.headers['anthropic-version']).toBe('2026-10-21')
    expect(request?.body.messages).toEqual(hello.messages)
  })

  it('frames every SSE event with an event: line and interleaves pings', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'abc def' }, { type: 'tool_use', name: 'lookup', input: { q: 'x' } }] })
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, 'anthropic-version': '2026-10-21' },
      body: JSON.stringify({ ...hello, stream: true })
    })
    const frames = (await response.text()).split('\n\n').filter(Boolean)
    const names = frames.map((frame) => {
      const [eventLine, dataLine] = frame.split('\n')
      expect(eventLine).toMatch(/^event: \w+$/)
      const data = JSON.parse(dataLine?.replace(/^data: /, '') ?? '') as { type: string }
      expect(data.type).toBe(eventLine?.slice('event: '.length))
      return data.type
    })
    expect(names[0]).toBe('message_start')
    expect(names).toContain('ping')
    expect(names.slice(-2)).toEqual(['message_delta', 'message_stop'])
    expect(names.filter((name) => name === 'content_block_start')).toHaveLength(2)
  })

  it('assembles tool_use input from several input_json_delta pieces', async () => {
    const input = { city: 'Lisbon', days: 3, units: 'metric' }
    fake.script({ type: 'message', content: [{ type: 'tool_use', id: 'toolu_weather', name: 'get_weather', input }] })

    const stream = clientFor(fake).messages.stream({ ...hello, tools: [weatherTool] })
    const partials: string[] = []
    stream.on('inputJson', (partial) => partials.push(partial))
    const message = await stream.finalMessage()

    expect(partials.length).toBeGreaterThan(1)
    expect(partials.join('')).toBe(JSON.stringify(input))
    expect(message.stop_reason).toBe('tool_use')
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'toolu_weather', name: 'get_weather', input, caller: { type: 'direct' } }
    ])
  })

  it('computes a turn from the request: echoes the tool_result it was sent', async () => {
    fake.script(
      { type: 'message', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] },
      (request) => {
        const lastContent: unknown[] = [request.body.messages?.at(-1)?.content ?? []].flat()
        const result = lastContent.find((block): block is ToolResultBlockParam => (block as { type?: string }).type === 'tool_result')
        return { type: 'message', content: [{ type: 'text', text: `The tool said: ${String(result?.content)}` }] }
      }
    )
    const client = clientFor(fake)
    const first = await client.messages.create({ ...hello, tools: [weatherTool] })
    expect(first.stop_reason).toBe('tool_use')
    const second = await client.messages.create({
      ...hello,
      tools: [weatherTool],
      messages: [
        ...hello.messages,
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '-3°C, snow' }] }
      ]
    })
    expect(second.content).toEqual([{ type: 'text', text: 'The tool said: -3°C, snow', citations: null }])
  })

  it('retries a 429 with retry-after, then succeeds', async () => {
    fake.script(
      { type: 'error', status: 429, retryAfterSeconds: 0.01 },
      { type: 'message', content: [{ type: 'text', text: 'after the wait' }] }
    )
    const message = await clientFor(fake, { maxRetries: 2 }).messages.create(hello)

    expect(message.content[0]).toMatchObject({ text: 'after the wait' })
    expect(fake.requests).toHaveLength(2)
    expect(fake.requests[1]?.headers['x-stainless-retry-count']).toBe('1')
  })

  it('retries a 529 overloaded_error, then succeeds', async () => {
    fake.script({ type: 'error', status: 529 }, { type: 'message', content: [{ type: 'text', text: 'recovered' }] })
    const message = await clientFor(fake, { maxRetries: 1 }).messages.create(hello)

    expect(message.content[0]).toMatchObject({ text: 'recovered' })
    expect(fake.requests).toHaveLength(2)
  })

  it('gives up with the API error type once retries run out', async () => {
    fake.script({ type: 'error', status: 529 })
    const error = await clientFor(fake).messages.create(hello).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(APIError)
    expect((error as APIError).status).toBe(529)
    expect((error as APIError).type).toBe('overloaded_error')
    expect((error as APIError).requestID).toMatch(/^req_/)
  })

  it('surfaces a mid-stream error event as an SDK error after the text before it', async () => {
    fake.script({ type: 'stream-error', afterText: 'Partial answer', errorType: 'overloaded_error' })
    const stream = clientFor(fake).messages.stream(hello)
    const chunks: string[] = []
    stream.on('text', (delta) => chunks.push(delta))
    const error = await stream.finalMessage().catch((caught: unknown) => caught)

    expect(chunks.join('')).toBe('Partial answer')
    expect(error).toBeInstanceOf(APIError)
    expect((error as APIError).type).toBe('overloaded_error')
    expect((error as APIError).apiMessage).toBe('Overloaded')
  })

  it('answers a wrong key with 401 → AuthenticationError', async () => {
    const error = await clientFor(fake, { apiKey: 'sk-ant-wrong' }).messages.create(hello).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AuthenticationError)
    expect((error as APIError).type).toBe('authentication_error')
  })

  it('answers an unknown model with 404 → NotFoundError', async () => {
    const error = await clientFor(fake).messages.create({ ...hello, model: 'claude-sonnet-5.5' }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NotFoundError)
    expect((error as APIError).type).toBe('not_found_error')
  })

  it('rejects temperature with 400 without taking a scripted turn', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'never sent' }] })
    const withTemperature = { ...hello, temperature: 1 } as MessageCreateParamsNonStreaming
    const error = await clientFor(fake).messages.create(withTemperature).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(BadRequestError)
    expect((error as APIError).apiMessage).toBe('temperature: Extra inputs are not permitted')
    expect(fake.requests[0]?.body['temperature']).toBe(1)
    expect(fake.pendingTurns).toBe(1)
  })

  it('rejects a tool_result that answers no tool_use, and turns that do not alternate', async () => {
    const client = clientFor(fake)
    const orphan = await client.messages
      .create({ ...hello, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_nope', content: 'x' }] }] })
      .catch((caught: unknown) => caught)
    expect(orphan).toBeInstanceOf(BadRequestError)
    expect((orphan as APIError).apiMessage).toContain('toolu_nope')

    const twoUsers = await client.messages
      .create({ ...hello, messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] })
      .catch((caught: unknown) => caught)
    expect(twoUsers).toBeInstanceOf(BadRequestError)
  })

  it('ends a stream quickly with an abort error when the caller aborts mid-stream', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'x'.repeat(200) }], textChunks: 50, chunkDelayMs: 100 })
    const abort = new AbortController()
    const stream = clientFor(fake).messages.stream(hello, { signal: abort.signal })
    let chunks = 0
    stream.on('text', () => {
      chunks++
      abort.abort()
    })
    const error = await stream.finalMessage().catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(APIUserAbortError)
    expect(chunks).toBe(1)
  })

  it('leaves a hanging request to the client timeout', async () => {
    fake.script({ type: 'hang' })
    const error = await clientFor(fake, { timeout: 200 }).messages.create(hello).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(APIConnectionTimeoutError)
  })

  it('answers a request with no scripted turn with a non-retried 500', async () => {
    const error = await clientFor(fake, { maxRetries: 2 }).messages.create(hello).catch((caught: unknown) => caught)
    expect((error as APIError).status).toBe(500)
    expect((error as APIError).apiMessage).toContain('no scripted turn')
    expect(fake.requests).toHaveLength(1)
  })

  it('counts tokens and lists models', async () => {
    const client = clientFor(fake)
    const counted = await client.messages.countTokens({ model: MODEL, messages: hello.messages })
    expect(counted.input_tokens).toBe(estimateInputTokens({ messages: hello.messages }))

    const models = []
    for await (const model of client.models.list()) models.push(model.id)
    expect(models).toContain('claude-opus-5-5')
    expect((await client.models.retrieve('claude-haiku-5-5')).id).toBe('claude-haiku-5-5')
  })
})

describe('prompt caching, measured', () => {
  const tools: Tool[] = [weatherToolWith('A'.repeat(2200)), { ...weatherToolWith('B'.repeat(2200)), name: 'get_forecast' }]
  const system = (text: string): TextBlockParam[] => [{ type: 'text', text, cache_control: { type: 'ephemeral' } }]
  const longSystem = 'You are a careful coworker. '.repeat(100)

  function ask(question: string, systemText = longSystem): MessageCreateParamsNonStreaming {
    return { model: MODEL, max_tokens: 100, tools, system: system(systemText), messages: [{ role: 'user', content: question }] }
  }

  it('writes the tools+system prefix once, then reads exactly that prefix', async () => {
    fake.script(...answers(2))
    const client = clientFor(fake)
    const prefixTokens = estimateInputTokens({ tools, system: system(longSystem) })

    const first = await client.messages.create(ask('What is the weather?'))
    const second = await client.messages.create(ask('And tomorrow?'))

    expect(prefixTokens).toBeGreaterThanOrEqual(1024)
    expect(first.usage.cache_creation_input_tokens).toBe(prefixTokens)
    expect(first.usage.cache_read_input_tokens).toBe(0)
    expect(second.usage.cache_read_input_tokens).toBe(prefixTokens)
    expect(second.usage.cache_creation_input_tokens).toBe(0)
    expect(second.usage.input_tokens).toBe(estimateInputTokens({ messages: [{ role: 'user', content: 'And tomorrow?' }] }))
    expect(fake.cacheStats).toMatchObject({ reads: 1, writes: 1, readTokens: prefixTokens, writtenTokens: prefixTokens })
  })

  it('reads nothing once the system prompt changes', async () => {
    fake.script(...answers(2))
    const client = clientFor(fake)
    await client.messages.create(ask('What is the weather?'))
    const changed = await client.messages.create(ask('What is the weather?', `${longSystem} Be brief.`))

    expect(changed.usage.cache_read_input_tokens).toBe(0)
    expect(changed.usage.cache_creation_input_tokens).toBeGreaterThan(0)
  })

  it('reports the same usage in a stream, in message_start and message_delta', async () => {
    fake.script(...answers(2))
    const client = clientFor(fake)
    await client.messages.create(ask('First'))
    const stream = client.messages.stream(ask('Second'))
    const starts: number[] = []
    stream.on('streamEvent', (event) => {
      if (event.type === 'message_start') starts.push(event.message.usage.cache_read_input_tokens ?? -1)
    })
    const message = await stream.finalMessage()

    expect(starts).toEqual([estimateInputTokens({ tools, system: system(longSystem) })])
    expect(message.usage.cache_read_input_tokens).toBe(starts[0])
  })
})

describe('fake OpenAI-compatible server', () => {
  let local: FakeOpenAiServer
  beforeEach(async () => {
    local = await startFakeOpenAiServer({ knownModels: ['qwen3:8b'] })
  })
  afterEach(async () => {
    await local.close()
  })

  it('streams text deltas and a tool call that a minimal reader assembles', async () => {
    local.script({
      type: 'message',
      content: [
        { type: 'text', text: 'Let me check the weather.' },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Lima' } }
      ]
    })
    const reply = await readChatStream(local.url, {
      model: 'qwen3:8b',
      stream: true,
      messages: [{ role: 'user', content: 'Weather in Lima?' }]
    })

    expect(reply.textDeltas.length).toBeGreaterThan(1)
    expect(reply.text).toBe('Let me check the weather.')
    expect(reply.toolCalls).toEqual([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Lima"}' }])
    expect(reply.finishReason).toBe('tool_calls')
    expect(reply.sawDone).toBe(true)
  })

  it('answers non-streaming requests and lists models', async () => {
    local.script({ type: 'message', content: [{ type: 'text', text: 'Hi!' }] })
    const response = await fetch(`${local.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'qwen3:8b', messages: [{ role: 'user', content: 'Hello' }] })
    })
    const body = (await response.json()) as { choices: Array<{ message: { content: string }; finish_reason: string }> }
    expect(body.choices[0]?.message.content).toBe('Hi!')
    expect(body.choices[0]?.finish_reason).toBe('stop')

    const models = (await (await fetch(`${local.url}/models`)).json()) as { data: Array<{ id: string }> }
    expect(models.data.map((model) => model.id)).toEqual(['qwen3:8b'])
    expect(local.requests.map((request) => request.path)).toEqual(['/v1/chat/completions', '/v1/models'])
  })

  it('answers a scripted error and an unknown model in the OpenAI error shape', async () => {
    local.script({ type: 'error', status: 503, message: 'model is loading' })
    const post = (model: string) =>
      fetch(`${local.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }] })
      })
    const loading = await post('qwen3:8b')
    expect(loading.status).toBe(503)
    expect(((await loading.json()) as { error: { message: string } }).error.message).toBe('model is loading')

    const unknown = await post('llama-9000')
    expect(unknown.status).toBe(404)
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('model_not_found')
  })
})

const weatherTool: Tool = weatherToolWith('Current weather for a city.')

function weatherToolWith(description: string): Tool {
  return {
    name: 'get_weather',
    description,
    input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }
  }
}

function answers(count: number) {
  return Array.from({ length: count }, () => ({ type: 'message' as const, content: [{ type: 'text' as const, text: 'ok' }] }))
}

interface AssembledReply {
  text: string
  textDeltas: string[]
  toolCalls: Array<{ id: string; name: string; arguments: string }>
  finishReason: string | null
  sawDone: boolean
}

interface ChatChunk {
  choices: Array<{
    delta: { content?: string; tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }> }
    finish_reason: string | null
  }>
}

/** The smallest client an app could write for a local model: fetch, split SSE lines, merge deltas. */
async function readChatStream(baseUrl: string, body: unknown): Promise<AssembledReply> {
  const response = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  const reply: AssembledReply = { text: '', textDeltas: [], toolCalls: [], finishReason: null, sawDone: false }
  const decoder = new TextDecoder()
  let buffered = ''
  for await (const bytes of response.body ?? []) {
    buffered += decoder.decode(bytes, { stream: true })
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) {
      if (!line.startsWith('data: ')) continue
      const data = line.slice('data: '.length)
      if (data === '[DONE]') {
        reply.sawDone = true
        continue
      }
      const choice = (JSON.parse(data) as ChatChunk).choices[0]
      if (!choice) continue
      if (choice.delta.content) {
        reply.textDeltas.push(choice.delta.content)
        reply.text += choice.delta.content
      }
      for (const call of choice.delta.tool_calls ?? []) {
        const assembled = (reply.toolCalls[call.index] ??= { id: '', name: '', arguments: '' })
        if (call.id) assembled.id = call.id
        if (call.function?.name) assembled.name = call.function.name
        assembled.arguments += call.function?.arguments ?? ''
      }
      reply.finishReason = choice.finish_reason ?? reply.finishReason
    }
  }
  return reply
}
