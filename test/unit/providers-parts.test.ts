import { APIConnectionError, APIError, APIUserAbortError, InternalServerError, RateLimitError } from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import { resolveAnthropicConfig } from '../../electron/agent/providers/anthropicConfig.ts'
import { buildMessagesParams } from '../../electron/agent/providers/anthropicRequest.ts'
import {
  budgetReached,
  fromAnthropicError,
  fromLocalHttpStatus,
  ModelError,
  retryAfterOf
} from '../../electron/agent/providers/modelErrors.ts'
import { createProvider } from '../../electron/agent/providers/index.ts'
import { modelWarning } from '../../electron/agent/providers/models.ts'
import { ChatTurnAssembler } from '../../electron/agent/providers/openAiTurn.ts'
import { estimateCostUsd, priceOf } from '../../electron/agent/providers/pricing.ts'
import { backoffDelayMs, DEFAULT_RETRY_POLICY, withRetries } from '../../electron/agent/providers/retry.ts'
import { sseData } from '../../electron/agent/providers/sseData.ts'
import type { ModelStreamEvent, TokenUsage } from '../../electron/agent/providers/types.ts'
import { isCommonsError } from '../../shared/errors.ts'

// The providers' pieces on their own: configuration, error mapping, backoff, pricing, parsing.

describe('resolveAnthropicConfig', () => {
  it('takes the key from Settings first, then ANTHROPIC_API_KEY', () => {
    const env = { ANTHROPIC_API_KEY: 'sk-env', ANTHROPIC_BASE_URL: 'https://gateway.example.com/' }
    expect(resolveAnthropicConfig({ settingsKey: ' sk-settings ', env })).toEqual({
      apiKey: 'sk-settings',
      baseURL: 'https://gateway.example.com',
      keySource: 'settings'
    })
    expect(resolveAnthropicConfig({ settingsKey: '', settingsBaseUrl: 'http://127.0.0.1:9000', env })).toEqual({
      apiKey: 'sk-env',
      baseURL: 'http://127.0.0.1:9000',
      keySource: 'environment'
    })
    expect(resolveAnthropicConfig({ env: { ANTHROPIC_API_KEY: 'sk-env' } })).toEqual({ apiKey: 'sk-env', keySource: 'environment' })
  })

  it('says how to set a key up when there is none', () => {
    const error = (() => {
      try {
        resolveAnthropicConfig({ env: {} })
      } catch (caught) {
        return caught
      }
    })() as ModelError
    expect(error.reason).toBe('not-configured')
    expect(isCommonsError(error, 'config')).toBe(true)
    expect(error.hint).toContain('Settings → Models')
    expect(error.hint).toContain('ANTHROPIC_API_KEY')
  })

  it('refuses a base URL that is not http(s)', () => {
    expect(() => resolveAnthropicConfig({ settingsKey: 'k', settingsBaseUrl: 'api.anthropic.com', env: {} })).toThrow(/not an http\(s\) URL/)
  })
})

describe('createProvider without a model set up', () => {
  it('says so, and how to set one up, rather than running with a made-up default', async () => {
    expect(() => createProvider({ kind: 'anthropic', apiKey: ' ' })).toThrow(expect.objectContaining({ reason: 'not-configured' }))
    expect(() => createProvider({ kind: 'openai-compatible', baseURL: '', model: 'qwen3:8b' })).toThrow(
      expect.objectContaining({ reason: 'not-configured', hint: expect.stringContaining('Settings → Models') })
    )
    const noModel = createProvider({ kind: 'openai-compatible', baseURL: 'http://127.0.0.1:11434/v1', model: '' })
    const request = { model: '', system: '', tools: [], messages: [], maxOutputTokens: 10 }
    await expect(noModel.streamTurn(request)).rejects.toMatchObject({ reason: 'not-configured', message: 'no local model is chosen for the endpoint' })
  })
})

