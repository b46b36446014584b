import { describe, expect, it } from 'vitest'
import { applyReviewPolicy, approve, requestChanges } from '../../electron/host/workflows/review.ts'
import { createSlotTask } from '../../shared/operations/workflowRuns.ts'
import { isCommonsError, ValidationError } from '../../shared/errors.ts'
import { removeCoworkerFromChannel } from '../../shared/operations/channels.ts'
import { getDeliverable } from '../../shared/operations/deliverables.ts'
import { listMemory } from '../../shared/operations/memory.ts'
import { createTask, getTask, listTasks } from '../../shared/operations/tasks.ts'
import { contextOf, coworkerDocument, finish, hour, monday8, workflowWorkspace, type WorkflowWorkspace } from './workflows-fixtures.ts'

/** A workflow run that made two documents and finished: what the task runner hands to applyReviewPolicy. */
function finishedRun(space: WorkflowWorkspace, options: { review?: boolean; status?: 'succeeded' | 'failed' } = {}) {
  const workflow = space.workflow({ name: 'Weekly report', cron: '0 9 * * MON', review: options.review ?? true })
  const { task } = createSlotTask(space.session, workflow, monday8 + hour, { missed: false, context: contextOf(space.scribe.id, space.time.clock) })
  const summary = coworkerDocument(space, 'Week 48 summary')
  const numbers = coworkerDocument(space, 'Week 48 numbers')
  const finished = finish(space, task.id, { status: options.status ?? 'succeeded', deliverableIds: [summary.id, numbers.id] })
  return { workflow, task: finished, summary, numbers }
}

const statuses = (space: WorkflowWorkspace, deliverableId: string) =>
  getDeliverable(space.root, deliverableId).statusHistory.map((change) => [change.status, change.by, change.comment])

