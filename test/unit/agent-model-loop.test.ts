import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../shared/log.ts'
import { runModelLoop, type LoopEvent, type ModelLoopServices, type ToolCallAnswer, type ToolCallRequest } from '../../electron/agent/modelLoop.ts'
import type { RunRequestMessage } from '../../electron/agent/protocol.ts'
import { createProvider } from '../../electron/agent/providers/index.ts'
import { startFakeMessagesApi, type FakeMessagesApi, type RequestBody } from '../fakes/messagesApi.ts'
import { startFakeOpenAiServer } from '../fakes/openaiCompatible.ts'

// The model loop with the real Anthropic SDK (through createProvider) against the fake Messages API.

const API_KEY = 'sk-ant-loop-test'
const MODEL = 'claude-sonnet-5-5'

let fake: FakeMessagesApi

beforeEach(async () => {
  fake = await startFakeMessagesApi({ apiKey: API_KEY })
})
afterEach(async () => {
  await fake.close()
})

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }
}

function runMessage(overrides: Partial<RunRequestMessage> = {}): RunRequestMessage {
  return {
    type: 'run',
    runId: 'run-1',
    provider: { kind: 'anthropic', apiKey: API_KEY, baseURL: fake.url },
    model: MODEL,
    system: 'You are a careful coworker.',
    tools: [weatherTool],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the weather like?' }] }],
    maxOutputTokens: 1024,
    budgets: { maxTurns: 10, maxOutputTokens: 100_000, maxCostUsd: 5 },
    ...overrides
  }
}

type AnswerTool = (call: ToolCallRequest, signal: AbortSignal) => Promise<ToolCallAnswer>

function harness(answer: AnswerTool = async (call) => ({ content: `sunny in ${String((call.input as { city?: string }).city)}`, isError: false })) {
  const events: LoopEvent[] = []
  const calls: ToolCallRequest[] = []
  const services: ModelLoopServices = {
    createProvider: (config) => createProvider(config, { log: silentLogger, sleep: async () => {} }),
    callTool: (call, signal) => {
      calls.push(call)
      return answer(call, signal)
    },
    emit: (event) => events.push(event)
  }
  const streamed = () => events.flatMap((event) => (event.type === 'text' ? [event.text] : [])).join('')
  const ofType = <T extends LoopEvent['type']>(type: T) => events.filter((event): event is Extract<LoopEvent, { type: T }> => event.type === type)
  return { events, calls, services, streamed, ofType }
}

const messagesOf = (body: RequestBody) => body.messages as unknown as Array<{ role: string; content: Array<Record<string, unknown>> }>

