import { createServer } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../shared/log.ts'
import { createAnthropicProvider, type AnthropicProviderOptions } from '../../electron/agent/providers/anthropicProvider.ts'
import { ModelError } from '../../electron/agent/providers/modelErrors.ts'
import type { ModelRequest, ModelStreamEvent } from '../../electron/agent/providers/types.ts'
import { startFakeMessagesApi, type FakeMessagesApi } from '../fakes/messagesApi.ts'

// Failures of the Anthropic API through the real SDK: what is retried (and reported), what is not, and
// what the person is told. Waiting is a recorded no-op, so no test depends on the clock.

const API_KEY = 'sk-ant-test-key'

let fake: FakeMessagesApi
let waits: number[]

beforeEach(async () => {
  fake = await startFakeMessagesApi({ apiKey: API_KEY })
  waits = []
})
afterEach(async () => {
  await fake.close()
})

function provider(options: Partial<AnthropicProviderOptions> = {}) {
  return createAnthropicProvider({
    apiKey: API_KEY,
    baseURL: fake.url,
    sleep: async (ms) => {
      waits.push(ms)
    },
    random: () => 0.5,
    log: silentLogger,
    ...options
  })
}

const hello: ModelRequest = {
  model: 'claude-sonnet-5-5',
  system: 'Be brief.',
  tools: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello.' }] }],
  maxOutputTokens: 256
}
const ok = (text = 'Hello!') => ({ type: 'message' as const, content: [{ type: 'text' as const, text }] })

async function run(request: ModelRequest = hello, options: Partial<AnthropicProviderOptions> = {}) {
  const events: ModelStreamEvent[] = []
  const outcome = await provider(options)
    .streamTurn(request, (event) => events.push(event))
    .then(
      (turn) => ({ turn, error: undefined }),
      (error: unknown) => ({ turn: undefined, error: error as ModelError })
    )
  const text = events.flatMap((event) => (event.type === 'text' ? [event.text] : [])).join('')
  const retries = events.filter((event) => event.type === 'retry')
  return { ...outcome, events, text, retries }
}

describe('Anthropic provider: retries', () => {
  it('waits as long as retry-after says after a 429, then succeeds', async () => {
    fake.script({ type: 'error', status: 429, retryAfterSeconds: 0.01 }, ok())
    const { turn, retries } = await run()

    expect(turn?.content).toEqual([{ type: 'text', text: 'Hello!' }])
    expect(waits).toEqual([10])
    expect(retries).toEqual([{ type: 'retry', attempt: 1, delayMs: 10, reason: 'rate-limited', message: 'the Anthropic rate limit was reached (429)' }])
    expect(fake.requests).toHaveLength(2)
  })

  it('retries a 529 with exponential backoff and jitter', async () => {
    fake.script({ type: 'error', status: 529 }, { type: 'error', status: 529 }, ok('Recovered.'))
    const { turn, retries } = await run()

    expect(turn?.content).toEqual([{ type: 'text', text: 'Recovered.' }])
    // base 1 s, doubled per retry, times a jitter factor of 0.75 (random() = 0.5)
    expect(waits).toEqual([750, 1500])
    expect(retries.map((retry) => [retry.attempt, retry.reason])).toEqual([
      [1, 'overloaded'],
      [2, 'overloaded']
    ])
  })

  it('retries a 500', async () => {
    fake.script({ type: 'error', status: 500 }, ok())
    const { turn, retries } = await run()
    expect(turn).toBeDefined()
    expect(retries.map((retry) => retry.reason)).toEqual(['server-error'])
  })

  it('retries an overloaded error that arrives in the stream before any text', async () => {
    fake.script({ type: 'stream-error', errorType: 'overloaded_error' }, ok('Second try.'))
    const { turn, text, retries } = await run()

    expect(turn?.content).toEqual([{ type: 'text', text: 'Second try.' }])
    expect(text).toBe('Second try.')
    expect(retries.map((retry) => retry.reason)).toEqual(['overloaded'])
    expect(fake.requests).toHaveLength(2)
  })

  it('fails clearly, without retrying, when the stream breaks after text was shown', async () => {
    fake.script({ type: 'stream-error', afterText: 'Partial answer', errorType: 'overloaded_error' }, ok('never asked for'))
    const { error, text, retries } = await run()

    expect(error).toBeInstanceOf(ModelError)
    expect(error?.reason).toBe('interrupted')
    expect(error?.message).toContain('broke off after it had started')
    expect(error?.message).toContain('overloaded')
    expect(error?.hint).toContain('not retried')
    expect(text).toBe('Partial answer')
    expect(retries).toEqual([])
    expect(fake.requests).toHaveLength(1)
  })

  it('gives up after maxRetries and says so', async () => {
    fake.script({ type: 'error', status: 529 }, { type: 'error', status: 529 }, { type: 'error', status: 529 })
    const { error, retries } = await run(hello, { maxRetries: 2 })

    expect(error?.reason).toBe('overloaded')
    expect(error?.message).toBe('Claude is overloaded right now (529) (gave up after 3 attempts)')
    expect(error?.hint).toBe('try again in a few minutes')
    expect(error?.code).toBe('connection')
    expect(retries).toHaveLength(2)
    expect(fake.requests).toHaveLength(3)
  })

  it('does not wait for a retry-after longer than a minute; the hint says how long', async () => {
    fake.script({ type: 'error', status: 429, retryAfterSeconds: 600 }, ok())
    const { error } = await run()

    expect(error?.reason).toBe('rate-limited')
    expect(error?.retryAfterMs).toBe(600_000)
    expect(error?.hint).toContain('wait 600 s')
    expect(waits).toEqual([])
    expect(fake.requests).toHaveLength(1)
  })

  it('obeys x-should-retry: false', async () => {
    // The fake answers a request with no scripted turn with a 500 and x-should-retry: false.
    const { error } = await run()
    expect(error?.reason).toBe('server-error')
    expect(error?.retryable).toBe(false)
    expect(fake.requests).toHaveLength(1)
  })

  it('stops waiting between retries when aborted', async () => {
    const abort = new AbortController()
    fake.script({ type: 'error', status: 529 }, ok())
    const { error } = await run({ ...hello, signal: abort.signal }, { sleep: async () => abort.abort() })

    expect(error?.reason).toBe('aborted')
    expect(fake.requests).toHaveLength(1)
  })
})

