import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLogger, silentLogger } from '../../shared/log.ts'
import { AgentServer, SHUTDOWN_REASON } from '../../electron/agent/agentServer.ts'
import type { AgentToHost, HostToAgent, RunDone } from '../../electron/agent/protocol.ts'
import { createProvider } from '../../electron/agent/providers/index.ts'
import { startFakeMessagesApi, type FakeMessagesApi, type RecordedRequest, type ScriptedTurn } from '../fakes/messagesApi.ts'

// The agent process's message handling, in-process: runs side by side, tool results routed, bad input dropped.

const API_KEY = 'sk-ant-server-test'
let fake: FakeMessagesApi

beforeEach(async () => {
  fake = await startFakeMessagesApi({ apiKey: API_KEY })
})
afterEach(async () => {
  await fake.close()
})

function run(runId: string, text: string): Extract<HostToAgent, { type: 'run' }> {
  return {
    type: 'run',
    runId,
    provider: { kind: 'anthropic', apiKey: API_KEY, baseURL: fake.url },
    model: 'claude-haiku-5-5',
    system: '',
    tools: [{ name: 'get_weather', description: 'Weather for a city.', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    maxOutputTokens: 512,
    budgets: { maxTurns: 5, maxOutputTokens: 10_000, maxCostUsd: 1 }
  }
}

/** Asks for the weather of the city the user named, then reports the tool's answer. */
const weatherTurn: ScriptedTurn = (request: RecordedRequest) => {
  const messages = request.body.messages as Array<{ content: Array<{ type: string; text?: string; content?: string }> }>
  const last = messages.at(-1)!.content[0]!
  if (last.type === 'tool_result') return { type: 'message', content: [{ type: 'text', text: `Report: ${last.content}` }] }
  return { type: 'message', content: [{ type: 'tool_use', name: 'get_weather', input: { city: last.text } }] }
}

function serverHarness() {
  const sent: AgentToHost[] = []
  const logLines: string[] = []
  const log = createLogger({ scope: 'agent', level: 'warn', write: (line) => logLines.push(line) })
  const onShutdown = vi.fn()
  const server = new AgentServer({
    send: (message) => sent.push(message),
    createProvider: (config) => createProvider(config, { log: silentLogger, sleep: async () => {} }),
    onShutdown,
    log
  })
  const doneOf = (runId: string) => sent.find((message): message is RunDone => message.type === 'done' && message.runId === runId)
  const waitForDone = (runId: string) => vi.waitFor(() => doneOf(runId) ?? Promise.reject(new Error(`no done for ${runId} yet`)), { timeout: 5000 })
  const toolCalls = () => sent.filter((message): message is Extract<AgentToHost, { type: 'tool-call' }> => message.type === 'tool-call')
  return { server, sent, logLines, onShutdown, doneOf, waitForDone, toolCalls }
}

describe('agent server', () => {
  it('runs several runs at once and routes each tool result to its run', async () => {
    fake.script(weatherTurn, weatherTurn, weatherTurn, weatherTurn)
    const { server, waitForDone, toolCalls } = serverHarness()

    server.receive(run('run-a', 'Lisbon'))
    server.receive(run('run-b', 'Porto'))
    await vi.waitFor(() => expect(toolCalls()).toHaveLength(2))
    expect(server.activeRuns).toBe(2)
    // Answer in the opposite order they were asked.
    for (const call of [...toolCalls()].reverse()) {
      const city = (call.input as { city: string }).city
      server.receive({ type: 'tool-result', runId: call.runId, callId: call.callId, content: `sunny in ${city}`, isError: false })
    }

    const [a, b] = await Promise.all([waitForDone('run-a'), waitForDone('run-b')])
    expect(a).toMatchObject({ outcome: 'completed', text: 'Report: sunny in Lisbon', turns: 2 })
    expect(b).toMatchObject({ outcome: 'completed', text: 'Report: sunny in Porto', turns: 2 })
    expect(server.activeRuns).toBe(0)
  })

  it('drops messages that do not match the protocol, and tool results nobody waits for, and keeps working', async () => {
    fake.script({ type: 'message', content: [{ type: 'text', text: 'Still here.' }] })
    const { server, sent, logLines, waitForDone } = serverHarness()

    for (const bad of [null, 'run', 42, { type: 'run' }, { type: 'launch', runId: 'x' }, { ...run('run-x', 'hi'), budgets: { maxTurns: 0 } }]) {
      expect(() => server.receive(bad)).not.toThrow()
    }
    server.receive({ type: 'tool-result', runId: 'nobody', callId: 'nothing', content: 'late', isError: false })
    expect(sent).toEqual([])
    expect(logLines.filter((line) => line.includes('does not match the protocol'))).toHaveLength(6)
    expect(logLines.some((line) => line.includes('no run is waiting for'))).toBe(true)

    server.receive(run('run-ok', 'hello'))
    expect(await waitForDone('run-ok')).toMatchObject({ outcome: 'completed', text: 'Still here.' })
  })

  it('ignores a second run with an id that is already running', async () => {
    fake.script({ type: 'hang' })
    const { server, sent, logLines } = serverHarness()
    server.receive(run('run-1', 'one'))
    server.receive(run('run-1', 'two'))
    expect(server.activeRuns).toBe(1)
    expect(logLines.some((line) => line.includes('already running'))).toBe(true)
    await server.stop('test over')
    expect(sent.filter((message) => message.type === 'done')).toHaveLength(1)
  })

  it('aborts a run on request, with the reason given', async () => {
    fake.script({ type: 'hang' })
    const { server, waitForDone } = serverHarness()
    server.receive(run('run-1', 'hello'))
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1))

    server.receive({ type: 'abort', runId: 'run-1', reason: 'stopped by Dana' })

    expect(await waitForDone('run-1')).toMatchObject({ outcome: 'aborted', reason: 'stopped by Dana' })
  })

  it('on shutdown, aborts every run and reports their ends before it says it is done', async () => {
    fake.script({ type: 'hang' }, weatherTurn)
    const { server, sent, onShutdown, toolCalls } = serverHarness()
    server.receive(run('run-model', 'hello'))
    server.receive(run('run-tool', 'Lisbon'))
    await vi.waitFor(() => expect(toolCalls()).toHaveLength(1))
    await vi.waitFor(() => expect(fake.requests).toHaveLength(2))

    server.receive({ type: 'shutdown' })
    await vi.waitFor(() => expect(onShutdown).toHaveBeenCalledOnce())

    const dones = sent.filter((message): message is RunDone => message.type === 'done')
    expect(dones.map((done) => [done.runId, done.outcome, done.reason]).sort()).toEqual([
      ['run-model', 'aborted', SHUTDOWN_REASON],
      ['run-tool', 'aborted', SHUTDOWN_REASON]
    ])
    server.receive(run('run-late', 'hello'))
    expect(server.activeRuns).toBe(0)
  })
})
