import { describe, expect, it } from 'vitest'
import { catchUpMissedSlots, missedNoteText } from '../../electron/host/workflows/missedSlots.ts'
import { WorkflowScheduler } from '../../electron/host/workflows/scheduler.ts'
import { createSlotTask } from '../../shared/operations/workflowRuns.ts'
import { silentLogger } from '../../shared/log.ts'
import { listTasks, workflowSlotTaskId } from '../../shared/operations/tasks.ts'
import { editWorkflow } from '../../shared/operations/workflows.ts'
import { day, hour, monday8, secondDevice, workflowWorkspace, type WorkflowWorkspace } from './workflows-fixtures.ts'

const minute = 60_000

function catchUp(space: Pick<WorkflowWorkspace, 'session' | 'time'>, session = space.session) {
  return catchUpMissedSlots(session, { now: space.time.clock, graceMs: 2 * minute, log: silentLogger })
}

describe('the missed-slot policy', () => {
  it('runs only the latest of three missed slots, marked missed, and says so once in the channel', async () => {
    const space = workflowWorkspace()
    const workflow = space.workflow({ name: 'Daily digest', cron: '0 9 * * *' })
    // Every device was off from Monday 8:00 to Wednesday 10:00: Monday, Tuesday and Wednesday 9:00 passed.
    space.time.now = monday8 + 2 * day + 2 * hour
    const [caughtUp] = await catchUp(space)

    const wednesday9 = monday8 + 2 * day + hour
    expect(caughtUp).toMatchObject({ workflowId: workflow.id, missedSlots: [monday8 + hour, monday8 + day + hour, wednesday9], more: false, created: true })
    const tasks = listTasks(space.root)
    expect(tasks).toHaveLength(1)
    expect(tasks[0]).toMatchObject({
      id: workflowSlotTaskId(workflow.id, wednesday9),
      trigger: { type: 'workflow', workflowId: workflow.id, slot: wednesday9, missed: true },
      prompt: 'Write the weekly report.',
      channelId: space.channel.id
    })
    const messages = space.messages()
    expect(messages.map((message) => [message.authorId, message.text])).toEqual([
      [space.scribe.id, 'Daily digest: 3 runs were missed while every device was off; running the latest (Wed 9:00) now']
    ])

    // Checking again (a restart, another wake) finds nothing new.
    expect(await catchUp(space)).toEqual([])
    expect(listTasks(space.root)).toHaveLength(1)
    expect(space.messages()).toHaveLength(1)
  })

  it('counts from the last slot that has a task', async () => {
    const space = workflowWorkspace()
    const workflow = space.workflow({ name: 'Daily digest', cron: '0 9 * * *' })
    createSlotTask(space.session, workflow, monday8 + hour, { missed: false, context: space.ada })
    space.time.now = monday8 + 2 * day + 2 * hour
    const [caughtUp] = await catchUp(space)
    expect(caughtUp!.missedSlots).toEqual([monday8 + day + hour, monday8 + 2 * day + hour])
    expect(space.messages().map((message) => message.text)).toEqual([
      'Daily digest: 2 runs were missed while every device was off; running the latest (Wed 9:00) now'
    ])
  })

  it('does not count the days a workflow was disabled as missed', async () => {
    const space = workflowWorkspace()
    const workflow = space.workflow({ name: 'Daily digest', cron: '0 9 * * *', enabled: false })
    // Disabled over Monday and Tuesday; enabled again Wednesday 8:00, and the device starts at 10:00.
    space.time.now = monday8 + 2 * day
    editWorkflow(space.root, { workflowId: workflow.id, enabled: true }, space.ada)
    space.time.now = monday8 + 2 * day + 2 * hour
    const [caughtUp] = await catchUp(space)
    expect(caughtUp!.missedSlots).toEqual([monday8 + 2 * day + hour])
    expect(space.messages().map((message) => message.text)).toEqual([
      'Daily digest: 1 run was missed while every device was off; running it (Wed 9:00) now'
    ])
  })

  it('runs a slot that just came due as usual, with no note', async () => {
    const space = workflowWorkspace()
    const workflow = space.workflow({ name: 'Daily digest', cron: '0 9 * * *' })
    space.time.now = monday8 + hour + minute
    expect(await catchUp(space)).toEqual([])
    expect(listTasks(space.root).map((task) => task.trigger)).toEqual([{ type: 'workflow', workflowId: workflow.id, slot: monday8 + hour, missed: false }])
    expect(space.messages()).toEqual([])
  })

  it('leaves disabled workflows and those with nothing missed alone', async () => {
    const space = workflowWorkspace()
    space.workflow({ name: 'Off', cron: '0 9 * * *', enabled: false })
    space.workflow({ name: 'Monthly', cron: '0 9 1 * *' })
    space.time.now = monday8 + 3 * day
    expect(await catchUp(space)).toEqual([])
    expect(listTasks(space.root)).toEqual([])
  })

  it('posts the note from one device only when two come back together', async () => {
    const space = workflowWorkspace()
    const workflow = space.workflow({ name: 'Daily digest', cron: '0 9 * * *' })
    const other = secondDevice(space)
    space.time.now = monday8 + 2 * day + 2 * hour
    const [mine, theirs] = await Promise.all([catchUp(space), catchUp(space, other.session)])
    expect(mine!.map((entry) => entry.created)).toEqual([true])
    // The second device already has the first one's task, so nothing is missed any more.
    expect(theirs).toEqual([])
    expect(listTasks(other.root).map((task) => task.id)).toEqual([workflowSlotTaskId(workflow.id, monday8 + 2 * day + hour)])
    expect(space.messages()).toHaveLength(1)
  })

  it('makes one task when two offline devices catch up the same slots', async () => {
    const space = workflowWorkspace()
    const workflow = space.workflow({ name: 'Daily digest', cron: '0 9 * * *' })
    const other = secondDevice(space, { live: false })
    space.time.now = monday8 + 2 * day + 2 * hour
    await catchUp(space)
    await catchUp(space, other.session)
    other.link.resume()
    for (const root of [space.root, other.root]) {
      expect(listTasks(root).map((task) => task.id)).toEqual([workflowSlotTaskId(workflow.id, monday8 + 2 * day + hour)])
    }
  })

  it('runs at start, through the scheduler, after every device was off', async () => {
    const space = workflowWorkspace()
    space.workflow({ name: 'Weekly report', cron: '0 9 * * MON' })
    space.time.now = monday8 + 14 * day + 2 * hour // two weeks later, Monday 10:00
    let waited = false
    const scheduler = new WorkflowScheduler(space.session, {
      canRun: async () => true,
      clock: space.time.clock,
      timers: space.time.timers,
      beforeCatchUp: async () => {
        waited = true
      }
    })
    await scheduler.start()
    await scheduler.stop()
    expect(waited).toBe(true)
    expect(listTasks(space.root).map((task) => task.trigger)).toEqual([
      expect.objectContaining({ slot: monday8 + 14 * day + hour, missed: true })
    ])
    expect(space.messages().map((message) => message.text)).toEqual([
      'Weekly report: 3 runs were missed while every device was off; running the latest (Mon 9:00) now'
    ])
  })

  it('words the note for one run, and for more than it counts', () => {
    const workflow = { name: 'Weekly report', timeZone: 'Europe/Paris' }
    const slot = Date.UTC(2026, 10, 23, 8)
    expect(missedNoteText(workflow, { count: 1, more: false, latest: slot, now: slot + hour })).toBe(
      'Weekly report: 1 run was missed while every device was off; running it (Mon 9:00) now'
    )
    expect(missedNoteText(workflow, { count: 1000, more: true, latest: slot, now: slot + 30 * day })).toBe(
      'Weekly report: more than 1,000 runs were missed while every device was off; running the latest (Mon 23 Nov 9:00) now'
    )
  })

  it('lists at most a thousand missed slots of a minutely schedule, and still runs the latest', async () => {
    const space = workflowWorkspace()
    const workflow = space.workflow({ name: 'Ticker', cron: '* * * * *' })
    space.time.now = monday8 + 2 * day + 30_000
    const [caughtUp] = await catchUp(space)
    expect(caughtUp!.missedSlots).toHaveLength(1000)
    expect(caughtUp!.more).toBe(true)
    expect(caughtUp!.task.id).toBe(workflowSlotTaskId(workflow.id, monday8 + 2 * day))
  })
})