describe('model loop: replies and tools', () => {
  it('streams the reply and ends with the conversation, usage and cost', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'It is sunny and mild today.' }], textChunks: 4 })
    const { events, services, streamed, ofType } = harness()

    const done = await runModelLoop(runMessage(), services)

    expect(done).toMatchObject({ type: 'done', runId: 'run-1', outcome: 'completed', text: 'It is sunny and mild today.', turns: 1, reason: null, error: null })
    expect(ofType('text').length).toBeGreaterThan(1)
    expect(streamed()).toBe(done.text)
    expect(done.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What is the weather like?' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'It is sunny and mild today.' }] }
    ])
    const [turn] = ofType('turn')
    expect(turn).toMatchObject({ runId: 'run-1', turn: 1, stopReason: 'end_turn' })
    expect(turn?.usage.outputTokens).toBeGreaterThan(0)
    expect(done.usage).toEqual(turn?.usage)
    expect(done.costUsd).toBeGreaterThan(0)
    expect(done.costUsd).toBe(turn?.costUsd)
    expect(events.at(-1)?.type).toBe('turn')
  })

  it('answers two tool calls of one turn in order, one at a time, and sends both results back', async () => {
    fake.script(
      {
        type: 'message',
        content: [
          { type: 'text', text: 'Let me look both up.' },
          { type: 'tool_use', name: 'get_weather', input: { city: 'Lisbon' } },
          { type: 'tool_use', name: 'get_weather', input: { city: 'Porto' } }
        ]
      },
      { type: 'message', content: [{ type: 'text', text: 'Both are sunny.' }] }
    )
    const timeline: string[] = []
    const { calls, services, streamed, ofType } = harness(async (call) => {
      const city = String((call.input as { city: string }).city)
      timeline.push(`asked ${city}`)
      // The first answer is slower: the second call must still wait for it.
      await new Promise((resolve) => setTimeout(resolve, city === 'Lisbon' ? 30 : 0))
      timeline.push(`answered ${city}`)
      return { content: `sunny in ${city}`, isError: false }
    })

    const done = await runModelLoop(runMessage(), services)

    expect(done.outcome).toBe('completed')
    expect(calls.map((call) => call.input)).toEqual([{ city: 'Lisbon' }, { city: 'Porto' }])
    expect(timeline).toEqual(['asked Lisbon', 'answered Lisbon', 'asked Porto', 'answered Porto'])
    expect(done.text).toBe('Let me look both up.\n\nBoth are sunny.')
    expect(streamed()).toBe(done.text)
    expect(ofType('turn').map((turn) => turn.turn)).toEqual([1, 2])
    expect(done.turns).toBe(2)

    const second = messagesOf(fake.requests[1]!.body)
    const results = second.at(-1)!
    expect(results.role).toBe('user')
    expect(results.content).toHaveLength(2)
    expect(results.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: calls[0]!.callId, content: 'sunny in Lisbon' })
    expect(results.content[1]).toMatchObject({ type: 'tool_result', tool_use_id: calls[1]!.callId, content: 'sunny in Porto' })
    expect(results.content.some((block) => 'is_error' in block)).toBe(false)
    expect(done.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    expect(done.usage.outputTokens).toBe(ofType('turn').reduce((sum, turn) => sum + turn.usage.outputTokens, 0))
  })

  it('passes a failed tool on to the model as an is_error result', async () => {
    fake.script(
      { type: 'message', content: [{ type: 'tool_use', name: 'get_weather', input: { city: 'Atlantis' } }] },
      { type: 'message', content: [{ type: 'text', text: 'I could not find that city.' }] }
    )
    const { services } = harness(async () => ({ content: 'no such city: Atlantis', isError: true }))

    const done = await runModelLoop(runMessage(), services)

    expect(done.outcome).toBe('completed')
    const results = messagesOf(fake.requests[1]!.body).at(-1)!
    expect(results.content[0]).toMatchObject({ type: 'tool_result', content: 'no such city: Atlantis', is_error: true })
  })

  it('continues a conversation that ended with tool results when the next message is appended', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'Noted.' }] })
    const { services } = harness()
    const messages: RunRequestMessage['messages'] = [
      { role: 'user', content: [{ type: 'text', text: 'Check Lisbon.' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Lisbon' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] },
      { role: 'user', content: [{ type: 'text', text: 'Thanks, and now?' }] }
    ]

    const done = await runModelLoop(runMessage({ messages }), services)

    expect(done.outcome).toBe('completed')
    const sent = messagesOf(fake.requests[0]!.body)
    expect(sent.map((message) => message.role)).toEqual(['user', 'assistant', 'user'])
    expect(sent[2]!.content.map((block) => block['type'])).toEqual(['tool_result', 'text'])
  })

  it('passes retry events on and completes when the retry succeeds', async () => {
    fake.script({ type: 'error', status: 529 }, { type: 'message', content: [{ type: 'text', text: 'Back now.' }] })
    const { services, ofType } = harness()

    const done = await runModelLoop(runMessage(), services)

    expect(done.outcome).toBe('completed')
    expect(ofType('retry')).toEqual([expect.objectContaining({ type: 'retry', runId: 'run-1', attempt: 1, reason: 'overloaded' })])
    expect(ofType('retry')[0]!.message).toMatch(/overloaded/i)
  })

  it('runs against a local OpenAI-compatible model, at no cost', async () => {
    const local = await startFakeOpenAiServer()
    try {
      local.script(
        { type: 'message', content: [{ type: 'tool_use', name: 'get_weather', input: { city: 'Faro' } }] },
        { type: 'message', content: [{ type: 'text', text: 'Faro is sunny.' }] }
      )
      const { services, calls } = harness()
      const provider = { kind: 'openai-compatible' as const, baseURL: local.url, model: 'local-model' }

      const done = await runModelLoop(runMessage({ provider, model: '', budgets: { maxTurns: 5, maxOutputTokens: 10_000, maxCostUsd: 0.01 } }), services)

      expect(done).toMatchObject({ outcome: 'completed', text: 'Faro is sunny.', turns: 2, costUsd: 0 })
      expect(calls).toHaveLength(1)
    } finally {
      await local.close()
    }
  })
})

