import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { endingRecord } from '../../electron/host/tasks/outcomeReply.ts'
import { publishedReplies, publishIfHolding, withdrawDuplicateReplies, type PublishInput } from '../../electron/host/tasks/publish.ts'
import { RunTrail } from '../../electron/host/tasks/runTrail.ts'
import { systemClock } from '../../electron/host/tasks/timing.ts'
import { readTrail } from '../../shared/model/trail.ts'
import { addCoworkerToChannel, createChannel } from '../../shared/operations/channels.ts'
import { operationContext } from '../../shared/operations/context.ts'
import { createCoworker } from '../../shared/operations/coworkers.ts'
import { postMessage, readMessages } from '../../shared/operations/messages.ts'
import { claimTask, getTask, tasksForMessage } from '../../shared/operations/tasks.ts'
import { newWorkspace } from './fixtures/workspace.ts'

/** Two devices' copies of a workspace with one mention task, which they can sync by hand. */
function twoDevices() {
  const { root, ada } = newWorkspace()
  const channel = new Y.Doc()
  const general = createChannel(root, { name: 'general' }, ada)
  const scout = createCoworker(root, { name: 'Scout', purpose: 'Research', toolset: [] }, ada)
  addCoworkerToChannel(root, { channelId: general.id, coworkerId: scout.id }, ada)
  const asked = postMessage({ root, channel }, { channelId: general.id, text: '@scout go' }, ada)
  const task = tasksForMessage(root, asked.id)[0]!
  const copy = (doc: Y.Doc, clientID: number) => {
    const other = new Y.Doc()
    other.clientID = clientID
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc))
    return other
  }
  // Concurrent writes to one key merge to the same value everywhere; these ids make it device B's.
  const a = { root: copy(root, 1), channel: copy(channel, 1) }
  const b = { root: copy(root, 2_000_000_000), channel: copy(channel, 2_000_000_000) }
  const sync = () => {
    for (const [from, to] of [
      [a, b],
      [b, a]
    ] as const) {
      Y.applyUpdate(to.root, Y.encodeStateAsUpdate(from.root))
      Y.applyUpdate(to.channel, Y.encodeStateAsUpdate(from.channel))
    }
  }
  const context = operationContext(scout.id, 'agent', { deviceId: 'dev' })
  const run = (docs: { root: Y.Doc; channel: Y.Doc }, runId: string, text: string): PublishInput => ({
    root: docs.root,
    channel: docs.channel,
    task,
    runId,
    ending: { kind: 'completed', text },
    usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, estimatedCostUsd: 0.01, turns: 1 },
    deliverableIds: [],
    trail: new RunTrail(docs.channel, task.id, runId, context.origin, systemClock),
    context,
    model: 'claude-sonnet-5-5'
  })
  const claim = (docs: { root: Y.Doc }, runId: string, deviceId: string) => claimTask(docs.root, { taskId: task.id, deviceId, runId, leaseMs: 30_000 }, context)
  const replies = (docs: { channel: Y.Doc }) => readMessages(docs.channel, { limit: 100 }).filter((message) => message.taskId === task.id)
  return { a, b, sync, run, claim, replies, task, scout }
}

