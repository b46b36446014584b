import type * as Y from 'yjs'
import { readRecord } from '../../../shared/model/records.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { Deliverable, Member, TaskRecord, Workflow } from '../../../shared/model/types.ts'
import { producingTasks, workflowOf } from '../../../shared/operations/workflowRuns.ts'

/**
 * The review queue: deliverables "in review" that a workflow's coworker produced (a scheduled slot, a
 * manual run, or a revision of one of its deliverables), with who is asked to look. The workflow's owner
 * is asked (the review policy @mentions them); when the owner has left the workspace, anyone may review.
 * Pure reads over the root doc, with the rules the Host's review policy uses (shared/operations/workflowRuns.ts).
 */

export interface ReviewItem {
  deliverable: Deliverable
  workflow: Workflow
  /** The latest task whose result names the deliverable: its coworker and channel. */
  task: TaskRecord
  /** When it last went into review. */
  sentAt: number
  /** The person asked to review, or null when anyone may (the owner left). */
  reviewerId: string | null
}

export interface ReviewQueue {
  /** Waiting for this person (theirs to review, or anyone's), oldest first. */
  mine: ReviewItem[]
  /** Waiting for someone else, oldest first. */
  others: ReviewItem[]
}

export function reviewQueue(root: Y.Doc, memberId: string): ReviewQueue {
  const { deliverables, members } = rootCollections(root)
  const producers = producingTasks(root)
  const mine: ReviewItem[] = []
  const others: ReviewItem[] = []
  for (const record of deliverables.values()) {
    if (record.get('status') !== 'in-review') continue
    const deliverable = readRecord<Deliverable>(record)
    const task = producers.get(deliverable.id)
    if (task === undefined) continue
    const workflow = workflowOf(root, task)
    if (workflow === null) continue
    const ownerRecord = members.get(workflow.ownerId)
    const owner = ownerRecord === undefined ? undefined : readRecord<Member>(ownerRecord)
    const reviewerId = owner !== undefined && owner.removedAt === null ? owner.id : null
    const sentAt = [...deliverable.statusHistory].reverse().find((change) => change.status === 'in-review')?.at ?? deliverable.updatedAt
    const item: ReviewItem = { deliverable, workflow, task, sentAt, reviewerId }
    if (reviewerId === null || reviewerId === memberId) mine.push(item)
    else others.push(item)
  }
  const oldestFirst = (a: ReviewItem, b: ReviewItem) => a.sentAt - b.sentAt || a.deliverable.id.localeCompare(b.deliverable.id)
  return { mine: mine.sort(oldestFirst), others: others.sort(oldestFirst) }
}