describe('model loop: budgets', () => {
  const toolTurn = (city: string) => ({ type: 'message' as const, content: [{ type: 'tool_use' as const, name: 'get_weather', input: { city } }] })

  it('stops before a turn past the turn limit, with the reason', async () => {
    fake.script(toolTurn('Lisbon'), toolTurn('Porto'), toolTurn('Faro'))
    const { services, calls } = harness()

    const done = await runModelLoop(runMessage({ budgets: { maxTurns: 2, maxOutputTokens: 100_000, maxCostUsd: 5 } }), services)

    expect(done).toMatchObject({ outcome: 'budget', turns: 2, error: null })
    expect(done.reason).toBe('stopped after 2 model turns, the limit per task')
    expect(fake.requests).toHaveLength(2)
    expect(fake.pendingTurns).toBe(1)
    // The last turn's tool calls ran: their results end the conversation.
    expect(calls).toHaveLength(2)
    expect(done.messages.at(-1)).toMatchObject({ role: 'user', content: [{ type: 'tool_result', content: 'sunny in Porto' }] })
  })

  it('caps each turn by the output tokens left and stops once they are spent', async () => {
    fake.script(
      { type: 'message', content: [{ type: 'text', text: 'Checking the forecast for you now, one moment please.' }, toolTurn('Lisbon').content[0]!] },
      toolTurn('Porto')
    )
    const { services, ofType } = harness()

    const done = await runModelLoop(runMessage({ budgets: { maxTurns: 10, maxOutputTokens: 20, maxCostUsd: 5 } }), services)

    expect(fake.requests[0]!.body.max_tokens).toBe(20)
    const spent = ofType('turn')[0]!.usage.outputTokens
    expect(spent).toBeGreaterThanOrEqual(20)
    expect(done).toMatchObject({ outcome: 'budget', turns: 1 })
    expect(done.reason).toBe(`stopped after ${spent} output tokens, the limit per task is 20`)
    expect(fake.requests).toHaveLength(1)
  })

  it('gives the next turn only the output tokens left of the budget', async () => {
    fake.script(toolTurn('Lisbon'), { type: 'message', content: [{ type: 'text', text: 'Done.' }] })
    const { services, ofType } = harness()

    const done = await runModelLoop(runMessage({ maxOutputTokens: 800, budgets: { maxTurns: 10, maxOutputTokens: 810, maxCostUsd: 5 } }), services)

    expect(done.outcome).toBe('completed')
    expect(fake.requests[0]!.body.max_tokens).toBe(800)
    expect(fake.requests[1]!.body.max_tokens).toBe(810 - ofType('turn')[0]!.usage.outputTokens)
  })

  it('stops once the estimated cost reaches the limit, and caps output to what the budget pays for', async () => {
    fake.script(toolTurn('Lisbon'), toolTurn('Porto'))
    const { services, ofType } = harness()
    // $15 per million output tokens: $0.00004 pays for 2 of them.
    const done = await runModelLoop(runMessage({ budgets: { maxTurns: 10, maxOutputTokens: 100_000, maxCostUsd: 0.00004 } }), services)

    expect(fake.requests[0]!.body.max_tokens).toBe(2)
    expect(done).toMatchObject({ outcome: 'budget', turns: 1 })
    expect(done.costUsd).toBe(ofType('turn')[0]!.costUsd)
    expect(done.costUsd).toBeGreaterThan(0.00004)
    expect(done.reason).toMatch(/^stopped at about \$0\.\d+ of model use, the limit per task is \$0\.000040$/)
  })

  it('ends a reply cut off at the per-turn limit, dropping the tool call it never finished', async () => {
    fake.script({
      type: 'message',
      content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', name: 'get_weather', input: { city: 'Lis' } }],
      stopReason: 'max_tokens'
    })
    const { services, calls } = harness()

    const done = await runModelLoop(runMessage(), services)

    expect(done.outcome).toBe('budget')
    expect(done.reason).toBe('the reply was cut off at 1024 output tokens, the limit per model turn')
    expect(calls).toHaveLength(0)
    expect(done.messages.at(-1)).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Let me check.' }] })
  })
})