describe('publishing a task result', () => {
  it('publishes once while holding the claim, and a run that lost publishes nothing', () => {
    const t = twoDevices()
    t.claim(t.a, 'run_a', 'dev_a')
    // As a runner does: the claim goes in the trail, which then exists on both devices once synced.
    t.run(t.a, 'run_a', '').trail.add({ type: 'claimed', deviceId: 'dev_a', attempt: 1 })
    t.sync()
    // B took it over later (say the lease lapsed in its view); A's next check finds it lost.
    ;(t.b.root.getMap('tasks').get(t.task.id) as Y.Map<unknown>).set('claim', { deviceId: 'dev_b', runId: 'run_b', claimedAt: 0, leaseUntil: Number.MAX_SAFE_INTEGER, attempt: 2 })
    t.sync()
    expect(publishIfHolding(t.run(t.a, 'run_a', 'from A'))).toEqual({ kind: 'lost', winnerRunId: 'run_b' })
    const published = publishIfHolding(t.run(t.b, 'run_b', 'from B'))
    expect(published.kind).toBe('published')
    t.sync()
    expect(t.replies(t.a).map((message) => message.text)).toEqual(['from B'])
    expect(readTrail(t.a.channel, t.task.id).map((entry) => `${entry.runId} ${entry.type}`).sort()).toEqual(['run_a claimed', 'run_a lost-claim', 'run_b finished'])
    expect(getTask(t.a.root, t.task.id)).toMatchObject({ status: 'succeeded', result: { messageId: t.replies(t.a)[0]!.id } })
  })

  it("adopts the reply of a run that published before this run's concurrent claim settled", () => {
    const t = twoDevices()
    // Both claim without having seen the other's claim; A publishes before they sync.
    t.claim(t.a, 'run_a', 'dev_a')
    t.claim(t.b, 'run_b', 'dev_b')
    expect(publishIfHolding(t.run(t.a, 'run_a', 'from A')).kind).toBe('published')
    t.sync()
    expect(getTask(t.b.root, t.task.id).claim!.runId).toBe('run_b')
    // B now holds the claim, but the task has its reply: B posts nothing and points the task at A's reply.
    const outcome = publishIfHolding(t.run(t.b, 'run_b', 'from B'))
    expect(outcome.kind).toBe('already-published')
    t.sync()
    for (const docs of [t.a, t.b]) {
      expect(t.replies(docs).map((message) => message.text)).toEqual(['from A'])
      const task = getTask(docs.root, t.task.id)
      expect(task).toMatchObject({ status: 'succeeded', result: { messageId: t.replies(docs)[0]!.id } })
      // A's usage, as A recorded it (B's claim did not touch that field).
      expect(task.usage).toMatchObject({ turns: 1, estimatedCostUsd: 0.01 })
    }
    const finished = readTrail(t.a.channel, t.task.id).filter((entry) => entry.type === 'finished')
    expect(finished.map((entry) => entry.runId)).toEqual(['run_a', 'run_b'])
    expect(finished[1]).toMatchObject({ reason: 'another run had already published the reply' })
  })

  it('finds a reply whose trail entry has not arrived, by its task id', () => {
    const t = twoDevices()
    t.claim(t.a, 'run_a', 'dev_a')
    publishIfHolding(t.run(t.a, 'run_a', 'from A'))
    // Only the message reached B (the trail entry is a second update).
    const withoutTrail = new Y.Doc()
    Y.applyUpdate(withoutTrail, Y.encodeStateAsUpdate(t.a.channel))
    const trailKeys = (doc: Y.Doc) => [...doc.getMap('trails').keys()].filter((key) => key.startsWith(`${t.task.id}/`))
    for (const key of trailKeys(withoutTrail)) withoutTrail.getMap('trails').delete(key)
    expect(trailKeys(t.a.channel)).not.toEqual([])
    expect(readTrail(withoutTrail, t.task.id)).toEqual([])
    expect(publishedReplies(withoutTrail, t.task.id).map((message) => message.text)).toEqual(['from A'])
  })

  it('withdraws a duplicate reply: the one first in channel order stays, on every device', () => {
    const t = twoDevices()
    t.claim(t.a, 'run_a', 'dev_a')
    t.claim(t.b, 'run_b', 'dev_b')
    // Both publish apart (each believes it holds the claim), then sync: two replies.
    publishIfHolding(t.run(t.a, 'run_a', 'from A'))
    publishIfHolding(t.run(t.b, 'run_b', 'from B'))
    t.sync()
    expect(t.replies(t.a)).toHaveLength(2)
    const first = publishedReplies(t.a.channel, t.task.id)[0]!
    const context = operationContext(t.scout.id, 'agent')
    const keptByA = withdrawDuplicateReplies({ root: t.a.root, channel: t.a.channel, taskId: t.task.id, thread: null, runId: 'run_a', context })
    const keptByB = withdrawDuplicateReplies({ root: t.b.root, channel: t.b.channel, taskId: t.task.id, thread: null, runId: 'run_b', context })
    expect(keptByA!.id).toBe(first.id)
    expect(keptByB!.id).toBe(first.id)
    t.sync()
    for (const docs of [t.a, t.b]) {
      expect(publishedReplies(docs.channel, t.task.id).map((message) => message.id)).toEqual([first.id])
      expect(getTask(docs.root, t.task.id).result!.messageId).toBe(first.id)
    }
  })

  it('writes a reply for every ending that says what happened', () => {
    expect(endingRecord({ kind: 'completed', text: '  ' }, { linkedDeliverables: 2 })).toEqual({ status: 'succeeded', endReason: null, replyText: 'Done: see the linked deliverables.' })
    expect(endingRecord({ kind: 'stopped', text: '', byName: 'Grace' }, { linkedDeliverables: 0 })).toEqual({ status: 'stopped', endReason: 'stopped by Grace', replyText: 'Stopped by Grace before I wrote anything.' })
    expect(endingRecord({ kind: 'budget', text: 'Half', reason: 'stopped after 3 model turns, the limit per task' }, { linkedDeliverables: 0 }).replyText).toBe(
      'Half\n\n— Stopped: stopped after 3 model turns, the limit per task.'
    )
    const failed = endingRecord({ kind: 'failed', text: '', message: 'the Anthropic API key was refused (401)', hint: 'Set a valid key in Settings → Models' }, { linkedDeliverables: 0 })
    expect(failed).toEqual({
      status: 'failed',
      endReason: 'the Anthropic API key was refused (401) (Set a valid key in Settings → Models)',
      replyText: 'I could not do this: the Anthropic API key was refused (401). To fix it: Set a valid key in Settings → Models.'
    })
    expect(endingRecord({ kind: 'completed', text: 'x'.repeat(50_000) }, { linkedDeliverables: 0 }).replyText.length).toBeLessThan(40_000)
  })
})
