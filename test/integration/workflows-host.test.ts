import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Host } from '../../electron/host/host.ts'
import { applyReviewPolicy, approve, requestChanges } from '../../electron/host/workflows/review.ts'
import { runNow } from '../../electron/host/workflows/runNow.ts'
import { WorkflowScheduler } from '../../electron/host/workflows/scheduler.ts'
import { workflowHistory } from '../../shared/operations/workflowRuns.ts'
import type { WorkspaceSession } from '../../electron/host/workspaceSession.ts'
import { newId } from '../../shared/ids.ts'
import { silentLogger } from '../../shared/log.ts'
import { addCoworkerToChannel, createChannel, joinChannel } from '../../shared/operations/channels.ts'
import { operationContext } from '../../shared/operations/context.ts'
import { createCoworker } from '../../shared/operations/coworkers.ts'
import { createDocument, getDeliverable, writeDocument } from '../../shared/operations/deliverables.ts'
import { readMessages } from '../../shared/operations/messages.ts'
import { claimTask, finishTask, listTasks, workflowSlotTaskId } from '../../shared/operations/tasks.ts'
import { createWorkflow } from '../../shared/operations/workflows.ts'
import { startSyncServer } from '../../sync-server/server.ts'
import { day, FakeTime, hour, monday8 } from '../unit/workflows-fixtures.ts'
import { temporaryDirectory } from './helpers/cli.ts'
import { converge, workspaceOnDevices } from './helpers/devices.ts'

/** Scribe in #reports with a daily workflow owned by the session's person. */
function setUp(session: WorkspaceSession, time: FakeTime) {
  const context = { ...session.context, now: time.clock }
  const scribe = createCoworker(session.root, { name: 'Scribe', purpose: 'writes the reports', toolset: [] }, context)
  const channel = createChannel(session.root, { name: 'reports' }, context)
  addCoworkerToChannel(session.root, { channelId: channel.id, coworkerId: scribe.id }, context)
  const workflow = createWorkflow(
    session.root,
    { name: 'Daily digest', coworkerId: scribe.id, channelId: channel.id, cron: '0 9 * * *', prompt: 'Write the digest.' },
    context
  )
  return { scribe, channel, workflow }
}

/** What the task runner does with a task: claim it, make a document, finish, and apply the review policy. */
async function runTask(session: WorkspaceSession, task: { id: string; coworkerId: string; channelId: string }, revise?: string) {
  const taskId = task.id
  const coworker = operationContext(task.coworkerId, 'agent', { deviceId: session.deviceId })
  const runId = newId('task')
  claimTask(session.root, { taskId, deviceId: session.deviceId, runId, leaseMs: 60_000 }, coworker)
  const deliverableId = revise ?? newId('dl')
  await session.withDeliverable(deliverableId, (docs) =>
    revise === undefined
      ? createDocument(docs, { deliverableId, title: 'Digest', channelId: task.channelId, markdown: '# Digest\n\nAll quiet.' }, coworker)
      : writeDocument(docs, { deliverableId, markdown: 'All quiet.' }, coworker)
  )
  const finished = finishTask(session.root, { taskId, runId, status: 'succeeded', result: { messageId: null, deliverableIds: [deliverableId] } }, coworker)
  await applyReviewPolicy(session, finished)
  return deliverableId
}

