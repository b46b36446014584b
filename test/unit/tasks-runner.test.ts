import { afterEach, describe, expect, it } from 'vitest'
import { Host } from '../../electron/host/host.ts'
import { stepFor, type DeviceView } from '../../electron/host/tasks/eligibility.ts'
import { TaskRunner } from '../../electron/host/tasks/taskRunner.ts'
import type { ReviewHook, RunEnd } from '../../electron/host/tasks/taskRun.ts'
import { createToolRegistry } from '../../electron/host/tools/registry.ts'
import type { WorkspaceSession } from '../../electron/host/workspaceSession.ts'
import { anthropicNotConfigured } from '../../electron/agent/providers/modelErrors.ts'
import { silentLogger } from '../../shared/log.ts'
import { rootCollections } from '../../shared/model/rootDoc.ts'
import { readLiveReply, readTrail, type TrailEntry } from '../../shared/model/trail.ts'
import type { TaskRecord } from '../../shared/model/types.ts'
import { addCoworkerToChannel, createChannel } from '../../shared/operations/channels.ts'
import { operationContext } from '../../shared/operations/context.ts'
import { createCoworker, editCoworker } from '../../shared/operations/coworkers.ts'
import { postMessage, readMessages } from '../../shared/operations/messages.ts'
import { claimTask, createTask, getTask, requestStop, tasksForMessage, workflowSlotTaskId } from '../../shared/operations/tasks.ts'
import { createWorkflow } from '../../shared/operations/workflows.ts'
import { getDeliverable } from '../../shared/operations/deliverables.ts'
import { temporaryDirectory } from '../integration/helpers/cli.ts'
import { done, fakeModels, hold, ManualClock, reply, ScriptedAgent, settle, type AgentScript, taskRecord } from './tasks-fakes.ts'

const leaseMs = 30_000

/** Waits (in real time) until the runner has got `taskId` to an end, or to `status`. */
async function untilStatus(root: WorkspaceSession['root'], taskId: string, status: TaskRecord['status'] | 'ended' = 'ended'): Promise<void> {
  await expect
    .poll(() => {
      const current = getTask(root, taskId).status
      return status === 'ended' ? ['succeeded', 'failed', 'stopped'].includes(current) : current === status
    }, { timeout: 10_000, interval: 5 })
    .toBe(true)
  await settle()
}

const task = taskRecord

describe('which tasks a device runs', () => {
  const view: DeviceView = { deviceId: 'dev_me', now: 1_000, inSync: true, canRunCoworkers: true, orphanAfterMs: 60_000 }
  const claim = (leaseUntil: number) => ({ deviceId: 'dev_other', runId: 'run_other', claimedAt: 0, leaseUntil, attempt: 1 })

  it('runs a queued task it created, once it is in sync with the server', () => {
    expect(stepFor(task({}), view)).toEqual({ kind: 'run' })
    expect(stepFor(task({}), { ...view, inSync: false })).toEqual({ kind: 'wait', until: 'sync' })
    // Another device's queued task waits for its creator, then any device with a model may run it.
    expect(stepFor(task({ createdByDevice: 'dev_other' }), view)).toEqual({ kind: 'wait', until: 60_000 })
    expect(stepFor(task({ createdByDevice: 'dev_other' }), { ...view, now: 60_000 })).toEqual({ kind: 'take-over' })
    expect(stepFor(task({ createdByDevice: 'dev_other' }), { ...view, now: 60_000, canRunCoworkers: false })).toEqual({ kind: 'none' })
    expect(stepFor(task({ createdByDevice: 'dev_other' }), { ...view, now: 60_000, inSync: false })).toEqual({ kind: 'wait', until: 'sync' })
    // The device that asked runs the task even without a model, to say in the channel what is missing.
    expect(stepFor(task({}), { ...view, canRunCoworkers: false })).toEqual({ kind: 'run' })
  })

  it('takes a running task over only once its lease lapsed, and only with a model', () => {
    const running = (leaseUntil: number) => task({ status: 'running', claim: claim(leaseUntil) })
    expect(stepFor(running(5_000), view)).toEqual({ kind: 'wait', until: 5_000 })
    expect(stepFor(running(1_000), view)).toEqual({ kind: 'take-over' })
    expect(stepFor(running(999), { ...view, canRunCoworkers: false })).toEqual({ kind: 'none' })
    expect(stepFor(running(999), { ...view, inSync: false })).toEqual({ kind: 'wait', until: 'sync' })
  })

  it('leaves finished tasks alone, and records the stop of a task whose runner is gone', () => {
    for (const status of ['succeeded', 'failed', 'stopped'] as const) expect(stepFor(task({ status }), view)).toEqual({ kind: 'none' })
    const stopped = (leaseUntil: number) => task({ status: 'running', claim: claim(leaseUntil), stopRequest: { by: 'mem_ada', at: 0 } })
    // Its runner is alive: it stops the task itself; look again when its lease would lapse.
    expect(stepFor(stopped(5_000), view)).toEqual({ kind: 'wait', until: 5_000 })
    expect(stepFor(stopped(0), view)).toEqual({ kind: 'settle-stop' })
    expect(stepFor(stopped(0), { ...view, inSync: false })).toEqual({ kind: 'wait', until: 'sync' })
  })
})

