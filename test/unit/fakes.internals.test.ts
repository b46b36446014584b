import { describe, expect, it } from 'vitest'
import { startFakeMessagesApi } from '../fakes/messagesApi.ts'
import { validateMessagesRequest } from '../fakes/messagesValidation.ts'
import { PromptCache, promptSegments, type PromptFields } from '../fakes/promptCache.ts'
import { splitIntoChunks } from '../fakes/script.ts'

// The fakes' own rules, checked without the SDK in between.

const MODEL = 'claude-sonnet-5-5'
const marked = { type: 'ephemeral' }
const words = (count: number, word = 'word') => `${word} `.repeat(count)

describe('PromptCache', () => {
  it('reads the longest earlier prefix: tools survive a system change when both are marked', () => {
    const cache = new PromptCache(100)
    const tools = [{ name: 't', input_schema: { type: 'object' }, description: words(200), cache_control: marked }]
    const prompt = (systemText: string): PromptFields => ({
      tools,
      system: [{ type: 'text', text: systemText, cache_control: marked }],
      messages: [{ role: 'user', content: 'hi' }]
    })
    const toolTokens = segmentsTokens({ tools })

    const first = cache.account(MODEL, promptSegments(prompt(words(200, 'alpha'))))
    const second = cache.account(MODEL, promptSegments(prompt(words(200, 'beta'))))

    expect(first.cache_read_input_tokens).toBe(0)
    expect(second.cache_read_input_tokens).toBe(toolTokens)
    expect(second.cache_creation_input_tokens).toBe(segmentsTokens({ tools, system: prompt(words(200, 'beta')).system }) - toolTokens)
  })

  it('finds an earlier breakpoint by looking back from a later one, as a growing conversation does', () => {
    const cache = new PromptCache(100)
    const turn1 = [{ role: 'user', content: [{ type: 'text', text: words(300), cache_control: marked }] }]
    const turn2 = [
      { role: 'user', content: [{ type: 'text', text: words(300) }] },
      { role: 'assistant', content: 'Sure.' },
      { role: 'user', content: [{ type: 'text', text: 'More, please.', cache_control: marked }] }
    ]
    cache.account(MODEL, promptSegments({ messages: turn1 }))
    const usage = cache.account(MODEL, promptSegments({ messages: turn2 }))

    expect(usage.cache_read_input_tokens).toBe(segmentsTokens({ messages: turn1 }))
    expect(usage.cache_creation_input_tokens).toBe(segmentsTokens({ messages: turn2 }) - segmentsTokens({ messages: turn1 }))
    expect(usage.input_tokens).toBe(0)
  })

  it('caches nothing below the minimum, and nothing across models', () => {
    const cache = new PromptCache(1024)
    const small = promptSegments({ messages: [{ role: 'user', content: [{ type: 'text', text: 'short', cache_control: marked }] }] })
    expect(cache.account(MODEL, small).cache_creation_input_tokens).toBe(0)

    const large = promptSegments({ system: words(1200), messages: [{ role: 'user', content: 'q' }], cache_control: marked })
    expect(cache.account(MODEL, large).cache_creation_input_tokens).toBeGreaterThan(1024)
    expect(cache.account('claude-opus-5-5', large).cache_read_input_tokens).toBe(0)
    expect(cache.account(MODEL, large).cache_read_input_tokens).toBeGreaterThan(1024)
  })

  it('treats string content as its text block, and ignores where cache_control sits when comparing', () => {
    const cache = new PromptCache(10)
    cache.account(MODEL, promptSegments({ system: words(100), messages: [{ role: 'user', content: 'q' }], cache_control: marked }))
    const again = cache.account(MODEL, promptSegments({
      system: [{ type: 'text', text: words(100) }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'q', cache_control: marked }] }]
    }))
    expect(again.cache_creation_input_tokens).toBe(0)
    expect(again.input_tokens).toBe(0)
  })

  it('attributes writes to the ttl of the last breakpoint', () => {
    const cache = new PromptCache(10)
    const system = [{ type: 'text', text: words(100), cache_control: { type: 'ephemeral', ttl: '1h' } }]
    const usage = cache.account(MODEL, promptSegments({ system, messages: [{ role: 'user', content: 'q' }] }))
    expect(usage.cache_creation.ephemeral_1h_input_tokens).toBe(usage.cache_creation_input_tokens)
    expect(usage.cache_creation.ephemeral_5m_input_tokens).toBe(0)
  })
})

