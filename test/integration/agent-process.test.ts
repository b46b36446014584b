import { fork } from 'node:child_process'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLogger } from '../../shared/log.ts'
import type { HostToAgent } from '../../electron/agent/protocol.ts'
import type { RunRequest, ToolCall } from '../../electron/host/agent/agentClient.ts'
import { AgentSupervisor } from '../../electron/host/agent/agentSupervisor.ts'
import { defaultAgentEntry, forkAgentTransport, type ForkedAgentTransport } from '../../electron/host/agent/forkTransport.ts'
import { startFakeMessagesApi, type FakeMessagesApi, type RecordedRequest, type ScriptedTurn } from '../fakes/messagesApi.ts'

// The supervisor with a real agent process, forked from electron/agent/entry.mjs (TypeScript through
// tsx), calling the fake Messages API over loopback with the real SDK.

const API_KEY = 'sk-ant-process-test'
let fake: FakeMessagesApi
let supervisor: AgentSupervisor
let transports: ForkedAgentTransport[]

beforeAll(async () => {
  fake = await startFakeMessagesApi({ apiKey: API_KEY })
})
afterAll(async () => {
  await fake.close()
})
beforeEach(() => {
  transports = []
  supervisor = new AgentSupervisor({
    createTransport: () => {
      // Quiet: one test sends a malformed message on purpose, and the agent warns about it.
      const transport = forkAgentTransport({ env: { ...process.env, COMMONS_LOG_LEVEL: 'error' } })
      transports.push(transport)
      return transport
    },
    log: createLogger({ scope: 'test.host.agent', level: 'silent' })
  })
})
afterEach(async () => {
  await supervisor.close()
})