describe('the task runner on one device', () => {
  const cleanups: Array<() => Promise<unknown>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {})
  })

  async function setup(options: { models?: ReturnType<typeof fakeModels>; scripts?: AgentScript[]; budgets?: Record<string, number>; toolset?: string[]; review?: ReviewHook } = {}) {
    const directory = await temporaryDirectory('commons-tasks-')
    const host = await Host.open({ dataDir: directory.path, source: 'test', log: silentLogger })
    cleanups.push(directory.remove, () => host.close())
    const session: WorkspaceSession = await host.createWorkspace({ name: 'Acme', userName: 'Ada' })
    const root = session.root
    const general = createChannel(root, { name: 'general' }, session.context)
    const scout = createCoworker(root, { name: 'Scout', purpose: 'Research', toolset: options.toolset ?? ['read_channel'], budgets: options.budgets ?? {} }, session.context)
    addCoworkerToChannel(root, { channelId: general.id, coworkerId: scout.id }, session.context)
    const clock = new ManualClock()
    const agent = new ScriptedAgent()
    agent.script(...(options.scripts ?? []))
    const ends: Array<{ taskId: string; end: RunEnd }> = []
    const start = () => {
      const runner = TaskRunner.start(session, {
        agent,
        tools: createToolRegistry(),
        models: options.models ?? fakeModels(),
        clock,
        timings: { leaseMs },
        log: silentLogger,
        ...(options.review ? { review: options.review } : {})
      })
      runner.on('run-ended', (taskId, _runId, end) => ends.push({ taskId, end }))
      cleanups.push(() => runner.close())
      return runner
    }
    const ask = async (text: string) => {
      const message = await session.withChannel(general.id, (docs) => postMessage(docs, { channelId: general.id, text }, session.context))
      return tasksForMessage(root, message.id)[0]!
    }
    const channel = async () => (await session.leaseChannel(general.id)).doc
    const trail = async (taskId: string) => readTrail(await channel(), taskId)
    const replies = async () => readMessages(await channel(), { limit: 100 }).filter((message) => message.taskId !== null)
    return { session, root, general, scout, clock, agent, ends, start, ask, channel, trail, replies }
  }

  const types = (entries: TrailEntry[]) => entries.map((entry) => entry.type)

  it('claims and runs a task this device created, streaming into the channel, and publishes once', async () => {
    const t = await setup({ scripts: [reply('Hello ', 'team')] })
    t.start()
    const asked = await t.ask('@scout say hello')
    await untilStatus(t.root, asked.id)
    const finished = getTask(t.root, asked.id)
    expect(finished.status).toBe('succeeded')
    expect(finished.claim).toMatchObject({ deviceId: t.session.deviceId, attempt: 1 })
    expect(finished.usage).toEqual({ inputTokens: 100, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, estimatedCostUsd: 0.001, turns: 1 })
    const replies = await t.replies()
    expect(replies.map((message) => [message.text, message.authorId])).toEqual([['Hello team', t.scout.id]])
    expect(finished.result).toEqual({ messageId: replies[0]!.id, deliverableIds: [] })
    expect(types(await t.trail(asked.id))).toEqual(['claimed', 'context', 'turn', 'finished'])
    expect(readLiveReply(await t.channel(), asked.id)).toBeNull()
    // The request carried the coworker's tools, budgets and model.
    const request = t.agent.requests[0]!
    expect(request.tools.map((tool) => tool.name)).toEqual(['read_channel'])
    expect(request.model).toBe('claude-sonnet-5-5')
    expect(request.budgets).toEqual({ maxTurns: 12, maxOutputTokens: 16_000, maxCostUsd: 1 })
  })

  it('renews its lease every third of a lease while it runs, and gives it up when closed', async () => {
    const held = hold(['partial '])
    const t = await setup({ scripts: [held.script] })
    const runner = t.start()
    const asked = await t.ask('@scout take your time')
    await held.started
    const first = getTask(t.root, asked.id).claim!
    expect(first.leaseUntil).toBe(t.clock.now() + leaseMs)
    await t.clock.advance(leaseMs / 3)
    expect(getTask(t.root, asked.id).claim!.leaseUntil).toBe(first.leaseUntil + leaseMs / 3)
    await t.clock.advance(leaseMs)
    // Still renewed: nobody else may claim it.
    expect(() => claimTask(t.root, { taskId: asked.id, deviceId: 'dev_other', runId: 'run_other', leaseMs }, operationContext('mem_x', 'test', { now: () => t.clock.now() }))).toThrow(/being run by device/)
    expect(readLiveReply(await t.channel(), asked.id)?.text.toString()).toBe('partial ')

    await runner.close()
    const closed = getTask(t.root, asked.id)
    expect(closed.status).toBe('running')
    expect(closed.claim!.leaseUntil).toBeLessThanOrEqual(t.clock.now())
    expect(await t.replies()).toEqual([])
    expect(readLiveReply(await t.channel(), asked.id)).toBeNull()
    expect(t.ends).toEqual([{ taskId: asked.id, end: { kind: 'abandoned', reason: 'closed' } }])
  })

  it('stops and publishes nothing when another run ends up holding the claim', async () => {
    const held = hold(['I am about to '])
    const t = await setup({ scripts: [held.script] })
    t.start()
    const asked = await t.ask('@scout go')
    await held.started
    // What a merge with another device's concurrent claim looks like: the claim field is theirs now.
    rootCollections(t.root).tasks.get(asked.id)!.set('claim', { deviceId: 'dev_other', runId: 'run_other', claimedAt: t.clock.now(), leaseUntil: t.clock.now() + leaseMs, attempt: 1 })
    await expect.poll(() => t.ends.length, { timeout: 10_000, interval: 5 }).toBe(1)
    expect(t.ends).toEqual([{ taskId: asked.id, end: { kind: 'lost', winnerRunId: 'run_other' } }])
    expect(await t.replies()).toEqual([])
    expect(readLiveReply(await t.channel(), asked.id)).toBeNull()
    const trail = await t.trail(asked.id)
    expect(trail.at(-1)).toMatchObject({ type: 'lost-claim', winnerRunId: 'run_other' })
    expect(getTask(t.root, asked.id).status).toBe('running')
  })

  it('takes over a task whose lease lapsed, and not before', async () => {
    const t = await setup({ scripts: [reply('Taken over')] })
    const asked = await t.ask('@scout go')
    const other = operationContext('mem_x', 'test', { now: () => t.clock.now() })
    // Another device claimed it (as if it created it), then went quiet.
    claimTask(t.root, { taskId: asked.id, deviceId: 'dev_other', runId: 'run_other', leaseMs }, other)
    t.start()
    await settle(10)
    expect(t.agent.started).toBe(0)
    await t.clock.advance(leaseMs - 1)
    expect(t.agent.started).toBe(0)
    await t.clock.advance(2)
    await untilStatus(t.root, asked.id)
    const finished = getTask(t.root, asked.id)
    expect(finished.status).toBe('succeeded')
    expect(finished.claim).toMatchObject({ deviceId: t.session.deviceId, attempt: 2 })
    expect((await t.trail(asked.id))[0]).toMatchObject({ type: 'claimed', attempt: 2 })
  })

  it('leaves a lapsed task to others when this device has no model', async () => {
    const t = await setup({ models: fakeModels({ canRun: false }) })
    const asked = await t.ask('@scout go')
    claimTask(t.root, { taskId: asked.id, deviceId: 'dev_other', runId: 'run_other', leaseMs }, operationContext('mem_x', 'test', { now: () => t.clock.now() }))
    t.start()
    await t.clock.advance(leaseMs * 2)
    expect(t.agent.started).toBe(0)
    expect(getTask(t.root, asked.id).claim!.runId).toBe('run_other')
  })

  it('stops when a member asks, naming them, and posts what it had written', async () => {
    const held = hold(['First half of the answer'])
    const t = await setup({ scripts: [held.script] })
    t.start()
    const asked = await t.ask('@scout write a lot')
    await held.started
    requestStop(t.root, { taskId: asked.id }, t.session.context)
    await untilStatus(t.root, asked.id)
    const finished = getTask(t.root, asked.id)
    expect(finished.status).toBe('stopped')
    expect(finished.endReason).toBe('stopped by Ada')
    expect((await t.replies()).map((message) => message.text)).toEqual(['First half of the answer\n\n— Stopped by Ada.'])
    const trail = await t.trail(asked.id)
    expect(trail.find((entry) => entry.type === 'stop-requested')).toMatchObject({ by: t.session.memberId })
    expect(trail.at(-1)).toMatchObject({ type: 'finished', status: 'stopped', reason: 'stopped by Ada' })
  })

  it('fails with what to do when no model is set up, said in the channel by the coworker', async () => {
    const t = await setup({ models: fakeModels({ error: anthropicNotConfigured() }) })
    t.start()
    const asked = await t.ask('@scout go')
    await untilStatus(t.root, asked.id)
    const finished = getTask(t.root, asked.id)
    expect(finished.status).toBe('failed')
    expect(finished.endReason).toMatch(/no Anthropic API key is set up.*Settings → Models/)
    const [message] = await t.replies()
    expect(message!.authorId).toBe(t.scout.id)
    expect(message!.text).toMatch(/^I could not do this: no Anthropic API key is set up, so the AI coworkers cannot run\. To fix it: add a key in Settings → Models/)
    expect(t.agent.started).toBe(0)
  })

  it('starts again once when the agent process dies under a run', async () => {
    const crashed: AgentScript = async (_request, callbacks) => {
      callbacks.onText?.('half')
      return { outcome: 'crashed', reason: 'the agent process exited (SIGKILL)' }
    }
    const t = await setup({ scripts: [crashed, reply('Whole answer')] })
    t.start()
    const asked = await t.ask('@scout go')
    await untilStatus(t.root, asked.id)
    expect(t.agent.started).toBe(2)
    expect(getTask(t.root, asked.id).status).toBe('succeeded')
    expect((await t.replies()).map((message) => message.text)).toEqual(['Whole answer'])
    expect((await t.trail(asked.id)).find((entry) => entry.type === 'retry')).toMatchObject({ attempt: 1, reason: expect.stringMatching(/agent process stopped/) })
  })

  it('fails with the reason when the agent process dies twice', async () => {
    const crashed: AgentScript = async () => ({ outcome: 'crashed', reason: 'the agent process exited (SIGKILL)' })
    const t = await setup({ scripts: [crashed, crashed] })
    t.start()
    const asked = await t.ask('@scout go')
    await untilStatus(t.root, asked.id)
    const finished = getTask(t.root, asked.id)
    expect(finished.status).toBe('failed')
    expect(finished.endReason).toMatch(/stopped twice/)
    expect(t.agent.started).toBe(2)
  })

  it('ends at once with the reason in the channel when the day’s spend is used up', async () => {
    const t = await setup({ budgets: { maxSpendPerDayUsd: 0.01 } })
    t.start()
    const first = await t.ask('@scout one')
    await untilStatus(t.root, first.id)
    expect(getTask(t.root, first.id).status).toBe('succeeded')
    // The first task recorded $0.001; make the day nearly spent.
    editCoworker(t.root, { coworkerId: t.scout.id, budgets: { maxSpendPerDayUsd: 0.001 } }, t.session.context)
    const second = await t.ask('@scout two')
    await untilStatus(t.root, second.id)
    const finished = getTask(t.root, second.id)
    expect(finished.status).toBe('stopped')
    expect(finished.endReason).toMatch(/Scout reached its daily spend limit/)
    expect(t.agent.started).toBe(1)
    expect((await t.replies()).at(-1)!.text).toMatch(/^I stopped before finishing: Scout reached its daily spend limit of \$0\.0010/)
  })

  it('leaves a queued task another device created to that device, until it has waited too long for it', async () => {
    const t = await setup()
    t.start()
    const asked = await t.ask('@scout go')
    await untilStatus(t.root, asked.id)
    expect(getTask(t.root, asked.id).status).toBe('succeeded')
    // A task recorded as created elsewhere (its device runs it)...
    const elsewhere = await t.session.withChannel(t.general.id, (docs) =>
      postMessage(docs, { channelId: t.general.id, text: '@scout from afar' }, { ...t.session.context, now: () => t.clock.now(), deviceId: 'dev_elsewhere' })
    )
    await settle(20)
    const orphan = tasksForMessage(t.root, elsewhere.id)[0]!
    expect(orphan.status).toBe('queued')
    expect(t.agent.started).toBe(1)
    // ...unless that device never claims it (a command line that posted and exited): then this one runs it.
    await t.clock.advance(60_000 + 1)
    await untilStatus(t.root, orphan.id)
    expect(getTask(t.root, orphan.id).status).toBe('succeeded')
    expect(t.agent.started).toBe(2)
  })

  it('puts the deliverables of a workflow task with review on in review, once it succeeded', async () => {
    const writes: AgentScript = async (_request, callbacks) => {
      const result = await callbacks.onToolCall({ callId: 'call_1', name: 'create_document', input: { title: 'Standup notes', markdown: '# Standup' } })
      if (result.isError) throw new Error(result.content)
      return done('Wrote the standup notes.')
    }
    const t = await setup({ scripts: [writes], toolset: ['create_document'] })
    const workflow = createWorkflow(t.root, { name: 'Standup', coworkerId: t.scout.id, cron: '0 9 * * *', prompt: 'Write the standup notes', channelId: t.general.id, review: true }, t.session.context)
    const slot = Date.UTC(2026, 10, 21, 9)
    const created = createTask(
      t.root,
      { taskId: workflowSlotTaskId(workflow.id, slot), coworkerId: t.scout.id, channelId: t.general.id, trigger: { type: 'workflow', workflowId: workflow.id, slot, missed: false }, prompt: workflow.prompt, deviceId: t.session.deviceId },
      t.session.context
    )
    t.start()
    await untilStatus(t.root, created.id)
    await expect.poll(() => getDeliverable(t.root, getTask(t.root, created.id).result!.deliverableIds[0]!).status, { timeout: 10_000, interval: 5 }).toBe('in-review')
    const finished = getTask(t.root, created.id)
    expect(finished.status).toBe('succeeded')
    expect(finished.result!.deliverableIds).toHaveLength(1)
    expect(getDeliverable(t.root, finished.result!.deliverableIds[0]!).status).toBe('in-review')
    const texts = (await t.replies()).map((message) => message.text)
    expect(texts[0]).toBe('Wrote the standup notes.')
    const all = readMessages(await t.channel(), { limit: 100 })
    expect(all.at(-1)!.authorId).toBe(t.scout.id)
    expect(all.at(-1)!.mentions.map((mention) => mention.memberId)).toContain(t.session.memberId)
  })

  it('calls the review hook only for workflow tasks that succeeded', async () => {
    const reviewed: TaskRecord[] = []
    const t = await setup({ review: async (_session, finished) => void reviewed.push(finished) })
    t.start()
    await t.ask('@scout a plain mention')
    const workflow = createWorkflow(t.root, { name: 'Standup', coworkerId: t.scout.id, cron: '0 9 * * *', prompt: 'Notes', channelId: t.general.id, review: true }, t.session.context)
    const slot = Date.UTC(2026, 10, 21, 9)
    createTask(
      t.root,
      { taskId: workflowSlotTaskId(workflow.id, slot), coworkerId: t.scout.id, channelId: t.general.id, trigger: { type: 'workflow', workflowId: workflow.id, slot, missed: false }, prompt: 'Notes', deviceId: t.session.deviceId },
      t.session.context
    )
    await expect.poll(() => reviewed.length, { timeout: 10_000, interval: 5 }).toBe(1)
    await settle(20)
    expect(reviewed.map((task) => [task.trigger.type, task.status])).toEqual([['workflow', 'succeeded']])
  })
})
