import { createServer } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../shared/log.ts'
import { createProvider } from '../../electron/agent/providers/index.ts'
import type { ModelError } from '../../electron/agent/providers/modelErrors.ts'
import {
  createOpenAiCompatibleProvider,
  type OpenAiCompatibleProviderOptions
} from '../../electron/agent/providers/openAiCompatibleProvider.ts'
import type { ConversationMessage, ModelRequest, ModelStreamEvent, ToolSpec } from '../../electron/agent/providers/types.ts'
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/openaiCompatible.ts'

// The private assistant's local model, against the fake OpenAI-compatible server.

const MODEL = 'qwen3:8b'

let local: FakeOpenAiServer
let waits: number[]

beforeEach(async () => {
  local = await startFakeOpenAiServer({ knownModels: [MODEL, 'llama3.2:latest'] })
  waits = []
})
afterEach(async () => {
  for (const request of local.requests) {
    for (const name of ['temperature', 'top_p', 'top_k']) expect(Object.keys(request.body)).not.toContain(name)
  }
  await local.close()
})

function provider(options: Partial<OpenAiCompatibleProviderOptions> = {}) {
  return createOpenAiCompatibleProvider({
    baseURL: local.url,
    model: MODEL,
    sleep: async (ms) => {
      waits.push(ms)
    },
    random: () => 0.5,
    log: silentLogger,
    ...options
  })
}

const weatherTool: ToolSpec = {
  name: 'get_weather',
  description: 'Current weather for a city.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }
}

function ask(text: string, extra: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: '',
    system: 'You are a private assistant.',
    tools: [weatherTool],
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    maxOutputTokens: 512,
    ...extra
  }
}

async function run(request: ModelRequest, options: Partial<OpenAiCompatibleProviderOptions> = {}) {
  const events: ModelStreamEvent[] = []
  const outcome = await provider(options)
    .streamTurn(request, (event) => events.push(event))
    .then(
      (turn) => ({ turn, error: undefined }),
      (error: unknown) => ({ turn: undefined, error: error as ModelError })
    )
  const texts = events.flatMap((event) => (event.type === 'text' ? [event.text] : []))
  return { ...outcome, events, texts }
}

