import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NotificationFeed, type NotificationPayload } from '../../electron/host/notifications/index.ts'
import { applyReviewPolicy } from '../../electron/host/workflows/review.ts'
import { runNow } from '../../electron/host/workflows/runNow.ts'
import { actingAs } from '../../electron/host/workflows/workflowSession.ts'
import { newId } from '../../shared/ids.ts'
import { createLogger } from '../../shared/log.ts'
import type { Channel, CoworkerMember } from '../../shared/model/types.ts'
import { addCoworkerToChannel, createChannel, joinChannel } from '../../shared/operations/channels.ts'
import { operationContext } from '../../shared/operations/context.ts'
import { createCoworker } from '../../shared/operations/coworkers.ts'
import { createDocument } from '../../shared/operations/deliverables.ts'
import { postMessage } from '../../shared/operations/messages.ts'
import { claimTask, finishTask, getTask, tasksForMessage } from '../../shared/operations/tasks.ts'
import { createWorkflow } from '../../shared/operations/workflows.ts'
import { startSyncServer, type SyncServer } from '../../sync-server/server.ts'
import { temporaryDirectory } from './helpers/cli.ts'
import { converge, freePort, workspaceOnDevices, type Device } from './helpers/devices.ts'

// Ada and Grace on two devices through a real sync server, joined channels syncing in the background as
// in the desktop app. Ada's Host runs the notification feed; what Grace's device does reaches it by sync.

const cleanups: Array<() => Promise<unknown>> = []
let ada: Device
let grace: Device
let general: Channel
let scout: CoworkerMember
let feed: NotificationFeed
const told: NotificationPayload[] = []

beforeAll(async () => {
  const serverData = await temporaryDirectory('commons-notify-server-')
  cleanups.push(serverData.remove)
  const server: SyncServer = await startSyncServer({ dataDir: serverData.path, port: await freePort(), log: createLogger({ scope: 'test.sync', level: 'silent' }) })
  cleanups.push(() => server.close())
  ;[ada, grace] = (await workspaceOnDevices(['ada', 'grace'], server.url, cleanups, { backgroundSync: true })) as [Device, Device]
  general = createChannel(ada.session.root, { name: 'general' }, ada.session.context)
  scout = createCoworker(ada.session.root, { name: 'Scout', purpose: 'research and reports', toolset: [] }, ada.session.context)
  addCoworkerToChannel(ada.session.root, { channelId: general.id, coworkerId: scout.id }, ada.session.context)
  await converge([ada, grace])
  joinChannel(grace.session.root, { channelId: general.id }, grace.session.context)
  await converge([ada, grace])
  for (const device of [ada, grace]) await device.session.openJoinedChannels()

  feed = NotificationFeed.start({ sessions: ada.host, emit: (event) => told.push(event.payload), log: createLogger({ scope: 'test.feed', level: 'silent' }) })
  cleanups.push(async () => feed.close())
  await feed.idle()
}, 120_000)

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {})
})

const post = (device: Device, text: string, context = device.session.context) =>
  device.session.withChannel(general.id, (docs) => postMessage(docs, { channelId: general.id, text }, context))

/** Waits until Ada's feed has told something matching, and returns it. */
async function toldAda(match: (payload: NotificationPayload) => boolean): Promise<NotificationPayload> {
  await expect.poll(() => told.some(match), { timeout: 20_000, interval: 50 }).toBe(true)
  return told.find(match)!
}

describe("Ada's notification feed", () => {
  it("watches the workspace Ada's device has open", () => {
    expect(feed.watching).toEqual([ada.session.id])
  })

  it("tells her when Grace mentions her from Grace's device, and not for her own messages or others'", async () => {
    await post(ada, 'Note to self, @ada: send the deck')
    await post(grace, 'Lunch is at noon, @grace remember')
    await post(grace, '@ada the contract is signed')
    const mention = await toldAda((payload) => payload.kind === 'mention')
    expect(mention).toEqual({ workspaceId: ada.session.id, kind: 'mention', title: 'grace mentioned you in #general', body: '@ada the contract is signed', channelId: general.id })
    // Her own message was seen first (on her device) and told nothing; Grace's other message neither.
    expect(told.filter((payload) => payload.kind === 'mention')).toHaveLength(1)
  })

  it('tells her when a task she asked for finishes, even when another device ran it', async () => {
    const asked = await post(ada, '@scout find the Q3 numbers')
    const [task] = tasksForMessage(ada.session.root, asked.id)
    expect(task?.requestedBy).toBe(ada.session.memberId)
    await converge([ada, grace])
    // Grace's device runs it (as a device takes over a task whose creator went away).
    const runner = operationContext('host', 'test')
    claimTask(grace.session.root, { taskId: task!.id, deviceId: grace.session.deviceId, runId: 'run_grace', leaseMs: 60_000 }, runner)
    finishTask(grace.session.root, { taskId: task!.id, runId: 'run_grace', status: 'succeeded', result: { messageId: null, deliverableIds: [] } }, runner)
    const finished = await toldAda((payload) => payload.kind === 'task-finished')
    expect(finished).toEqual({ workspaceId: ada.session.id, kind: 'task-finished', title: 'Scout finished your task', body: '@scout find the Q3 numbers', channelId: general.id })
    expect(getTask(ada.session.root, task!.id).status).toBe('succeeded')
  })

  it("tells her once when her workflow's report waits for her review, though both the status change and Scout's message say so", async () => {
    const workflow = createWorkflow(ada.session.root, { name: 'Weekly report', coworkerId: scout.id, channelId: general.id, cron: '0 9 * * MON', prompt: 'Write the weekly report.' }, ada.session.context)
    await converge([ada, grace])
    // Grace presses "Run now" and her device runs it: the task is hers, the workflow (and the review) Ada's.
    const { task } = runNow(grace.session, workflow.id)
    const runner = operationContext('host', 'test')
    claimTask(grace.session.root, { taskId: task.id, deviceId: grace.session.deviceId, runId: 'run_report', leaseMs: 60_000 }, runner)
    const deliverableId = newId('dl')
    await grace.session.withDeliverable(deliverableId, (docs) =>
      createDocument(docs, { deliverableId, title: 'Weekly report', channelId: general.id, markdown: '# Weekly report' }, actingAs(grace.session, scout.id, Date.now))
    )
    const finished = finishTask(grace.session.root, { taskId: task.id, runId: 'run_report', status: 'succeeded', result: { messageId: null, deliverableIds: [deliverableId] } }, runner)
    const request = await applyReviewPolicy(grace.session, finished)
    expect(request?.messageId).not.toBeNull()

    const review = await toldAda((payload) => payload.kind === 'review-requested')
    expect(review).toEqual({
      workspaceId: ada.session.id,
      kind: 'review-requested',
      title: '"Weekly report" is ready for your review',
      body: 'Weekly report: approve it or ask for changes.',
      channelId: general.id
    })
    // Scout's "@ada … is ready for your review" message arrives too; past its settling time it has told nothing more.
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    expect(told.filter((payload) => payload.kind === 'review-requested')).toHaveLength(1)
    expect(told.filter((payload) => payload.kind === 'mention')).toHaveLength(1)
    // The run was Grace's, so no "task finished" for Ada.
    expect(told.filter((payload) => payload.kind === 'task-finished')).toHaveLength(1)
  })
})