describe('workflows on the Host', () => {
  const cleanups: Array<() => Promise<unknown>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {})
  })

  it('schedules, runs by hand, reviews and keeps it all across a restart', async () => {
    const directory = await temporaryDirectory('commons-workflows-')
    cleanups.push(directory.remove)
    let host = await Host.open({ dataDir: directory.path, source: 'test', log: silentLogger })
    const session = await host.createWorkspace({ name: 'Acme', userName: 'Ada' })
    const time = new FakeTime()
    const { channel, workflow } = setUp(session, time)

    const scheduler = new WorkflowScheduler(session, { canRun: async () => true, clock: time.clock, timers: time.timers, log: silentLogger })
    await scheduler.start()
    await time.advance(hour, scheduler)
    await scheduler.stop()
    const slotTaskId = workflowSlotTaskId(workflow.id, monday8 + hour)
    expect(listTasks(session.root).map((task) => task.id)).toEqual([slotTaskId])

    const [slotTask] = listTasks(session.root)
    const deliverableId = await runTask(session, slotTask!)
    expect(getDeliverable(session.root, deliverableId).status).toBe('in-review')
    const changes = await requestChanges(session, deliverableId, 'Shorter, please.')
    await runTask(session, changes.task!, deliverableId)
    expect(getDeliverable(session.root, deliverableId).status).toBe('in-review')
    await approve(session, deliverableId)
    const manual = runNow(session, workflow.id)
    await session.flush()
    await host.close()

    host = await Host.open({ dataDir: directory.path, source: 'test', log: silentLogger })
    cleanups.push(() => host.close())
    const reopened = await host.openWorkspace(session.id)
    // (The manual run's slot is on the real clock, so the order is not asserted.)
    const runs = workflowHistory(reopened.root, workflow.id).map((run) => [run.taskId, run.ranBy.kind, run.status])
    expect(runs).toHaveLength(2)
    expect(runs).toEqual(expect.arrayContaining([
      [manual.task.id, 'person', 'queued'],
      [slotTaskId, 'schedule', 'succeeded']
    ]))
    const texts = await reopened.withChannel(channel.id, (docs) => readMessages(docs.channel).map((message) => message.text))
    expect(texts).toEqual([
      '@ada Daily digest is ready for your review: "Digest". Approve it or ask for changes.',
      'Ada asked for changes to "Digest":\n\nShorter, please.\n\nI\'ll revise it.',
      '@ada Daily digest is ready for your review: "Digest". Approve it or ask for changes.',
      'Ada approved "Digest".'
    ])
    expect(getDeliverable(reopened.root, deliverableId).statusHistory.map((change) => change.status)).toEqual(['draft', 'in-review', 'draft', 'in-review', 'approved'])
  })

  it('makes one task per slot when two devices in one workspace both schedule it', async () => {
    const serverData = await temporaryDirectory('commons-server-')
    cleanups.push(serverData.remove)
    const server = await startSyncServer({ dataDir: serverData.path, port: 0 })
    cleanups.push(() => server.close())
    const devices = await workspaceOnDevices(['ada', 'grace'], server.url, cleanups)
    const [ada, grace] = devices
    const time = new FakeTime()
    const { channel, workflow } = setUp(ada!.session, time)
    await converge(devices)
    joinChannel(grace!.session.root, { channelId: channel.id }, grace!.session.context)
    await converge(devices)

    const schedulers = devices.map(
      (device) =>
        new WorkflowScheduler(device.session, {
          canRun: async () => true,
          clock: time.clock,
          timers: time.timers,
          log: silentLogger,
          beforeCatchUp: () => device.session.waitForSync(10_000).catch(() => {})
        })
    )
    cleanups.push(async () => Promise.all(schedulers.map((scheduler) => scheduler.stop())))
    await Promise.all(schedulers.map((scheduler) => scheduler.start()))
    // Both fire Monday and Tuesday 9:00 before either hears of the other's task.
    await time.advance(2 * day, ...schedulers)
    await converge(devices)
    const expected = [0, 1].map((days) => workflowSlotTaskId(workflow.id, monday8 + days * day + hour)).sort()
    for (const device of devices) expect(listTasks(device.session.root).map((task) => task.id).sort()).toEqual(expected)
    // Every device sees the same record for each slot.
    const devicesOf = (root: Y.Doc) => listTasks(root).map((task) => task.createdByDevice)
    expect(devicesOf(grace!.session.root)).toEqual(devicesOf(ada!.session.root))
  })
})