function request(text: string): RunRequest {
  return {
    provider: { kind: 'anthropic', apiKey: API_KEY, baseURL: fake.url },
    model: 'claude-sonnet-5-5',
    system: 'You are a careful coworker.',
    tools: [{ name: 'get_weather', description: 'Weather for a city.', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    maxOutputTokens: 512,
    budgets: { maxTurns: 5, maxOutputTokens: 10_000, maxCostUsd: 1 }
  }
}

/** Asks for the weather of the city the user named, then reports what the tool said. */
const weatherTurn: ScriptedTurn = (recorded: RecordedRequest) => {
  const messages = recorded.body.messages as Array<{ content: Array<{ type: string; text?: string; content?: string }> }>
  const last = messages.at(-1)!.content[0]!
  if (last.type === 'tool_result') return { type: 'message', content: [{ type: 'text', text: `Report: ${last.content}` }] }
  return { type: 'message', content: [{ type: 'text', text: 'Looking it up.' }, { type: 'tool_use', name: 'get_weather', input: { city: last.text } }] }
}

const answerWeather = async (call: ToolCall) => ({ content: `sunny in ${(call.input as { city: string }).city}`, isError: false })

describe('agent process', () => {
  it('runs a task end to end over IPC: streamed text, a tool call answered by the Host, turns, the report', async () => {
    fake.script(weatherTurn, weatherTurn)
    const texts: string[] = []
    const calls: ToolCall[] = []
    const turns: number[] = []

    const run = supervisor.start(request('Lisbon'), {
      onText: (text) => texts.push(text),
      onToolCall: async (call) => {
        calls.push(call)
        return answerWeather(call)
      },
      onTurn: (turn) => turns.push(turn.turn)
    })
    const result = await run.done

    expect(result).toMatchObject({ outcome: 'completed', text: 'Looking it up.\n\nReport: sunny in Lisbon', turns: 2, reason: null, error: null })
    expect(texts.join('')).toBe('Looking it up.\n\nReport: sunny in Lisbon')
    expect(calls).toEqual([{ callId: expect.any(String), name: 'get_weather', input: { city: 'Lisbon' } }])
    expect(turns).toEqual([1, 2])
    expect(supervisor.pid).toBe(transports[0]!.pid)
    expect(result.outcome === 'completed' && result.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
  })

  it('carries many runs at once in one process', async () => {
    const cities = ['Lisbon', 'Porto', 'Faro', 'Braga', 'Coimbra', 'Evora', 'Aveiro', 'Leiria']
    fake.script(...cities.flatMap(() => [weatherTurn, weatherTurn]))

    const runs = cities.map((city) => supervisor.start(request(city), { onToolCall: answerWeather }))
    const results = await Promise.all(runs.map((run) => run.done))

    expect(results.map((result) => result.outcome === 'completed' && result.text)).toEqual(cities.map((city) => `Looking it up.\n\nReport: sunny in ${city}`))
    expect(transports).toHaveLength(1)
  })

  it('drops a message that does not match the protocol and goes on with the next run', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'Warm.' }] }, { type: 'message', content: [{ type: 'text', text: 'Still here.' }] })
    await supervisor.start(request('warm up'), { onToolCall: answerWeather }).done
    const transport = transports[0]!

    transport.send({ type: 'run', runId: 'broken' } as unknown as HostToAgent)
    transport.send({ type: 'self-destruct' } as unknown as HostToAgent)
    const next = await supervisor.start(request('hello'), { onToolCall: answerWeather }).done

    expect(next).toMatchObject({ outcome: 'completed', text: 'Still here.' })
    expect(transports).toHaveLength(1)
    expect(supervisor.pid).toBe(transport.pid)
  })

  it('aborts a run in the process promptly', async () => {
    fake.script({ type: 'hang' })
    const requestsBefore = fake.requests.length
    const run = supervisor.start(request('hello'), { onToolCall: answerWeather })
    await vi.waitFor(() => expect(fake.requests.length).toBe(requestsBefore + 1), { timeout: 20_000 })

    run.abort('stopped by Dana')

    expect(await run.done).toMatchObject({ outcome: 'aborted', reason: 'stopped by Dana' })
  })

  it('ends the run of a SIGKILLed process as crashed, and the next run works on a new process', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'A slow answer that streams piece by piece.' }], textChunks: 40, chunkDelayMs: 100 })
    const texts: string[] = []
    const run = supervisor.start(request('hello'), { onText: (text) => texts.push(text), onToolCall: answerWeather })
    await vi.waitFor(() => expect(texts.length).toBeGreaterThan(0), { timeout: 20_000 })
    const killed = transports[0]!

    process.kill(killed.pid!, 'SIGKILL')

    expect(await run.done).toEqual({ outcome: 'crashed', reason: 'the agent process stopped unexpectedly (killed by SIGKILL)' })
    fake.script(weatherTurn, weatherTurn)
    const next = await supervisor.start(request('Porto'), { onToolCall: answerWeather }).done
    expect(next).toMatchObject({ outcome: 'completed', text: 'Looking it up.\n\nReport: sunny in Porto' })
    expect(transports).toHaveLength(2)
    expect(transports[1]!.pid).not.toBe(killed.pid)
  })

  it('closes by shutting the process down, ending what runs as aborted', async () => {
    fake.script({ type: 'hang' })
    const requestsBefore = fake.requests.length
    const run = supervisor.start(request('hello'), { onToolCall: answerWeather })
    await vi.waitFor(() => expect(fake.requests.length).toBe(requestsBefore + 1), { timeout: 20_000 })
    const exited = new Promise<[number | null, string | null]>((resolve) => transports[0]!.onExit((code, signal) => resolve([code, signal])))

    await supervisor.close()

    expect(await run.done).toMatchObject({ outcome: 'aborted', reason: 'the agent process is shutting down' })
    expect(await exited).toEqual([0, null])
  })

  it('says ready with its pid, and leaves when the Host goes away', async () => {
    const child = fork(defaultAgentEntry(), [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const ready = await new Promise<unknown>((resolve) => child.once('message', resolve))
    expect(ready).toEqual({ type: 'ready', pid: child.pid })

    child.disconnect()

    expect(await exited).toBe(0)
  })
})
