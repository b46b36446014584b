import type * as Y from 'yjs'
import { conflict, forbidden } from '../../../shared/errors.ts'
import { silentLogger, type Logger } from '../../../shared/log.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { Deliverable, MemoryItem, TaskRecord, Workflow } from '../../../shared/model/types.ts'
import { getDeliverable, setDeliverableStatus } from '../../../shared/operations/deliverables.ts'
import { addMemory } from '../../../shared/operations/memory.ts'
import { findMember, getMember } from '../../../shared/operations/members.ts'
import { postMessage } from '../../../shared/operations/messages.ts'
import { createTask } from '../../../shared/operations/tasks.ts'
import { parseInput, trimmedText } from '../../../shared/operations/validate.ts'
import { producingTask, workflowOf } from '../../../shared/operations/workflowRuns.ts'
import { actingAs, type WorkflowSession } from './workflowSession.ts'

/**
 * The human review point of a workflow with review on (design section 5): what its coworker created or
 * changed lands "in review", the workflow's owner is asked to look, and a person approves it or asks
 * for changes. Asking for changes keeps the comment in memory as a preference and gives the coworker a
 * follow-up task to revise the deliverable.
 *
 * Every announcement is posted by the coworker that made the deliverable: it is in the channel (the
 * reviewer may not be), and a coworker's message asks nobody for anything, so a comment that happens to
 * say "@writer" does not start a second task.
 */

export interface ReviewServices {
  log?: Logger
}

export interface ReviewRequest {
  workflowId: string
  /** The deliverables this call sent to review (ones already in review are left as they are). */
  deliverableIds: string[]
  /** The message asking the owner to review, or null when none was posted. */
  messageId: string | null
}

/**
 * Applies a workflow's review policy to a task that just finished. The task runner calls it on the
 * device that ran the task, right after `finishTask(..., status: 'succeeded', result)`:
 *
 *   const finished = finishTask(session.root, { taskId, runId, status: 'succeeded', result, usage }, context)
 *   await applyReviewPolicy(session, finished)
 *
 * It does nothing (and returns null) unless the task succeeded and came from a workflow with review on:
 * a workflow slot, a manual run, or a revision asked for on one of its deliverables. Its deliverables
 * go "in review" (an approved one that the task changed goes back through draft), and the coworker asks
 * the workflow's owner, by @mention, to review them. Calling it twice sends nothing twice.
 */
export async function applyReviewPolicy(session: WorkflowSession, task: TaskRecord, services: ReviewServices = {}): Promise<ReviewRequest | null> {
  if (task.status !== 'succeeded') return null
  const workflow = workflowOf(session.root, task)
  if (workflow === null || !workflow.review) return null
  const coworker = actingAs(session, task.coworkerId, session.context.now)
  const index = rootCollections(session.root).deliverables
  const sent: Deliverable[] = []
  for (const deliverableId of new Set(task.result?.deliverableIds ?? [])) {
    if (!index.has(deliverableId)) continue
    const current = getDeliverable(session.root, deliverableId)
    if (current.status === 'in-review') continue
    if (current.status === 'approved') {
      setDeliverableStatus(session.root, { deliverableId, status: 'draft', comment: 'changed after it was approved' }, coworker)
    }
    sent.push(setDeliverableStatus(session.root, { deliverableId, status: 'in-review' }, coworker))
  }
  if (sent.length === 0) return { workflowId: workflow.id, deliverableIds: [], messageId: null }
  const messageId = await post(session, task.channelId, task.coworkerId, reviewRequestText(session.root, workflow, sent), sent, services)
  return { workflowId: workflow.id, deliverableIds: sent.map((deliverable) => deliverable.id), messageId }
}

export interface ReviewOutcome {
  deliverable: Deliverable
  /** The announcement in the channel, or null when there was nowhere to post it. */
  messageId: string | null
}

/** The person at this device approves a deliverable in review; the coworker that made it announces it. */
export async function approve(session: WorkflowSession, deliverableId: string, services: ReviewServices = {}): Promise<ReviewOutcome> {
  const reviewer = requirePerson(session, 'approve')
  const current = getDeliverable(session.root, deliverableId)
  if (current.status === 'approved') return { deliverable: current, messageId: null }
  if (current.status === 'draft') throw conflict(`"${current.title}" is a draft, not in review`, 'send it for review first, or keep editing it')
  const deliverable = setDeliverableStatus(session.root, { deliverableId, status: 'approved' }, session.context)
  const messageId = await announce(session, deliverable, {
    byCoworker: `${reviewer.name} approved "${deliverable.title}".`,
    byReviewer: `Approved "${deliverable.title}".`,
    services
  })
  return { deliverable, messageId }
}

export interface ChangesRequested extends ReviewOutcome {
  /** The comment, remembered as a preference with the deliverable as its source. */
  memory: MemoryItem
  /** The coworker's task to revise it; null when no coworker task made the deliverable (nobody to ask). */
  task: TaskRecord | null
}

const reviewComment = trimmedText('comment', 4_000)

