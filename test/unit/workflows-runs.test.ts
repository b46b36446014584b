import { describe, expect, it } from 'vitest'
import { workflowHistory } from '../../shared/operations/workflowRuns.ts'
import { catchUpMissedSlots } from '../../electron/host/workflows/missedSlots.ts'
import { runNow } from '../../electron/host/workflows/runNow.ts'
import { createSlotTask } from '../../shared/operations/workflowRuns.ts'
import { isCommonsError } from '../../shared/errors.ts'
import { silentLogger } from '../../shared/log.ts'
import { removeCoworkerFromChannel } from '../../shared/operations/channels.ts'
import { workflowSlotTaskId } from '../../shared/operations/tasks.ts'
import { coworkerDocument, day, finish, hour, monday8, workflowWorkspace } from './workflows-fixtures.ts'

const minute = 60_000

describe('running a workflow now', () => {
  it('makes a task for this minute, requested by the person, once however often it is pressed', () => {
    const space = workflowWorkspace()
    const workflow = space.workflow({ cron: '0 9 * * MON', enabled: false })
    space.time.now = monday8 + 17 * minute + 42_000
    const first = runNow(space.session, workflow.id)
    const slot = monday8 + 17 * minute
    expect(first.created).toBe(true)
    expect(first.task).toMatchObject({
      id: workflowSlotTaskId(workflow.id, slot),
      trigger: { type: 'workflow', workflowId: workflow.id, slot, missed: false },
      requestedBy: space.adaId,
      coworkerId: space.scribe.id,
      channelId: space.channel.id,
      prompt: workflow.prompt,
      createdByDevice: space.session.deviceId
    })
    space.time.now += 10_000
    const again = runNow(space.session, workflow.id)
    expect(again).toEqual({ task: first.task, created: false })
    space.time.now += minute
    expect(runNow(space.session, workflow.id).created).toBe(true)
  })

  it('refuses, saying what to do, when the coworker is no longer in the channel', () => {
    const space = workflowWorkspace()
    const workflow = space.workflow({ cron: '0 9 * * MON' })
    removeCoworkerFromChannel(space.root, { channelId: space.channel.id, coworkerId: space.scribe.id }, space.ada)
    try {
      runNow(space.session, workflow.id)
      expect.unreachable()
    } catch (error) {
      expect(isCommonsError(error, 'conflict')).toBe(true)
      expect((error as Error).message).toBe('Scribe is no longer in #reports, where "Weekly report" runs')
    }
    expect(() => runNow(space.session, 'wf_aaaaaaaaaaaaaaaaaaaa')).toThrow(/workflow "wf_a+" was not found/)
  })
})

describe('a workflow’s run history', () => {
  it('lists each run with when, who, how long, usage, output and status, newest first', async () => {
    const space = workflowWorkspace()
    const workflow = space.workflow({ name: 'Daily digest', cron: '0 9 * * *' })
    const other = space.workflow({ name: 'Other', cron: '0 9 * * *' })

    // Monday 9:00 by the schedule: it succeeds with a document and a reply.
    const monday9 = monday8 + hour
    space.time.now = monday9
    const scheduled = createSlotTask(space.session, workflow, monday9, { missed: false, context: { ...space.ada, actorId: space.scribe.id } })
    const report = coworkerDocument(space, 'Digest, Monday')
    finish(space, scheduled.task.id, { deliverableIds: [report.id], messageId: 'msg_aaaaaaaaaaaaaaaaaaaa', runMs: 42_000 })
    createSlotTask(space.session, other, monday9, { missed: false, context: space.ada })

    // Wednesday 10:00, after every device was off through Tuesday and Wednesday: one missed run, still queued.
    space.time.now = monday8 + 2 * day + 2 * hour
    await catchUpMissedSlots(space.session, { now: space.time.clock, graceMs: 2 * minute, log: silentLogger })
    // Wednesday 10:30, Ada runs it by hand, and it fails.
    space.time.now += 30 * minute
    const manual = runNow(space.session, workflow.id)
    finish(space, manual.task.id, { status: 'failed', runMs: 5_000 })

    const history = workflowHistory(space.root, workflow.id)
    expect(history.map((run) => [new Date(run.slot).toISOString(), run.ranBy.kind, run.missed, run.status])).toEqual([
      ['2026-11-25T10:30:00.000Z', 'person', false, 'failed'],
      ['2026-11-25T09:00:00.000Z', 'schedule', true, 'queued'],
      ['2026-11-23T09:00:00.000Z', 'schedule', false, 'succeeded']
    ])
    expect(history[0]!.ranBy).toEqual({ kind: 'person', memberId: space.adaId, name: 'Ada Lovelace' })
    expect(history[0]!.durationMs).toBe(5_000)
    expect(history[1]).toMatchObject({ durationMs: null, usage: null, startedAt: null, messageId: null, deliverables: [] })
    expect(history[2]).toMatchObject({
      taskId: scheduled.task.id,
      durationMs: 42_000,
      usage: { inputTokens: 1200, outputTokens: 300, estimatedCostUsd: 0.01, turns: 2 },
      channelId: space.channel.id,
      messageId: 'msg_aaaaaaaaaaaaaaaaaaaa',
      deliverables: [{ id: report.id, title: 'Digest, Monday', kind: 'document', status: 'draft' }]
    })
    // The other workflow's own Monday run, and its catch-up.
    expect(workflowHistory(space.root, other.id).map((run) => run.missed)).toEqual([true, false])
    expect(workflowHistory(space.root, 'wf_aaaaaaaaaaaaaaaaaaaa')).toEqual([])
  })
})
