import { afterEach, describe, expect, it } from 'vitest'
import { Host } from '../../electron/host/host.ts'
import { decideDeliverable, decideMessage, decideTask, NotificationFeed, type DecisionContext, type NotificationPayload } from '../../electron/host/notifications/index.ts'
import { applyReviewPolicy } from '../../electron/host/workflows/review.ts'
import { runNow } from '../../electron/host/workflows/runNow.ts'
import { nativeNotificationFor, NotificationLimiter, withHeldBack } from '../../electron/shell/nativeNotifications.ts'
import { newId } from '../../shared/ids.ts'
import { silentLogger } from '../../shared/log.ts'
import { addCoworkerToChannel, createChannel, joinChannel } from '../../shared/operations/channels.ts'
import { operationContext } from '../../shared/operations/context.ts'
import { createCoworker } from '../../shared/operations/coworkers.ts'
import { addPerson } from '../../shared/operations/members.ts'
import { messageIndex } from '../../shared/model/messageIndex.ts'
import { postMessage } from '../../shared/operations/messages.ts'
import { claimTask, createTask, finishTask, getTask, requestStop } from '../../shared/operations/tasks.ts'
import { temporaryDirectory } from '../integration/helpers/cli.ts'
import { contextOf, coworkerDocument, finish, secondDevice, workflowWorkspace, type WorkflowWorkspace } from './workflows-fixtures.ts'

const minute = 60_000

/** Ada's workspace (she owns the workflows), with Grace on a second device that shares its docs. */
function world() {
  const space = workflowWorkspace()
  const grace = secondDevice(space)
  const workspaceId = String(space.root.getMap('meta').get('id'))
  const adaSees = (): DecisionContext => ({ workspaceId, memberId: space.adaId, now: space.time.now, maxAgeMs: 15 * minute })
  const post = async (as: string, text: string, extra: { deliverableIds?: string[]; replyTo?: string } = {}) =>
    space.session.withChannel(space.channel.id, (docs) => postMessage(docs, { channelId: space.channel.id, text, ...extra }, contextOf(as, space.time.clock)))
  return { space, grace, workspaceId, adaSees, post }
}

const recordOf = (space: WorkflowWorkspace, messageId: string) => messageIndex(space.session.channelDoc(space.channel.id)).byId.get(messageId)!

describe('mentions', () => {
  it("tells Ada when Grace mentions her, with who, where and what", async () => {
    const { space, grace, adaSees, post, workspaceId } = world()
    const message = await post(grace.graceId, 'Can you look at the Q3 numbers, @ada-lovelace? Thanks!')
    expect(decideMessage(space.root, space.channel, recordOf(space, message.id), adaSees())).toEqual({
      key: `mention:${message.id}`,
      payload: { workspaceId, kind: 'mention', title: 'Grace Hopper mentioned you in #reports', body: 'Can you look at the Q3 numbers, @ada-lovelace? Thanks!', channelId: space.channel.id }
    })
    const reply = await post(grace.graceId, '@ada-lovelace ' + 'and more '.repeat(40), { replyTo: message.id })
    const decided = decideMessage(space.root, space.channel, recordOf(space, reply.id), adaSees())!
    expect(decided.payload.title).toBe('Grace Hopper mentioned you in a thread in #reports')
    expect(decided.payload.body.length).toBeLessThanOrEqual(200)
    expect(decided.payload.body.endsWith('…')).toBe(true)
  })

  it('tells nothing for her own messages, messages that do not mention her, or old ones', async () => {
    const { space, grace, adaSees, post } = world()
    const own = await post(space.adaId, 'Note to self @ada-lovelace: call Grace')
    expect(decideMessage(space.root, space.channel, recordOf(space, own.id), adaSees())).toBeNull()
    const other = await post(grace.graceId, '@grace-hopper reminder for myself; @adam is not Ada')
    expect(decideMessage(space.root, space.channel, recordOf(space, other.id), adaSees())).toBeNull()
    const old = await post(grace.graceId, '@ada-lovelace from yesterday')
    space.time.now += 16 * minute
    expect(decideMessage(space.root, space.channel, recordOf(space, old.id), adaSees())).toBeNull()
  })
})