/**
 * The person at this device sends a deliverable back to draft with a comment. The comment is kept in
 * workspace memory as a preference (so later runs follow it), and the coworker that made the
 * deliverable gets a follow-up task, in the same channel, to revise it per the comment. That task is
 * created on this device, so this device's task runner picks it up.
 */
export async function requestChanges(session: WorkflowSession, deliverableId: string, comment: string, services: ReviewServices = {}): Promise<ChangesRequested> {
  const text = parseInput('request changes', reviewComment, comment)
  const reviewer = requirePerson(session, 'ask for changes to')
  const current = getDeliverable(session.root, deliverableId)
  if (current.status === 'draft') throw conflict(`"${current.title}" is a draft, not in review`, 'edit it yourself, or @mention its coworker with what to change')
  const deliverable = setDeliverableStatus(session.root, { deliverableId, status: 'draft', comment: text }, session.context)
  const memory = addMemory(session.root, { kind: 'preference', text, source: { type: 'deliverable', deliverableId } }, session.context)
  const producer = producingTask(session.root, deliverableId)
  let task: TaskRecord | null = null
  if (producer !== null && findMember(session.root, producer.coworkerId)?.removedAt === null) {
    task = createTask(
      session.root,
      {
        coworkerId: producer.coworkerId,
        channelId: producer.channelId,
        trigger: { type: 'revision', deliverableId, comment: text, previousTaskId: producer.id },
        prompt: revisionPrompt(deliverable, reviewer.name, text),
        deviceId: session.deviceId
      },
      session.context
    )
  }
  const messageId = await announce(session, deliverable, {
    byCoworker: `${reviewer.name} asked for changes to "${deliverable.title}":\n\n${text}\n\n${task === null ? 'It is a draft again.' : "I'll revise it."}`,
    // Posted as the reviewer, the comment could @mention a coworker and start a second task; it is in the status history.
    byReviewer: `Asked for changes to "${deliverable.title}"; it is a draft again.`,
    services
  })
  return { deliverable, memory, task, messageId }
}

/** What the coworker is asked to do when a reviewer wants changes. */
export function revisionPrompt(deliverable: Pick<Deliverable, 'id' | 'kind' | 'title'>, reviewerName: string, comment: string): string {
  return [
    `Revise the ${deliverable.kind} "${deliverable.title}" (deliverable ${deliverable.id}): ${reviewerName} reviewed it and asked for changes.`,
    '',
    'Review comment:',
    comment,
    '',
    'Change that deliverable in place (do not make a new one), then reply briefly with what you changed.'
  ].join('\n')
}

function reviewRequestText(root: Y.Doc, workflow: Workflow, sent: readonly Deliverable[]): string {
  const titles = sent.map((deliverable) => `"${deliverable.title}"`).join(', ')
  const owner = findMember(root, workflow.ownerId)
  if (owner === undefined || owner.removedAt !== null) {
    return `${workflow.name} is ready for review: ${titles}. Its owner has left the workspace, so anyone can approve it or ask for changes.`
  }
  return `@${owner.handle} ${workflow.name} is ready for your review: ${titles}. Approve it or ask for changes.`
}

function requirePerson(session: WorkflowSession, action: string) {
  const member = getMember(session.root, session.context.actorId)
  if (member.kind !== 'person' || member.removedAt !== null) throw forbidden(`only a person in the workspace can ${action} a deliverable`)
  return member
}

/**
 * Posts a review outcome where the deliverable was made: as its coworker when it is still in that
 * channel, else as the reviewer when they are in it, else nowhere (the status history keeps it).
 */
async function announce(
  session: WorkflowSession,
  deliverable: Deliverable,
  texts: { byCoworker: string; byReviewer: string; services: ReviewServices }
): Promise<string | null> {
  const producer = producingTask(session.root, deliverable.id)
  const channelId = producer?.channelId ?? deliverable.channelId
  if (channelId === null) return null
  const channel = rootCollections(session.root).channels.get(channelId)
  if (channel === undefined || channel.get('archived') === true) return null
  const inChannel = (memberId: string) => (channel.get('members') as Y.Map<number>).has(memberId) && findMember(session.root, memberId)?.removedAt === null
  if (producer !== null && inChannel(producer.coworkerId)) {
    return post(session, channelId, producer.coworkerId, texts.byCoworker, [deliverable], texts.services)
  }
  if (inChannel(session.context.actorId)) {
    return post(session, channelId, session.context.actorId, texts.byReviewer, [deliverable], texts.services)
  }
  return null
}

async function post(
  session: WorkflowSession,
  channelId: string,
  authorId: string,
  text: string,
  deliverables: readonly Deliverable[],
  services: ReviewServices
): Promise<string | null> {
  const context = authorId === session.context.actorId ? session.context : actingAs(session, authorId, session.context.now)
  try {
    const message = await session.withChannel(channelId, (docs) =>
      postMessage(docs, { channelId, text, deliverableIds: deliverables.map((deliverable) => deliverable.id) }, context)
    )
    return message.id
  } catch (error) {
    // The status change stands; only the message is lost, and the status history says what happened.
    ;(services.log ?? silentLogger).warn('could not post a review message', { channelId, error })
    return null
  }
}