describe('validateMessagesRequest', () => {
  const strict = { requireMaxTokens: true, strictTurnOrder: true }
  const valid = { model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }
  const problem = (body: Record<string, unknown>, rules = strict) => validateMessagesRequest(body, rules)

  it('accepts a plain request and names missing fields', () => {
    expect(problem(valid)).toBeUndefined()
    expect(problem({ ...valid, model: undefined })).toBe('model: Field required')
    expect(problem({ model: MODEL, messages: valid.messages })).toBe('max_tokens: Field required')
    expect(problem({ model: MODEL, messages: valid.messages }, { ...strict, requireMaxTokens: false })).toBeUndefined()
    expect(problem({ model: MODEL, max_tokens: 10 })).toBe('messages: Field required')
  })

  it('rejects every removed sampling parameter, even at its default', () => {
    expect(problem({ ...valid, temperature: 1 })).toBe('temperature: Extra inputs are not permitted')
    expect(problem({ ...valid, top_p: 1 })).toBe('top_p: Extra inputs are not permitted')
    expect(problem({ ...valid, top_k: 5 })).toBe('top_k: Extra inputs are not permitted')
  })

  it('checks turn order strictly by default, and merges consecutive turns when asked not to', () => {
    const assistantFirst = { ...valid, messages: [{ role: 'assistant', content: 'hi' }, { role: 'user', content: 'yo' }] }
    const twoUsers = { ...valid, messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] }
    expect(problem(assistantFirst)).toContain('first message must use the "user" role')
    expect(problem(twoUsers)).toContain('roles must alternate')
    expect(problem(twoUsers, { ...strict, strictTurnOrder: false })).toBeUndefined()
  })

  it('pairs tool_use and tool_result across adjacent turns', () => {
    const toolUse = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a', name: 't', input: {} }] }
    const answered = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a', content: 'ok' }] }
    const wrongId = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_b', content: 'ok' }] }
    const ignored = { role: 'user', content: 'never mind' }
    const first = { role: 'user', content: 'go' }

    expect(problem({ ...valid, messages: [first, toolUse, answered] })).toBeUndefined()
    expect(problem({ ...valid, messages: [first, toolUse] })).toBeUndefined()
    expect(problem({ ...valid, messages: [first, toolUse, wrongId] })).toContain('unexpected `tool_use_id`')
    expect(problem({ ...valid, messages: [first, toolUse, ignored] })).toContain('`tool_use` ids were found without `tool_result` blocks')
  })

  it('allows at most four cache breakpoints, the top-level one included', () => {
    const block = (text: string) => ({ type: 'text', text, cache_control: marked })
    const four = { ...valid, system: [block('a'), block('b')], messages: [{ role: 'user', content: [block('c'), block('d')] }] }
    expect(problem(four)).toBeUndefined()
    expect(problem({ ...four, cache_control: marked })).toBe('A maximum of 4 blocks with cache_control may be provided. Found 5.')
  })

  it('applies the 2026-10-21 content rules and rejects empty turns', () => {
    const documentInAssistant = [{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'document', source: {} }] }]
    const citedUserText = [{ role: 'user', content: [{ type: 'text', text: 'a', citations: [{ type: 'char_location' }] }] }]
    expect(problem({ ...valid, messages: documentInAssistant })).toContain('document blocks are not permitted')
    expect(problem({ ...valid, messages: citedUserText })).toContain('citations')
    expect(problem({ ...valid, messages: [{ role: 'user', content: [] }] })).toContain('non-empty content')
    expect(problem({ ...valid, messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: '' }] })).toBeUndefined()
  })

  it('requires unique tool names and an input_schema on custom tools', () => {
    const tool = { name: 't', input_schema: { type: 'object' } }
    expect(problem({ ...valid, tools: [tool, tool] })).toBe('tools: Tool names must be unique.')
    expect(problem({ ...valid, tools: [{ name: 't' }] })).toContain('input_schema')
  })
})

describe('fake Messages API over plain HTTP', () => {
  it('checks credentials and the anthropic-version header before anything else', async () => {
    const fake = await startFakeMessagesApi({ apiKey: 'right' })
    try {
      const post = (headers: Record<string, string>) =>
        fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' })
          .then(async (response) => ({
            status: response.status,
            requestId: response.headers.get('request-id'),
            body: (await response.json()) as { error: { type: string } }
          }))

      expect((await post({ 'anthropic-version': '2026-10-21' })).status).toBe(401)
      // x-api-key wins over a bearer token when both are sent.
      expect((await post({ 'x-api-key': 'wrong', authorization: 'Bearer right', 'anthropic-version': '2026-10-21' })).status).toBe(401)
      const noVersion = await post({ 'x-api-key': 'right' })
      expect(noVersion.status).toBe(400)
      expect(noVersion.body.error.type).toBe('invalid_request_error')
      expect(noVersion.requestId).toMatch(/^req_/)
      const invalidBody = await post({ authorization: 'Bearer right', 'anthropic-version': '2026-10-21' })
      expect(invalidBody.body.error.type).toBe('invalid_request_error')
    } finally {
      await fake.close()
    }
  })

  it('warms the cache on max_tokens 0 without taking a scripted turn', async () => {
    const fake = await startFakeMessagesApi({ minimumCacheableTokens: 10 })
    try {
      const response = await fetch(`${fake.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer k', 'anthropic-version': '2026-10-21' },
        body: JSON.stringify({ model: MODEL, max_tokens: 0, system: words(100), cache_control: marked, messages: [{ role: 'user', content: 'q' }] })
      })
      const message = (await response.json()) as { content: unknown[]; stop_reason: string; usage: { cache_creation_input_tokens: number } }
      expect(message.content).toEqual([])
      expect(message.stop_reason).toBe('max_tokens')
      expect(message.usage.cache_creation_input_tokens).toBeGreaterThan(0)
      expect(fake.cacheStats.writes).toBe(1)
    } finally {
      await fake.close()
    }
  })

  it('closes while a request hangs', async () => {
    const fake = await startFakeMessagesApi()
    fake.script({ type: 'hang' })
    const pending = fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k', 'anthropic-version': '2026-10-21' },
      body: JSON.stringify({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'q' }] })
    }).catch((error: unknown) => error)
    while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    await fake.close()
    expect(await pending).toBeInstanceOf(Error)
  })
})

describe('splitIntoChunks', () => {
  it('keeps surrogate pairs whole and never makes more pieces than characters', () => {
    expect(splitIntoChunks('ab😀cd', 3).join('')).toBe('ab😀cd')
    expect(splitIntoChunks('ab😀cd', 5)).toEqual(['a', 'b', '😀', 'c', 'd'])
    expect(splitIntoChunks('ab', 10)).toEqual(['a', 'b'])
    expect(splitIntoChunks('', 3)).toEqual([])
  })
})

function segmentsTokens(prompt: PromptFields): number {
  return promptSegments(prompt).reduce((sum, segment) => sum + segment.tokens, 0)
}