describe('finished tasks', () => {
  it('tells Ada when a task she asked for finishes, fails or is stopped by someone else', async () => {
    const { space, grace, adaSees, workspaceId } = world()
    const ask = (prompt: string) =>
      createTask(space.root, { coworkerId: space.scribe.id, channelId: space.channel.id, trigger: { type: 'mention', messageId: newId('msg'), threadId: null }, prompt, deviceId: 'dev_a' }, space.ada)

    const done = finish(space, ask('Summarise the week\nwith numbers').id)
    expect(decideTask(space.root, done, 'running', adaSees())).toEqual({
      key: `task:${done.id}:succeeded`,
      payload: { workspaceId, kind: 'task-finished', title: 'Scribe finished your task', body: 'Summarise the week', channelId: space.channel.id }
    })
    expect(decideTask(space.root, done, 'succeeded', adaSees())).toBeNull()

    const failed = finish(space, ask('Draft the memo').id, { status: 'failed' })
    expect(decideTask(space.root, { ...failed, endReason: 'the model is not configured' }, 'running', adaSees())?.payload).toMatchObject({
      title: 'Scribe could not finish your task',
      body: 'the model is not configured'
    })

    const stoppedByGrace = requestStop(space.root, { taskId: ask('Long job').id }, grace.grace)
    expect(decideTask(space.root, stoppedByGrace, 'queued', adaSees())?.payload.title).toBe('Scribe stopped your task')
    const stoppedByAda = requestStop(space.root, { taskId: ask('Never mind').id }, space.ada)
    expect(decideTask(space.root, stoppedByAda, 'queued', adaSees())).toBeNull()
  })

  it("tells Ada nothing about Grace's tasks, or about a task that finished long ago", async () => {
    const { space, grace, adaSees } = world()
    const gracesTask = createTask(space.root, { coworkerId: space.scribe.id, channelId: space.channel.id, trigger: { type: 'mention', messageId: newId('msg'), threadId: null }, prompt: 'x', deviceId: 'dev_g' }, grace.grace)
    expect(decideTask(space.root, finish(space, gracesTask.id), 'running', adaSees())).toBeNull()
    const adasTask = createTask(space.root, { coworkerId: space.scribe.id, channelId: space.channel.id, trigger: { type: 'mention', messageId: newId('msg'), threadId: null }, prompt: 'y', deviceId: 'dev_a' }, space.ada)
    const finished = finish(space, adasTask.id)
    space.time.now += 20 * minute
    expect(decideTask(space.root, finished, 'running', adaSees())).toBeNull()
  })
})

describe('review requests', () => {
  it("tells the workflow's owner when its output goes in review, once, whether seen as the status change or the message", async () => {
    const { space, adaSees, workspaceId } = world()
    const workflow = space.workflow({ cron: '0 9 * * MON' })
    const { task } = runNow(space.session, workflow.id)
    const report = coworkerDocument(space, 'Weekly report')
    const finished = finish(space, task.id, { deliverableIds: [report.id] })
    // Ada ran it herself, and review is on: the review request tells it, not a "task finished".
    expect(decideTask(space.root, finished, 'running', adaSees())).toBeNull()

    const request = (await applyReviewPolicy(space.session, finished))!
    const byStatus = decideDeliverable(space.root, report.id, 'draft', adaSees())
    expect(byStatus?.payload).toEqual({ workspaceId, kind: 'review-requested', title: '"Weekly report" is ready for your review', body: 'Weekly report: approve it or ask for changes.', channelId: space.channel.id })
    // The coworker's message @mentions Ada and links the report: it is the same event, with the same key.
    const byMessage = decideMessage(space.root, space.channel, recordOf(space, request.messageId!), adaSees())
    expect(byMessage).toEqual(byStatus)
    expect(decideDeliverable(space.root, report.id, 'in-review', adaSees())).toBeNull()
  })

  it("tells nobody else: not Grace for Ada's workflow, not Ada for a deliverable no workflow made", async () => {
    const { space, grace, workspaceId } = world()
    const workflow = space.workflow({ cron: '0 9 * * MON' })
    const report = coworkerDocument(space, 'Weekly report')
    const finished = finish(space, runNow(space.session, workflow.id).task.id, { deliverableIds: [report.id] })
    await applyReviewPolicy(space.session, finished)
    const graceSees = { workspaceId, memberId: grace.graceId, now: space.time.now, maxAgeMs: 15 * minute }
    expect(decideDeliverable(space.root, report.id, 'draft', graceSees)).toBeNull()

    const loose = coworkerDocument(space, 'Loose notes')
    const { setDeliverableStatus } = await import('../../shared/operations/deliverables.ts')
    setDeliverableStatus(space.root, { deliverableId: loose.id, status: 'in-review' }, contextOf(space.scribe.id, space.time.clock))
    expect(decideDeliverable(space.root, loose.id, 'draft', { workspaceId, memberId: space.adaId, now: space.time.now, maxAgeMs: 15 * minute })).toBeNull()
  })
})