describe('buildMessagesParams', () => {
  it('uses at most four breakpoints: last tool, system, and the last two user messages', () => {
    const params = buildMessagesParams({
      model: 'claude-haiku-5-5',
      system: 'S',
      tools: [
        { name: 'a', description: 'A', inputSchema: { type: 'object' } },
        { name: 'b', description: 'B', inputSchema: { type: 'object' } }
      ],
      messages: [
        { role: 'user', content: [{ type: 'text', text: '1' }] },
        { role: 'assistant', content: [{ type: 'text', text: '2' }] },
        { role: 'user', content: [{ type: 'text', text: '3' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'a', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'r', is_error: false }, { type: 'text', text: '5' }] }
      ],
      maxOutputTokens: 10
    })
    const marked = JSON.stringify(params).match(/cache_control/g) ?? []
    expect(marked).toHaveLength(4)
    expect(params.messages.map((message) => JSON.stringify(message).includes('cache_control'))).toEqual([false, false, true, false, true])
    expect(JSON.stringify(params.messages[4])).not.toContain('is_error')
    expect(params).not.toHaveProperty('temperature')
  })
})

describe('error mapping', () => {
  const context = { baseURL: 'https://api.anthropic.com', model: 'claude-opus-5-5' }
  const headers = (entries: Record<string, string> = {}) => new Headers(entries)

  it('maps SDK errors to reasons', () => {
    expect(fromAnthropicError(new APIUserAbortError(), context).reason).toBe('aborted')
    expect(fromAnthropicError(new APIConnectionError({ message: 'Connection error.' }), context).reason).toBe('unreachable')
    const overloadedEvent = new APIError(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, headers(), 'overloaded_error')
    expect(fromAnthropicError(overloadedEvent, context)).toMatchObject({ reason: 'overloaded', retryable: true })
    const apiErrorEvent = new APIError(undefined, { type: 'error', error: { type: 'api_error', message: 'Internal' } }, undefined, headers(), 'api_error')
    expect(fromAnthropicError(apiErrorEvent, context)).toMatchObject({ reason: 'server-error', retryable: true })
    expect(fromAnthropicError(new InternalServerError(502, {}, 'Bad gateway', headers()), context).reason).toBe('server-error')
    const limited = new RateLimitError(429, { error: { type: 'rate_limit_error', message: 'slow down' } }, undefined, headers({ 'retry-after': '7' }))
    expect(fromAnthropicError(limited, context)).toMatchObject({ reason: 'rate-limited', retryAfterMs: 7000, status: 429 })
    const spend = new RateLimitError(429, { error: { type: 'rate_limit_error', message: 'limit', details: { error_code: 'enforced_spend_limit_reached' } } }, undefined, headers())
    expect(fromAnthropicError(spend, context).reason).toBe('budget')
    expect(fromAnthropicError(new Error('a bug'), context)).toMatchObject({ reason: 'server-error', retryable: false })
  })

  it('reads retry-after-ms, retry-after seconds and dates', () => {
    expect(retryAfterOf(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250)
    expect(retryAfterOf(new Headers({ 'retry-after': '1.5' }))).toBe(1500)
    const now = Date.parse('2026-11-21T05:00:00Z')
    expect(retryAfterOf(new Headers({ 'retry-after': 'Sat, 21 Nov 2026 05:00:30 GMT' }), now)).toBe(30_000)
    expect(retryAfterOf(new Headers())).toBeUndefined()
  })

  it('maps local server statuses', () => {
    const local = { baseURL: 'http://127.0.0.1:11434/v1', model: 'qwen3:8b' }
    expect(fromLocalHttpStatus(404, '404 page not found', local).reason).toBe('not-configured')
    expect(fromLocalHttpStatus(404, '{"error":{"message":"model \\"qwen3:8b\\" not found, try pulling it first"}}', local).reason).toBe('unknown-model')
    expect(fromLocalHttpStatus(401, '', local).reason).toBe('bad-key')
    expect(fromLocalHttpStatus(503, '{"error":"loading model"}', local)).toMatchObject({ reason: 'overloaded', retryable: true })
    expect(fromLocalHttpStatus(500, '{"error":{"message":"boom"}}', local).message).toBe('the local model server failed (500: boom)')
  })

  it('makes a budget error for the agent', () => {
    const error = budgetReached(2.5, 2)
    expect(error).toBeInstanceOf(ModelError)
    expect(error).toMatchObject({ reason: 'budget', code: 'forbidden', retryable: false })
    expect(error.message).toContain('$2.50 of $2.00')
  })
})

describe('retries', () => {
  it('doubles the backoff up to the cap, with jitter between half and all of it', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000, maxDelayMs: 8000 }
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, policy, () => 0.999999))).toEqual([1000, 2000, 4000, 8000, 8000])
    expect(backoffDelayMs(3, policy, () => 0)).toBe(2000)
  })

  it('does not retry what cannot succeed, and passes other errors through', async () => {
    let attempts = 0
    const refused = withRetries(
      async () => {
        attempts++
        throw new ModelError('bad-key', 'refused')
      },
      { policy: DEFAULT_RETRY_POLICY, sleep: async () => {} }
    )
    await expect(refused).rejects.toMatchObject({ reason: 'bad-key' })
    expect(attempts).toBe(1)
    const bug = new TypeError('bug')
    await expect(withRetries(async () => Promise.reject(bug), { policy: DEFAULT_RETRY_POLICY, sleep: async () => {} })).rejects.toBe(bug)
  })
})

