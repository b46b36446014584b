import * as Y from 'yjs'
import type { Timers } from '../../electron/host/workflows/timers.ts'
import type { WorkflowSession } from '../../electron/host/workflows/workflowSession.ts'
import { newId } from '../../shared/ids.ts'
import { addCoworkerToChannel, createChannel, joinChannel } from '../../shared/operations/channels.ts'
import type { OperationContext } from '../../shared/operations/context.ts'
import { createCoworker } from '../../shared/operations/coworkers.ts'
import { createDocument } from '../../shared/operations/deliverables.ts'
import { addPerson } from '../../shared/operations/members.ts'
import { readMessages } from '../../shared/operations/messages.ts'
import { claimTask, finishTask } from '../../shared/operations/tasks.ts'
import { createWorkflow } from '../../shared/operations/workflows.ts'
import { createWorkspace } from '../../shared/operations/workspace.ts'

/** Monday 23 November 2026, 08:00 UTC. */
export const monday8 = Date.UTC(2026, 10, 23, 8)
export const hour = 3_600_000
export const day = 24 * hour

/**
 * Time a test moves by hand: a clock and timers on it. `advance` fires each timer at its time, waiting
 * for the schedulers to settle after each; `sleep` moves the clock without firing anything (a device
 * asleep), then fires what is overdue, late, as a real device does when it wakes.
 */
export class FakeTime {
  now: number
  #timers: Array<{ id: number; at: number; callback: () => void }> = []
  #nextId = 1

  constructor(start = monday8) {
    this.now = start
  }

  readonly clock = (): number => this.now

  readonly timers: Timers = {
    setTimeout: (callback, delayMs) => {
      const id = this.#nextId++
      this.#timers.push({ id, at: this.now + delayMs, callback })
      return id
    },
    clearTimeout: (handle) => {
      this.#timers = this.#timers.filter((timer) => timer.id !== handle)
    }
  }

  get pendingTimers(): number {
    return this.#timers.length
  }

  async advance(ms: number, ...waitFor: Array<{ idle(): Promise<void> }>): Promise<void> {
    const target = this.now + ms
    for (;;) {
      const due = this.#timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at)[0]
      if (due === undefined) break
      this.#timers = this.#timers.filter((timer) => timer !== due)
      this.now = Math.max(this.now, due.at)
      due.callback()
      for (const scheduler of waitFor) await scheduler.idle()
    }
    this.now = target
  }

  async sleep(ms: number, ...waitFor: Array<{ idle(): Promise<void> }>): Promise<void> {
    this.now += ms
    await this.advance(0, ...waitFor)
  }
}

export interface FakeSession extends WorkflowSession {
  channelDoc(channelId: string): Y.Doc
}

/** A WorkflowSession over in-memory docs: the root and one doc per channel, made on first use. */
export function fakeSession(root: Y.Doc, context: OperationContext, deviceId = newId('dev'), channels = new Map<string, Y.Doc>()): FakeSession {
  const channelDoc = (channelId: string) => {
    let doc = channels.get(channelId)
    if (doc === undefined) channels.set(channelId, (doc = new Y.Doc()))
    return doc
  }
  return {
    root,
    deviceId,
    context,
    channelDoc,
    withChannel: async (channelId, change) => change({ root, channel: channelDoc(channelId) })
  }
}

export function contextOf(actorId: string, clock: () => number): OperationContext {
  return { actorId, now: clock, origin: { source: 'test', actorId }, deviceId: 'dev_test' }
}

/**
 * A workspace with Ada (a person), Scribe (a coworker) and #reports, which both are in; Ada's session
 * on one device. Times come from `time`.
 */
export function workflowWorkspace(time = new FakeTime()) {
  const root = new Y.Doc()
  const adaId = newId('mem')
  const ada = contextOf(adaId, time.clock)
  createWorkspace(root, { workspaceId: newId('ws'), name: 'Acme', creator: { memberId: adaId, name: 'Ada Lovelace' } }, ada)
  const scribe = createCoworker(root, { name: 'Scribe', purpose: 'writes the reports', toolset: [] }, ada)
  const channel = createChannel(root, { name: 'reports' }, ada)
  addCoworkerToChannel(root, { channelId: channel.id, coworkerId: scribe.id }, ada)
  const channels = new Map<string, Y.Doc>()
  const session = fakeSession(root, ada, newId('dev'), channels)
  const workflow = (input: { name?: string; cron: string; timeZone?: string; review?: boolean; enabled?: boolean }) =>
    createWorkflow(root, { name: input.name ?? 'Weekly report', coworkerId: scribe.id, channelId: channel.id, prompt: 'Write the weekly report.', ...input }, ada)
  const messages = () => readMessages(session.channelDoc(channel.id), { limit: 1_000 })
  return { time, root, adaId, ada, scribe, channel, channels, session, workflow, messages }
}

export type WorkflowWorkspace = ReturnType<typeof workflowWorkspace>

/** A second device of the same workspace: Grace's, its root doc kept in step with the first one's. */
export function secondDevice(first: WorkflowWorkspace, options: { live?: boolean } = {}) {
  const root = new Y.Doc()
  Y.applyUpdate(root, Y.encodeStateAsUpdate(first.root))
  const link = linkDocs(first.root, root)
  const graceId = newId('mem')
  const grace = contextOf(graceId, first.time.clock)
  addPerson(root, { memberId: graceId, name: 'Grace Hopper' }, grace)
  joinChannel(root, { channelId: first.channel.id }, grace)
  if (options.live === false) link.pause()
  // The channel docs are shared as they are: the tests look at notes, not at channel sync.
  return { root, graceId, grace, link, session: fakeSession(root, grace, newId('dev'), first.channels) }
}

/** Two docs that exchange updates as they happen, like two devices online; `pause` takes them offline. */
export function linkDocs(a: Y.Doc, b: Y.Doc) {
  let live = true
  const remote = Symbol('remote')
  const forward = (to: Y.Doc) => (update: Uint8Array, origin: unknown) => {
    if (live && origin !== remote) Y.applyUpdate(to, update, remote)
  }
  a.on('update', forward(b))
  b.on('update', forward(a))
  return {
    pause: () => {
      live = false
    },
    /** Back online: each side takes what the other wrote meanwhile. */
    resume: () => {
      live = true
      Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), remote)
      Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), remote)
    }
  }
}

/** A document the coworker made, as a task would. */
export function coworkerDocument(space: WorkflowWorkspace, title: string) {
  const deliverableId = newId('dl')
  return createDocument(
    { root: space.root, deliverable: new Y.Doc() },
    { deliverableId, title, channelId: space.channel.id, markdown: '# ' + title },
    contextOf(space.scribe.id, space.time.clock)
  )
}

/** Runs a task to its end as the task runner would: claim, then finish with a result. */
export function finish(
  space: Pick<WorkflowWorkspace, 'root' | 'time'>,
  taskId: string,
  outcome: { status?: 'succeeded' | 'failed' | 'stopped'; messageId?: string | null; deliverableIds?: string[]; runMs?: number } = {}
) {
  const context = contextOf('host', space.time.clock)
  const runId = newId('task')
  claimTask(space.root, { taskId, deviceId: 'dev_runner', runId, leaseMs: 60_000 }, context)
  space.time.now += outcome.runMs ?? 0
  return finishTask(
    space.root,
    {
      taskId,
      runId,
      status: outcome.status ?? 'succeeded',
      result: { messageId: outcome.messageId ?? null, deliverableIds: outcome.deliverableIds ?? [] },
      usage: { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 0, estimatedCostUsd: 0.01, turns: 2 }
    },
    context
  )
}
