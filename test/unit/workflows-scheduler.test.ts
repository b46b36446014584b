import { afterEach, describe, expect, it } from 'vitest'
import { WorkflowScheduler, type WorkflowSchedulerOptions } from '../../electron/host/workflows/scheduler.ts'
import type { WorkflowSession } from '../../electron/host/workflows/workflowSession.ts'
import { listTasks, workflowSlotTaskId } from '../../shared/operations/tasks.ts'
import { editWorkflow, removeWorkflow } from '../../shared/operations/workflows.ts'
import { day, FakeTime, hour, monday8, secondDevice, workflowWorkspace } from './workflows-fixtures.ts'

const minute = 60_000

describe('the workflow scheduler', () => {
  const running: WorkflowScheduler[] = []
  afterEach(async () => {
    for (const scheduler of running.splice(0)) await scheduler.stop()
  })

  function scheduler(session: WorkflowSession, time: FakeTime, options: Partial<WorkflowSchedulerOptions> = {}) {
    const made = new WorkflowScheduler(session, { canRun: async () => true, clock: time.clock, timers: time.timers, ...options })
    running.push(made)
    return made
  }

  it('creates each slot’s task when it comes due, under the derived id, with the workflow’s prompt and channel', async () => {
    const space = workflowWorkspace()
    const workflow = space.workflow({ name: 'Daily digest', cron: '0 9 * * *' })
    const timezoned = space.workflow({ name: 'Paris digest', cron: '30 9 * * *', timeZone: 'Europe/Paris' })
    const scheduled = scheduler(space.session, space.time)
    await scheduled.start()
    expect(listTasks(space.root)).toEqual([])

    const nine = monday8 + hour
    await space.time.advance(hour - 1, scheduled)
    // 9:30 in Paris is 8:30 UTC.
    expect(listTasks(space.root).map((task) => task.id)).toEqual([workflowSlotTaskId(timezoned.id, monday8 + 30 * minute)])
    await space.time.advance(1, scheduled)
    const task = listTasks(space.root).find((entry) => entry.id === workflowSlotTaskId(workflow.id, nine))
    expect(task).toMatchObject({
      id: workflowSlotTaskId(workflow.id, nine),
      coworkerId: space.scribe.id,
      channelId: space.channel.id,
      prompt: 'Write the weekly report.',
      trigger: { type: 'workflow', workflowId: workflow.id, slot: nine, missed: false },
      // Scheduled runs are requested by the workflow's coworker, manual ones by a person (history tells them apart).
      requestedBy: space.scribe.id,
      createdByDevice: space.session.deviceId,
      createdAt: nine,
      status: 'queued'
    })

    await space.time.advance(2 * day, scheduled)
    const slots = listTasks(space.root)
      .map((entry) => (entry.trigger.type === 'workflow' ? [entry.trigger.workflowId === workflow.id ? 'utc' : 'paris', new Date(entry.trigger.slot).toISOString()] : null))
      .sort()
    expect(slots).toEqual([
      ['paris', '2026-11-23T08:30:00.000Z'],
      ['paris', '2026-11-24T08:30:00.000Z'],
      ['paris', '2026-11-25T08:30:00.000Z'],
      ['utc', '2026-11-23T09:00:00.000Z'],
      ['utc', '2026-11-24T09:00:00.000Z'],
      ['utc', '2026-11-25T09:00:00.000Z']
    ])
    // One timer at a time, never longer than the heartbeat.
    expect(space.time.pendingTimers).toBe(1)
  })

  it('re-plans when workflows are added, edited, disabled, enabled and removed', async () => {
    const space = workflowWorkspace()
    const scheduled = scheduler(space.session, space.time, { heartbeatMs: 10 * hour })
    await scheduled.start()
    const count = () => listTasks(space.root).length

    // Added after the scheduler started: its first slot fires even though the heartbeat is long.
    const workflow = space.workflow({ cron: '*/5 * * * *' })
    await scheduled.idle()
    await space.time.advance(5 * minute, scheduled)
    expect(count()).toBe(1)

    editWorkflow(space.root, { workflowId: workflow.id, cron: '0 * * * *' }, space.ada)
    await scheduled.idle()
    await space.time.advance(50 * minute, scheduled)
    expect(count()).toBe(1)
    await space.time.advance(5 * minute, scheduled) // 09:00
    expect(count()).toBe(2)

    editWorkflow(space.root, { workflowId: workflow.id, enabled: false }, space.ada)
    await scheduled.idle()
    await space.time.advance(3 * hour, scheduled)
    expect(count()).toBe(2)

    // Enabled again: runs from the next slot on; the hours it was off are not "missed".
    editWorkflow(space.root, { workflowId: workflow.id, enabled: true }, space.ada)
    await scheduled.idle()
    await space.time.advance(hour, scheduled)
    expect(count()).toBe(3)
    expect(listTasks(space.root).every((task) => task.trigger.type === 'workflow' && !task.trigger.missed)).toBe(true)

    removeWorkflow(space.root, { workflowId: workflow.id }, space.ada)
    await scheduled.idle()
    await space.time.advance(5 * hour, scheduled)
    expect(count()).toBe(3)
  })

  it('schedules nothing on a device that cannot run coworkers, and catches up once it can', async () => {
    const space = workflowWorkspace()
    space.workflow({ name: 'Daily digest', cron: '0 9 * * *' })
    let canRun = false
    const scheduled = scheduler(space.session, space.time, { canRun: async () => canRun })
    await scheduled.start()
    await space.time.advance(2 * day, scheduled)
    expect(listTasks(space.root)).toEqual([])

    // A model was set up: the next check finds the two missed slots and runs the latest once.
    canRun = true
    await space.time.advance(minute, scheduled)
    const tasks = listTasks(space.root)
    expect(tasks).toHaveLength(1)
    expect(tasks[0]!.trigger).toMatchObject({ type: 'workflow', slot: monday8 + day + hour, missed: true })
  })

  it('makes one task per slot when two devices, in sync, both fire it', async () => {
    const space = workflowWorkspace()
    const workflow = space.workflow({ cron: '0 * * * *' })
    const other = secondDevice(space)
    const first = scheduler(space.session, space.time)
    const second = scheduler(other.session, space.time)
    await Promise.all([first.start(), second.start()])
    await space.time.advance(3 * hour, first, second)

    const slots = [1, 2, 3].map((hours) => monday8 + hours * hour)
    for (const root of [space.root, other.root]) {
      expect(listTasks(root).map((task) => task.id).sort()).toEqual(slots.map((slot) => workflowSlotTaskId(workflow.id, slot)).sort())
    }
  })

  it('makes one task per slot when two offline devices both fire it and sync afterwards', async () => {
    const space = workflowWorkspace()
    const workflow = space.workflow({ cron: '0 * * * *' })
    const other = secondDevice(space, { live: false })
    const first = scheduler(space.session, space.time)
    const second = scheduler(other.session, space.time)
    await Promise.all([first.start(), second.start()])
    await space.time.advance(2 * hour, first, second)
    expect(listTasks(space.root)).toHaveLength(2)
    expect(listTasks(other.root)).toHaveLength(2)

    other.link.resume()
    const ids = listTasks(space.root).map((task) => task.id)
    expect(ids).toHaveLength(2)
    expect(listTasks(other.root).map((task) => task.id)).toEqual(ids)
    expect(ids.sort()).toEqual([1, 2].map((hours) => workflowSlotTaskId(workflow.id, monday8 + hours * hour)).sort())
    // Concurrent writes of one key keep one record, the same on both devices.
    expect(listTasks(other.root).map((task) => task.createdByDevice)).toEqual(listTasks(space.root).map((task) => task.createdByDevice))
  })

  it('treats a timer that fires far too late as a wake from sleep, and applies the missed-slot policy', async () => {
    const space = workflowWorkspace()
    space.workflow({ name: 'Daily digest', cron: '0 9 * * *' })
    const scheduled = scheduler(space.session, space.time)
    await scheduled.start()
    await space.time.advance(hour, scheduled) // Monday 9:00 runs as usual
    expect(listTasks(space.root)).toHaveLength(1)

    // Asleep from Monday 9:00 to Thursday 10:00: Tuesday, Wednesday and Thursday were missed.
    await space.time.sleep(3 * day + hour, scheduled)
    const tasks = listTasks(space.root)
    expect(tasks).toHaveLength(2)
    expect(tasks[0]!.trigger).toMatchObject({ slot: monday8 + 3 * day + hour, missed: true })
    expect(space.messages().map((message) => message.text)).toEqual([
      'Daily digest: 3 runs were missed while every device was off; running the latest (Thu 9:00) now'
    ])
  })

  it('stops planning when stopped', async () => {
    const time = new FakeTime()
    const space = workflowWorkspace(time)
    space.workflow({ cron: '* * * * *' })
    const scheduled = scheduler(space.session, time)
    await scheduled.start()
    await scheduled.stop()
    expect(time.pendingTimers).toBe(0)
    await time.advance(hour, scheduled)
    expect(listTasks(space.root)).toEqual([])
  })
})