describe('model loop: abort', () => {
  it('ends promptly with outcome aborted when aborted mid-stream, keeping the text shown', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'A long answer that streams slowly, piece by piece.' }], textChunks: 20, chunkDelayMs: 50 })
    const controller = new AbortController()
    const { services, events } = harness()
    const emit = services.emit
    services.emit = (event) => {
      emit(event)
      if (event.type === 'text') controller.abort('stopped by Dana')
    }

    const done = await runModelLoop(runMessage(), services, controller.signal)

    expect(done).toMatchObject({ outcome: 'aborted', reason: 'stopped by Dana', error: null, turns: 0 })
    expect(done.text.length).toBeGreaterThan(0)
    expect(done.text.length).toBeLessThan('A long answer that streams slowly, piece by piece.'.length)
    expect(done.messages.at(-1)).toEqual({ role: 'assistant', content: [{ type: 'text', text: done.text }] })
    expect(events.some((event) => event.type === 'turn')).toBe(false)
  })

  it('stops waiting for a pending tool call and leaves every tool call answered', async () => {
    fake.script(
      { type: 'message', content: [{ type: 'tool_use', name: 'get_weather', input: { city: 'Lisbon' } }, { type: 'tool_use', name: 'get_weather', input: { city: 'Porto' } }] },
      { type: 'message', content: [{ type: 'text', text: 'Picking up where we left off.' }] }
    )
    const controller = new AbortController()
    let late: ((answer: ToolCallAnswer) => void) | undefined
    const { services } = harness((_call, signal) => {
      expect(signal.aborted).toBe(false)
      setTimeout(() => controller.abort('stopped by Dana'), 5)
      return new Promise((resolve) => (late = resolve))
    })

    const done = await runModelLoop(runMessage(), services, controller.signal)
    late?.({ content: 'too late', isError: false })

    expect(done).toMatchObject({ outcome: 'aborted', reason: 'stopped by Dana', turns: 1 })
    const results = done.messages.at(-1)!
    expect(results.role).toBe('user')
    expect(results.content).toHaveLength(2)
    expect(results.content.every((block) => block.type === 'tool_result' && block.is_error === true && /stopped/.test(block.content))).toBe(true)

    // The conversation it left is one the model accepts when the person continues.
    const next = [...done.messages, { role: 'user' as const, content: [{ type: 'text' as const, text: 'Go on.' }] }]
    const continued = await runModelLoop(runMessage({ messages: next }), harness().services)
    expect(continued.outcome).toBe('completed')
  })
})

describe('model loop: model errors', () => {
  it('reports a refused key as failed with the reason and a hint', async () => {
    const { services } = harness()
    const done = await runModelLoop(runMessage({ provider: { kind: 'anthropic', apiKey: 'sk-ant-wrong', baseURL: fake.url } }), services)

    expect(done.outcome).toBe('failed')
    expect(done.error).toMatchObject({ reason: 'bad-key' })
    expect(done.error?.message).toMatch(/401/)
    expect(done.error?.hint).toMatch(/key/i)
    expect(done.reason).toBe(done.error?.message)
  })

  it('reports an unknown model as failed, naming the model and the ones to pick', async () => {
    const { services } = harness()
    const done = await runModelLoop(runMessage({ model: 'claude-imaginary-9' }), services)

    expect(done.outcome).toBe('failed')
    expect(done.error).toMatchObject({ reason: 'unknown-model' })
    expect(done.error?.message).toContain('claude-imaginary-9')
    expect(done.error?.hint).toContain(MODEL)
  })

  it('reports an endpoint that cannot be reached as failed, after retrying', async () => {
    const closedUrl = await unusedLoopbackUrl()
    const { services, ofType } = harness()
    const done = await runModelLoop(runMessage({ provider: { kind: 'anthropic', apiKey: API_KEY, baseURL: closedUrl } }), services)

    expect(done.outcome).toBe('failed')
    expect(done.error).toMatchObject({ reason: 'unreachable' })
    expect(done.error?.message).toContain(closedUrl)
    expect(done.error?.hint).toBeTruthy()
    expect(ofType('retry').length).toBeGreaterThan(0)
    expect(ofType('retry').every((retry) => retry.reason === 'unreachable')).toBe(true)
  })

  it('reports a missing key as not configured, with what to set up', async () => {
    const { services } = harness()
    const done = await runModelLoop(runMessage({ provider: { kind: 'anthropic', apiKey: '' } }), services)

    expect(done).toMatchObject({ outcome: 'failed', turns: 0, costUsd: 0, text: '' })
    expect(done.error).toMatchObject({ reason: 'not-configured' })
    expect(done.error?.hint).toMatch(/Settings/)
    expect(fake.requests).toHaveLength(0)
  })
})

/** A loopback URL nothing listens on. */
async function unusedLoopbackUrl(): Promise<string> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}