describe('the feed on a Host', () => {
  const cleanups: Array<() => Promise<unknown>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('watches sessions as they open, tells news once, and stops when closed', async () => {
    const directory = await temporaryDirectory('commons-feed-')
    cleanups.push(directory.remove)
    const host = await Host.open({ dataDir: directory.path, source: 'test', log: silentLogger })
    cleanups.push(() => host.close())
    const told: NotificationPayload[] = []
    const feed = NotificationFeed.start({ sessions: host, emit: (event) => told.push(event.payload), settleMs: 0 })
    cleanups.push(async () => feed.close())

    const session = await host.createWorkspace({ name: 'Acme', userName: 'Ada' })
    expect(feed.watching).toEqual([session.id])
    const graceId = newId('mem')
    addPerson(session.root, { memberId: graceId, name: 'Grace' }, session.context)
    const grace = operationContext(graceId, 'test')
    const general = createChannel(session.root, { name: 'general' }, session.context)
    const before = await session.withChannel(general.id, (docs) => postMessage(docs, { channelId: general.id, text: 'history, @ada' }, session.context))
    joinChannel(session.root, { channelId: general.id }, grace)
    await feed.idle()
    expect(told).toEqual([])
    expect(before.authorId).toBe(session.memberId)

    await session.withChannel(general.id, (docs) => postMessage(docs, { channelId: general.id, text: 'morning @ada, the deck is ready' }, grace))
    await session.withChannel(general.id, (docs) => postMessage(docs, { channelId: general.id, text: 'thanks @ada (me)' }, session.context))
    expect(told).toEqual([{ workspaceId: session.id, kind: 'mention', title: 'Grace mentioned you in #general', body: 'morning @ada, the deck is ready', channelId: general.id }])

    // A task Ada asked for, finished by whichever device ran it.
    const scout = createCoworker(session.root, { name: 'Scout', purpose: 'research', toolset: [] }, session.context)
    addCoworkerToChannel(session.root, { channelId: general.id, coworkerId: scout.id }, session.context)
    await session.withChannel(general.id, (docs) => postMessage(docs, { channelId: general.id, text: '@scout brief me on Acme' }, session.context))
    const task = [...session.root.getMap('tasks').keys()][0]!
    const runner = operationContext('host', 'test')
    claimTask(session.root, { taskId: task, deviceId: session.deviceId, runId: 'run_1', leaseMs: 60_000 }, runner)
    finishTask(session.root, { taskId: task, runId: 'run_1', status: 'succeeded', result: { messageId: null, deliverableIds: [] } }, runner)
    expect(getTask(session.root, task).status).toBe('succeeded')
    expect(told.at(-1)).toEqual({ workspaceId: session.id, kind: 'task-finished', title: 'Scout finished your task', body: '@scout brief me on Acme', channelId: general.id })

    feed.close()
    await session.withChannel(general.id, (docs) => postMessage(docs, { channelId: general.id, text: '@ada still there?' }, grace))
    expect(told).toHaveLength(2)
  })
})

describe('native notifications in the desktop app', () => {
  const payload: NotificationPayload = { workspaceId: newId('ws'), kind: 'mention', title: 'Grace mentioned you in #general', body: 'hi', channelId: newId('ch') }

  it('shows one only when the main window is not focused and the system supports them; a click opens the channel', () => {
    expect(nativeNotificationFor(payload, { mainWindowFocused: true, supported: true })).toBeNull()
    expect(nativeNotificationFor(payload, { mainWindowFocused: false, supported: false })).toBeNull()
    expect(nativeNotificationFor(payload, { mainWindowFocused: false, supported: true })).toEqual({
      title: payload.title,
      body: 'hi',
      onClick: { command: 'open-channel', workspaceId: payload.workspaceId, channelId: payload.channelId }
    })
  })

  it('holds back a flood and says how many it held', () => {
    let now = 0
    const limiter = new NotificationLimiter({ max: 2, windowMs: 1_000, now: () => now })
    expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()].map((verdict) => verdict.show)).toEqual([true, true, false, false])
    now = 1_000
    const next = limiter.take()
    expect(next).toEqual({ show: true, held: 2 })
    const shown = withHeldBack(nativeNotificationFor(payload, { mainWindowFocused: false, supported: true })!, next.held)
    expect(shown.body).toBe('hi\n(and 2 more in Commons)')
  })
})
