import { describe, expect, it, vi } from 'vitest'
import { createLogger } from '../../shared/log.ts'
import type { AgentToHost, HostToAgent } from '../../electron/agent/protocol.ts'
import type { AgentTransport, RunRequest } from '../../electron/host/agent/agentClient.ts'
import { AgentSupervisor, defaultRestartDelayMs, type AgentSupervisorOptions } from '../../electron/host/agent/agentSupervisor.ts'

// The supervisor over an in-memory transport: the process is played by the test.

class FakeProcess implements AgentTransport {
  readonly sent: HostToAgent[] = []
  killed = false
  #onMessage: Array<(message: unknown) => void> = []
  #onExit: Array<(code: number | null, signal: string | null) => void> = []

  send(message: HostToAgent): void {
    this.sent.push(message)
  }
  onMessage(listener: (message: unknown) => void): void {
    this.#onMessage.push(listener)
  }
  onExit(listener: (code: number | null, signal: string | null) => void): void {
    this.#onExit.push(listener)
  }
  kill(): void {
    this.killed = true
    this.exit(null, 'SIGKILL')
  }
  /** The process says something (anything: the supervisor must validate it). */
  say(message: unknown): void {
    for (const listener of this.#onMessage) listener(message)
  }
  exit(code: number | null, signal: string | null): void {
    for (const listener of this.#onExit) listener(code, signal)
  }
  runs(): Array<Extract<HostToAgent, { type: 'run' }>> {
    return this.sent.filter((message): message is Extract<HostToAgent, { type: 'run' }> => message.type === 'run')
  }
}

const request: RunRequest = {
  provider: { kind: 'anthropic', apiKey: 'sk-ant-x' },
  model: 'claude-haiku-5-5',
  system: '',
  tools: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  maxOutputTokens: 256,
  budgets: { maxTurns: 3, maxOutputTokens: 1000, maxCostUsd: 1 }
}

function done(runId: string, text = 'ok'): Extract<AgentToHost, { type: 'done' }> {
  return {
    type: 'done',
    runId,
    outcome: 'completed',
    text,
    messages: [],
    usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
    costUsd: 0,
    turns: 1,
    reason: null,
    error: null
  }
}

function supervisorHarness(options: Partial<AgentSupervisorOptions> = {}) {
  const processes: FakeProcess[] = []
  const logLines: string[] = []
  let ids = 0
  const supervisor = new AgentSupervisor({
    createTransport: () => {
      const process = new FakeProcess()
      processes.push(process)
      return process
    },
    log: createLogger({ scope: 'host.agent', level: 'debug', write: (line) => logLines.push(line) }),
    newRunId: () => `run-${++ids}`,
    ...options
  })
  const current = () => processes.at(-1)!
  return { supervisor, processes, current, logLines }
}

const noCallbacks = { onToolCall: async () => ({ content: '', isError: false }) }

describe('agent supervisor', () => {
  it('starts the process on the first run and holds messages until it is ready', () => {
    const { supervisor, processes, current } = supervisorHarness()
    expect(processes).toHaveLength(0)

    const run = supervisor.start(request, noCallbacks)
    expect(processes).toHaveLength(1)
    expect(current().sent).toEqual([])

    current().say({ type: 'ready', pid: 4242 })
    expect(current().sent).toEqual([{ type: 'run', runId: run.runId, ...request }])
    expect(supervisor.pid).toBe(4242)

    supervisor.start(request, noCallbacks)
    expect(processes).toHaveLength(1)
    expect(current().runs()).toHaveLength(2)
  })

  it('routes messages by run, answers tool calls and resolves with the agent report', async () => {
    const { supervisor, current } = supervisorHarness()
    const texts: Record<string, string[]> = { a: [], b: [] }
    const onTurn = vi.fn()
    const onRetry = vi.fn()
    const a = supervisor.start(request, {
      onText: (text) => texts.a!.push(text),
      onToolCall: async (call) => ({ content: `ran ${call.name} with ${JSON.stringify(call.input)}`, isError: false }),
      onTurn,
      onRetry
    })
    const b = supervisor.start(request, { onText: (text) => texts.b!.push(text), onToolCall: async () => ({ content: 'nope', isError: true }) })
    current().say({ type: 'ready', pid: 1 })

    current().say({ type: 'text', runId: a.runId, text: 'Hello ' })
    current().say({ type: 'text', runId: b.runId, text: 'Other' })
    current().say({ type: 'text', runId: a.runId, text: 'there' })
    current().say({ type: 'tool-call', runId: a.runId, callId: 'c1', name: 'read_note', input: { id: 'n1' } })
    current().say({ type: 'tool-call', runId: b.runId, callId: 'c2', name: 'read_note', input: {} })
    const retry = { type: 'retry', runId: a.runId, attempt: 1, delayMs: 10, reason: 'overloaded', message: 'busy' }
    current().say(retry)
    const turn = { type: 'turn', runId: a.runId, turn: 1, usage: done('x').usage, costUsd: 0.01, stopReason: 'tool_use', durationMs: 5 }
    current().say(turn)

    await vi.waitFor(() => expect(current().sent.filter((message) => message.type === 'tool-result')).toHaveLength(2))
    expect(current().sent.filter((message) => message.type === 'tool-result')).toEqual(
      expect.arrayContaining([
        { type: 'tool-result', runId: a.runId, callId: 'c1', content: 'ran read_note with {"id":"n1"}', isError: false },
        { type: 'tool-result', runId: b.runId, callId: 'c2', content: 'nope', isError: true }
      ])
    )
    expect(texts).toEqual({ a: ['Hello ', 'there'], b: ['Other'] })
    expect(onRetry).toHaveBeenCalledWith(retry)
    expect(onTurn).toHaveBeenCalledWith(turn)

    current().say(done(a.runId, 'Hello there'))
    const { type: _type, runId: _runId, ...expected } = done(a.runId, 'Hello there')
    expect(await a.done).toEqual(expected)
  })

  it('answers a tool call whose handler throws with an error result', async () => {
    const { supervisor, current, logLines } = supervisorHarness()
    const run = supervisor.start(request, {
      onToolCall: async () => {
        throw new Error('database on fire')
      }
    })
    current().say({ type: 'ready', pid: 1 })
    current().say({ type: 'tool-call', runId: run.runId, callId: 'c1', name: 'read_note', input: {} })
    await vi.waitFor(() => expect(current().sent.at(-1)).toMatchObject({ type: 'tool-result', isError: true }))
    expect(current().sent.at(-1)).toMatchObject({ content: expect.stringContaining('database on fire') })
    expect(logLines.some((line) => line.includes('"level":"error"'))).toBe(true)
  })

  it('drops messages that do not match the protocol, and messages for runs it does not know', async () => {
    const { supervisor, current, logLines } = supervisorHarness()
    const onText = vi.fn()
    const run = supervisor.start(request, { ...noCallbacks, onText })
    current().say({ type: 'ready', pid: 1 })

    for (const bad of [null, 'text', { type: 'text', runId: run.runId }, { type: 'done', runId: run.runId, outcome: 'won' }, { type: 'explode' }]) {
      expect(() => current().say(bad)).not.toThrow()
    }
    current().say({ type: 'text', runId: 'someone-else', text: 'stray' })
    expect(onText).not.toHaveBeenCalled()
    expect(logLines.filter((line) => line.includes('does not match the protocol'))).toHaveLength(5)

    current().say({ type: 'text', runId: run.runId, text: 'fine' })
    current().say(done(run.runId))
    expect(onText).toHaveBeenCalledWith('fine')
    expect((await run.done).outcome).toBe('completed')
  })

  it('sends abort for a running run and nothing once it is over', async () => {
    const { supervisor, current } = supervisorHarness()
    const run = supervisor.start(request, noCallbacks)
    run.abort('stopped by Dana')
    current().say({ type: 'ready', pid: 1 })
    expect(current().sent.map((message) => message.type)).toEqual(['run', 'abort'])
    expect(current().sent[1]).toEqual({ type: 'abort', runId: run.runId, reason: 'stopped by Dana' })

    current().say(done(run.runId))
    await run.done
    run.abort('again')
    expect(current().sent).toHaveLength(2)
  })

  it('ends the runs of a process that died as crashed, and starts a new process for the next run', async () => {
    const { supervisor, processes, current } = supervisorHarness()
    const first = supervisor.start(request, noCallbacks)
    const second = supervisor.start(request, noCallbacks)
    current().say({ type: 'ready', pid: 1 })

    current().exit(null, 'SIGKILL')
    expect(await first.done).toEqual({ outcome: 'crashed', reason: 'the agent process stopped unexpectedly (killed by SIGKILL)' })
    expect(await second.done).toEqual({ outcome: 'crashed', reason: 'the agent process stopped unexpectedly (killed by SIGKILL)' })
    expect(supervisor.pid).toBeUndefined()

    const third = supervisor.start(request, noCallbacks)
    expect(processes).toHaveLength(2)
    current().say({ type: 'ready', pid: 2 })
    expect(current().runs().map((run) => run.runId)).toEqual([third.runId])
    current().exit(3, null)
    expect(await third.done).toEqual({ outcome: 'crashed', reason: 'the agent process stopped unexpectedly (exit code 3)' })
  })

  it('waits longer before each restart while the process keeps dying, and not after a run completes', () => {
    const restartDelayMs = vi.fn((_crashes: number) => 0)
    const { supervisor, current } = supervisorHarness({ restartDelayMs })
    const crashOnce = () => {
      supervisor.start(request, noCallbacks)
      current().say({ type: 'ready', pid: 1 })
      current().exit(1, null)
    }
    crashOnce()
    crashOnce()
    crashOnce()
    expect(restartDelayMs.mock.calls.map(([crashes]) => crashes)).toEqual([0, 1, 2])

    const run = supervisor.start(request, noCallbacks)
    current().say({ type: 'ready', pid: 1 })
    current().say(done(run.runId))
    current().exit(1, null)
    supervisor.start(request, noCallbacks)
    expect(restartDelayMs.mock.calls.at(-1)).toEqual([1])

    expect([1, 2, 3, 4, 7, 20].map(defaultRestartDelayMs)).toEqual([0, 1000, 2000, 4000, 30_000, 30_000])
  })

  it('kills a process that never says it is ready', async () => {
    const { supervisor, current } = supervisorHarness({ readyTimeoutMs: 10 })
    const run = supervisor.start(request, noCallbacks)
    expect(await run.done).toMatchObject({ outcome: 'crashed' })
    expect(current().killed).toBe(true)
  })

  it('reports a process that cannot be started as crashed runs', async () => {
    const supervisor = new AgentSupervisor({
      createTransport: () => {
        throw new Error('no such file')
      },
      log: createLogger({ scope: 'test', level: 'silent' })
    })
    const run = supervisor.start(request, noCallbacks)
    expect(await run.done).toEqual({ outcome: 'crashed', reason: 'the agent process could not be started; the log says why' })
  })

  it('closes by sending shutdown, and kills a process that does not leave in time', async () => {
    const { supervisor, current } = supervisorHarness({ shutdownGraceMs: 10 })
    const run = supervisor.start(request, noCallbacks)
    current().say({ type: 'ready', pid: 1 })

    await supervisor.close()

    expect(current().sent.at(-1)).toEqual({ type: 'shutdown' })
    expect(current().killed).toBe(true)
    expect(await run.done).toEqual({ outcome: 'crashed', reason: 'the agent process was shut down before the run ended' })
    expect(() => supervisor.start(request, noCallbacks)).toThrow(/closed/)
  })

  it('closes without killing a process that leaves after shutdown', async () => {
    const { supervisor, current } = supervisorHarness()
    const run = supervisor.start(request, noCallbacks)
    current().say({ type: 'ready', pid: 1 })
    const process = current()
    const shutdown = vi.spyOn(process, 'send').mockImplementation((message) => {
      process.sent.push(message)
      if (message.type !== 'shutdown') return
      process.say({ ...done(run.runId), outcome: 'aborted', reason: 'the agent process is shutting down' })
      process.exit(0, null)
    })

    await supervisor.close()

    expect(shutdown).toHaveBeenCalledWith({ type: 'shutdown' })
    expect(process.killed).toBe(false)
    expect(await run.done).toMatchObject({ outcome: 'aborted' })
  })

  it('closes at once when no process was started', async () => {
    const { supervisor, processes } = supervisorHarness()
    await supervisor.close()
    expect(processes).toHaveLength(0)
  })
})