describe('pricing', () => {
  const usage: TokenUsage = { inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadTokens: 0, cacheWriteTokens: 0 }

  it('prices input, output, cache writes (1.25×) and cache reads (0.1×)', () => {
    expect(estimateCostUsd('claude-sonnet-5-5', usage)).toBeCloseTo(3 + 15)
    expect(estimateCostUsd('claude-opus-5-5', { ...usage, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 1_000_000 })).toBeCloseTo(5 * 1.25)
    expect(estimateCostUsd('claude-haiku-5-5', { ...usage, inputTokens: 0, outputTokens: 0, cacheReadTokens: 1_000_000 })).toBeCloseTo(0.1)
  })

  it('prices unknown models by family name, else as Sonnet; local models cost nothing', () => {
    expect(priceOf('claude-opus-9-1')).toEqual(priceOf('claude-opus-5-5'))
    expect(priceOf('claude-haiku-7')).toEqual(priceOf('claude-haiku-5-5'))
    expect(priceOf('claude-mystery-1')).toEqual(priceOf('claude-sonnet-5-5'))
    expect(estimateCostUsd('qwen3:8b', usage, 'openai-compatible')).toBe(0)
  })
})

describe('modelWarning', () => {
  it('warns about claude-sonnet-4-5 before and after its end of life, and not about current models', () => {
    expect(modelWarning('claude-sonnet-4-5', new Date('2026-11-01T00:00:00Z'))).toBe(
      'claude-sonnet-4-5 reaches end of life on 2026-11-30; switch to claude-sonnet-5-5 before then'
    )
    expect(modelWarning('claude-sonnet-4-5-20250929', new Date('2026-12-01T00:00:00Z'))).toContain('was retired on 2026-11-30')
    expect(modelWarning('claude-sonnet-5-5')).toBeUndefined()
  })
})

describe('sseData', () => {
  it('splits events across chunk boundaries, CRLF and multi-line data, and keeps a last unterminated event', async () => {
    const encoder = new TextEncoder()
    const pieces = [': comment\r\ndata: {"a"', ':1}\r\n\r\nevent: x\ndata: line one\ndata: line two\n\n', 'data: [DONE]']
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of pieces) controller.enqueue(encoder.encode(piece))
        controller.close()
      }
    })
    const events: string[] = []
    for await (const data of sseData(body)) events.push(data)
    expect(events).toEqual(['{"a":1}', 'line one\nline two', '[DONE]'])
  })
})

describe('ChatTurnAssembler', () => {
  it('copes with servers that send calls whole, without index or id, and with broken arguments', () => {
    const events: ModelStreamEvent[] = []
    const turn = new ChatTurnAssembler('local', (event) => events.push(event))
    turn.add({ choices: [{ delta: { tool_calls: [{ function: { name: 'first', arguments: '{"x":1}' } }] } }] })
    turn.add({ choices: [{ delta: { tool_calls: [{ id: 'b', function: { name: 'second', arguments: '{not json' } }] } }] })
    turn.add({ choices: [{ delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 100, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 60 } } })
    const result = turn.finish()

    expect(result.stopReason).toBe('tool_use')
    expect(result.usage).toEqual({ inputTokens: 40, outputTokens: 7, cacheReadTokens: 60, cacheWriteTokens: 0 })
    const [first, second] = result.content
    expect(first).toMatchObject({ type: 'tool_use', name: 'first', input: { x: 1 } })
    expect(first?.type === 'tool_use' && first.id).toMatch(/^call_/)
    expect(second).toEqual({ type: 'tool_use', id: 'b', name: 'second', input: {} })
    expect(events.map((event) => (event.type === 'tool_call' ? `${event.phase}:${event.name}` : event.type))).toEqual([
      'started:first',
      'started:second',
      'finished:first',
      'finished:second'
    ])
  })
})