describe('OpenAI-compatible provider', () => {
  it('streams text and returns the turn with usage', async () => {
    local.script({ type: 'message', content: [{ type: 'text', text: 'Hello from a local model.' }], textChunks: 4 })
    const { turn, texts } = await run(ask('Hi'))

    expect(texts).toHaveLength(4)
    expect(texts.join('')).toBe('Hello from a local model.')
    expect(turn?.content).toEqual([{ type: 'text', text: 'Hello from a local model.' }])
    expect(turn?.stopReason).toBe('end_turn')
    expect(turn?.model).toBe(MODEL)
    expect(turn?.usage.inputTokens).toBeGreaterThan(0)
    expect(turn?.usage.outputTokens).toBeGreaterThan(0)
    expect(turn?.usage.cacheReadTokens).toBe(0)

    const body = local.requests[0]?.body
    expect(local.requests[0]?.path).toBe('/v1/chat/completions')
    expect(body).toMatchObject({ model: MODEL, stream: true, stream_options: { include_usage: true }, max_tokens: 512 })
    expect(body?.['messages']).toEqual([
      { role: 'system', content: 'You are a private assistant.' },
      { role: 'user', content: 'Hi' }
    ])
    expect(body?.['tools']).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city.', parameters: weatherTool.inputSchema } }
    ])
  })

  it('assembles a streamed tool call from its pieces', async () => {
    local.script({
      type: 'message',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Lima', units: 'metric' } }
      ]
    })
    const { turn, events } = await run(ask('Weather in Lima?'))

    expect(events.filter((event) => event.type === 'tool_call')).toEqual([
      { type: 'tool_call', phase: 'started', id: 'call_1', name: 'get_weather' },
      { type: 'tool_call', phase: 'finished', id: 'call_1', name: 'get_weather', input: { city: 'Lima', units: 'metric' } }
    ])
    expect(turn?.stopReason).toBe('tool_use')
    expect(turn?.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Lima', units: 'metric' } }
    ])
  })

  it('sends tool results back as tool messages and gets the answer', async () => {
    local.script(
      { type: 'message', content: [{ type: 'tool_use', id: 'call_7', name: 'get_weather', input: { city: 'Oslo' } }] },
      (request) => {
        const messages = request.body['messages'] as Array<{ role: string; content: string }>
        const tool = messages.find((message) => message.role === 'tool')
        return { type: 'message', content: [{ type: 'text', text: `It is ${tool?.content ?? '?'}.` }] }
      }
    )
    const models = provider()
    const first = await models.streamTurn(ask('Weather in Oslo?'))
    const messages: ConversationMessage[] = [
      ...ask('Weather in Oslo?').messages,
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_7', content: '-3°C and snowing' }] }
    ]
    const second = await models.streamTurn(ask('', { messages }))

    expect(second.content).toEqual([{ type: 'text', text: 'It is -3°C and snowing.' }])
    expect(local.requests[1]?.body['messages']).toEqual([
      { role: 'system', content: 'You are a private assistant.' },
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_7', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_7', content: '-3°C and snowing' }
    ])
  })

  it('uses the model the request names, else the configured one, and sends the API key when set', async () => {
    local.script({ type: 'message', content: [{ type: 'text', text: 'a' }] }, { type: 'message', content: [{ type: 'text', text: 'b' }] })
    await run(ask('Hi', { model: 'llama3.2:latest' }), { apiKey: 'lm-studio' })
    await run(ask('Hi'))

    expect(local.requests.map((request) => request.body['model'])).toEqual(['llama3.2:latest', MODEL])
    expect(local.requests[0]?.headers['authorization']).toBe('Bearer lm-studio')
    expect(local.requests[1]?.headers['authorization']).toBeUndefined()
  })

  it('nothing listening → unreachable, with how to start a local server; not retried', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`
    const { error, events } = await run(ask('Hi'), { baseURL: url })

    expect(error?.reason).toBe('unreachable')
    expect(error?.message).toBe(`could not reach the local model server at ${url} (ECONNREFUSED)`)
    expect(error?.hint).toBe("start Ollama (`ollama serve`) or LM Studio's server, or check the endpoint URL in Settings")
    expect(events).toEqual([])
    expect(waits).toEqual([])
  })

  it('an unknown model → unknown-model, with how to get it', async () => {
    const { error } = await run(ask('Hi', { model: 'llama-9000' }))
    expect(error?.reason).toBe('unknown-model')
    expect(error?.hint).toContain('ollama pull llama-9000')
  })

  it('retries a 503 (model loading) and a stream error before any text', async () => {
    local.script(
      { type: 'error', status: 503, message: 'model is loading' },
      { type: 'stream-error' },
      { type: 'message', content: [{ type: 'text', text: 'Ready now.' }] }
    )
    const { turn, events } = await run(ask('Hi'))

    expect(turn?.content).toEqual([{ type: 'text', text: 'Ready now.' }])
    expect(events.filter((event) => event.type === 'retry').map((event) => event.type === 'retry' && event.reason)).toEqual(['overloaded', 'server-error'])
    expect(waits).toEqual([375, 750])
  })

  it('a stream that fails after text → interrupted, not retried', async () => {
    local.script({ type: 'stream-error', afterText: 'The answer is', message: 'model runner has unexpectedly stopped' })
    const { error, texts } = await run(ask('Hi'))

    expect(error?.reason).toBe('interrupted')
    expect(error?.message).toContain('model runner has unexpectedly stopped')
    expect(texts.join('')).toBe('The answer is')
    expect(local.requests).toHaveLength(1)
  })

  it('ends promptly with aborted when aborted mid-stream', async () => {
    local.script({ type: 'message', content: [{ type: 'text', text: 'y'.repeat(200) }], textChunks: 50, chunkDelayMs: 10_000 })
    const abort = new AbortController()
    const events: ModelStreamEvent[] = []
    const error = await provider()
      .streamTurn(ask('Hi', { signal: abort.signal }), (event) => {
        events.push(event)
        abort.abort()
      })
      .then(() => undefined, (caught: unknown) => caught as ModelError)

    expect(error?.reason).toBe('aborted')
    expect(events).toHaveLength(1)
  })

  it('testConnection lists the models and checks the configured one', async () => {
    expect(await provider().testConnection()).toEqual({ ok: true, models: [MODEL, 'llama3.2:latest'] })
    // Ollama serves `llama3.2` as `llama3.2:latest`.
    expect((await provider({ model: 'llama3.2' }).testConnection()).ok).toBe(true)
    await expect(provider().testConnection('mistral:7b')).rejects.toMatchObject({ reason: 'unknown-model' })
    const down = provider({ baseURL: `http://127.0.0.1:${await closedPort()}/v1` })
    await expect(down.testConnection()).rejects.toMatchObject({ reason: 'unreachable' })
  })

  it('is what createProvider builds for an openai-compatible config', async () => {
    local.script({ type: 'message', content: [{ type: 'text', text: 'via index' }] })
    const models = createProvider({ kind: 'openai-compatible', baseURL: `${local.url}/`, model: MODEL }, { log: silentLogger })
    expect(models.kind).toBe('openai-compatible')
    expect((await models.streamTurn(ask('Hi'))).content).toEqual([{ type: 'text', text: 'via index' }])
  })
})

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (typeof address !== 'object' || address === null) throw new Error('no port')
  return address.port
}