describe('Anthropic provider: errors a person can act on', () => {
  it('401 → bad-key, with where to set a key; not retried', async () => {
    const { error } = await run(hello, { apiKey: 'sk-ant-wrong' })

    expect(error?.reason).toBe('bad-key')
    expect(error?.code).toBe('access')
    expect(error?.message).toBe('the Anthropic API key was refused (401)')
    expect(error?.hint).toBe('Set a valid key in Settings → Models or ANTHROPIC_API_KEY')
    expect(fake.requests).toHaveLength(1)
  })

  it('an unknown model → unknown-model, naming it and the current models', async () => {
    const { error } = await run({ ...hello, model: 'claude-sonnet-5.5' })

    expect(error?.reason).toBe('unknown-model')
    expect(error?.message).toContain('"claude-sonnet-5.5"')
    expect(error?.hint).toContain('claude-sonnet-5-5')
    expect(fake.requests).toHaveLength(1)
  })

  it('a 400 → bad-request, not retried', async () => {
    fake.script({ type: 'error', status: 400, message: 'messages.0: something is off' })
    const { error } = await run()
    expect(error?.reason).toBe('bad-request')
    expect(error?.message).toContain('messages.0: something is off')
    expect(fake.requests).toHaveLength(1)
  })

  it('a prompt that is too long → too-large', async () => {
    fake.script({ type: 'error', status: 400, message: 'prompt is too long: 250000 tokens > 200000 maximum' })
    const { error } = await run()
    expect(error?.reason).toBe('too-large')
  })

  it('nothing listening → unreachable, naming the address, after retrying', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`
    const { error, retries } = await run(hello, { baseURL: url, maxRetries: 1 })

    expect(error?.reason).toBe('unreachable')
    expect(error?.message).toMatch(new RegExp(`^could not reach ${url}`))
    expect(error?.message).toContain('ECONNREFUSED')
    expect(error?.hint).toBe('check the connection or use a local model for the private assistant')
    expect(retries.map((retry) => retry.reason)).toEqual(['unreachable'])
  })
})

/** A loopback port that was just free: listen on an ephemeral port, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (typeof address !== 'object' || address === null) throw new Error('no port')
  return address.port
}