describe('review of a workflow’s output', () => {
  it('puts the deliverables in review and asks the owner, by @mention, to review them', async () => {
    const space = workflowWorkspace()
    const run = finishedRun(space)
    const request = await applyReviewPolicy(space.session, run.task)

    expect(request).toMatchObject({ workflowId: run.workflow.id, deliverableIds: [run.summary.id, run.numbers.id] })
    for (const deliverable of [run.summary, run.numbers]) {
      expect(getDeliverable(space.root, deliverable.id).status).toBe('in-review')
      expect(statuses(space, deliverable.id)).toEqual([
        ['draft', space.scribe.id, ''],
        ['in-review', space.scribe.id, '']
      ])
    }
    const [message] = space.messages()
    expect(message).toMatchObject({
      id: request!.messageId,
      authorId: space.scribe.id,
      text: '@ada-lovelace Weekly report is ready for your review: "Week 48 summary", "Week 48 numbers". Approve it or ask for changes.',
      deliverableIds: [run.summary.id, run.numbers.id]
    })
    expect(message!.mentions).toEqual([expect.objectContaining({ memberId: space.adaId, kind: 'person' })])

    // The runner calling it again sends nothing twice.
    expect(await applyReviewPolicy(space.session, run.task)).toEqual({ workflowId: run.workflow.id, deliverableIds: [], messageId: null })
    expect(space.messages()).toHaveLength(1)
  })

  it('leaves the output alone when review is off, the task did not succeed, or it was not a workflow’s', async () => {
    for (const options of [{ review: false }, { status: 'failed' as const }]) {
      const space = workflowWorkspace()
      const run = finishedRun(space, options)
      expect(await applyReviewPolicy(space.session, run.task)).toBeNull()
      expect(getDeliverable(space.root, run.summary.id).status).toBe('draft')
      expect(space.messages()).toEqual([])
    }
    const space = workflowWorkspace()
    const mention = createTask(
      space.root,
      { coworkerId: space.scribe.id, channelId: space.channel.id, trigger: { type: 'mention', messageId: 'msg_aaaaaaaaaaaaaaaaaaaa', threadId: null }, prompt: 'hi', deviceId: 'dev_x' },
      space.ada
    )
    const document = coworkerDocument(space, 'Notes')
    expect(await applyReviewPolicy(space.session, finish(space, mention.id, { deliverableIds: [document.id] }))).toBeNull()
  })

  it('approves: the deliverable is approved and the channel is told', async () => {
    const space = workflowWorkspace()
    const run = finishedRun(space)
    await applyReviewPolicy(space.session, run.task)
    const outcome = await approve(space.session, run.summary.id)

    expect(outcome.deliverable.status).toBe('approved')
    expect(statuses(space, run.summary.id)).toEqual([
      ['draft', space.scribe.id, ''],
      ['in-review', space.scribe.id, ''],
      ['approved', space.adaId, '']
    ])
    const last = space.messages().at(-1)!
    expect(last).toMatchObject({ id: outcome.messageId, authorId: space.scribe.id, text: 'Ada Lovelace approved "Week 48 summary".', deliverableIds: [run.summary.id] })
    // Approving twice changes nothing; a draft cannot be approved.
    expect((await approve(space.session, run.summary.id)).messageId).toBeNull()
    const draft = coworkerDocument(space, 'Scratch')
    await expect(approve(space.session, draft.id)).rejects.toThrow('"Scratch" is a draft, not in review')
  })

  it('asks for changes: back to draft with the comment, remembered as a preference, and a revision task', async () => {
    const space = workflowWorkspace()
    const run = finishedRun(space)
    await applyReviewPolicy(space.session, run.task)
    const comment = 'Lead with the numbers; keep it under a page. @scribe, no tables please.'
    const outcome = await requestChanges(space.session, run.summary.id, `  ${comment}  `)

    expect(outcome.deliverable.status).toBe('draft')
    expect(statuses(space, run.summary.id)).toEqual([
      ['draft', space.scribe.id, ''],
      ['in-review', space.scribe.id, ''],
      ['draft', space.adaId, comment]
    ])
    expect(listMemory(space.root)).toEqual([
      expect.objectContaining({ id: outcome.memory.id, kind: 'preference', text: comment, source: { type: 'deliverable', deliverableId: run.summary.id }, authorId: space.adaId })
    ])
    expect(outcome.task).toMatchObject({
      coworkerId: space.scribe.id,
      channelId: space.channel.id,
      trigger: { type: 'revision', deliverableId: run.summary.id, comment, previousTaskId: run.task.id },
      requestedBy: space.adaId,
      createdByDevice: space.session.deviceId,
      status: 'queued'
    })
    expect(outcome.task!.prompt).toContain(`Revise the document "Week 48 summary" (deliverable ${run.summary.id})`)
    expect(outcome.task!.prompt).toContain(comment)
    const last = space.messages().at(-1)!
    expect(last).toMatchObject({ id: outcome.messageId, authorId: space.scribe.id, deliverableIds: [run.summary.id] })
    expect(last.text).toBe(`Ada Lovelace asked for changes to "Week 48 summary":\n\n${comment}\n\nI'll revise it.`)
    // The "@scribe" in the comment started no second task: only the revision is queued.
    expect(listTasks(space.root, { status: 'queued' }).map((task) => task.id)).toEqual([outcome.task!.id])

    // When the revision succeeds, the deliverable goes back to review under the same workflow.
    const revised = finish(space, outcome.task!.id, { deliverableIds: [run.summary.id] })
    const again = await applyReviewPolicy(space.session, revised)
    expect(again).toMatchObject({ workflowId: run.workflow.id, deliverableIds: [run.summary.id] })
    expect(getDeliverable(space.root, run.summary.id).status).toBe('in-review')
    expect(getTask(space.root, outcome.task!.id).status).toBe('succeeded')
  })

  it('refuses changes to a draft and an empty comment, saying why', async () => {
    const space = workflowWorkspace()
    const run = finishedRun(space)
    try {
      await requestChanges(space.session, run.summary.id, 'shorter')
      expect.unreachable()
    } catch (error) {
      expect(isCommonsError(error, 'conflict')).toBe(true)
      expect((error as Error).message).toBe('"Week 48 summary" is a draft, not in review')
    }
    await applyReviewPolicy(space.session, run.task)
    await expect(requestChanges(space.session, run.summary.id, '   ')).rejects.toBeInstanceOf(ValidationError)
    expect(getDeliverable(space.root, run.summary.id).status).toBe('in-review')
    expect(listMemory(space.root)).toEqual([])
  })

  it('sends an approved deliverable a coworker changed again back through review', async () => {
    const space = workflowWorkspace()
    const run = finishedRun(space)
    await applyReviewPolicy(space.session, run.task)
    await approve(space.session, run.summary.id)
    const { task } = createSlotTask(space.session, run.workflow, monday8 + 8 * 24 * hour, { missed: false, context: contextOf(space.scribe.id, space.time.clock) })
    await applyReviewPolicy(space.session, finish(space, task.id, { deliverableIds: [run.summary.id] }))
    expect(statuses(space, run.summary.id).map(([status]) => status)).toEqual(['draft', 'in-review', 'approved', 'draft', 'in-review'])
  })

  it('announces as the reviewer when the coworker has left the channel', async () => {
    const space = workflowWorkspace()
    const run = finishedRun(space)
    await applyReviewPolicy(space.session, run.task)
    removeCoworkerFromChannel(space.root, { channelId: space.channel.id, coworkerId: space.scribe.id }, space.ada)
    const outcome = await approve(space.session, run.summary.id)
    expect(space.messages().at(-1)).toMatchObject({ id: outcome.messageId, authorId: space.adaId, text: 'Approved "Week 48 summary".' })
  })
})
