import type * as Y from 'yjs'
import { readRecord } from '../../../shared/model/records.ts'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { Deliverable, Member, TaskRecord, Workflow } from '../../../shared/model/types.ts'

/**
 * The review queue: deliverables "in review" that a workflow's coworker produced (a scheduled slot, a
 * manual run, or a revision of one of its deliverables), with who is asked to look. The workflow's owner
 * is asked (the review policy @mentions them); when the owner has left the workspace, anyone may review.
 * Pure reads over the root doc, the same rules as the Host's review policy (electron/host/workflows/review.ts).
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

/** The latest task whose result names each deliverable, in one pass over the tasks. */
export function producingTasks(root: Y.Doc): Map<string, TaskRecord> {
  const latest = new Map<string, TaskRecord>()
  for (const record of rootCollections(root).tasks.values()) {
    const result = record.get('result') as TaskRecord['result'] | undefined
    if (result == null || result.deliverableIds.length === 0) continue
    const task = readRecord<TaskRecord>(record)
    for (const id of result.deliverableIds) {
      const current = latest.get(id)
      if (current === undefined || (task.finishedAt ?? task.createdAt) > (current.finishedAt ?? current.createdAt)) latest.set(id, task)
    }
  }
  return latest
}

/** The workflow a task's output belongs to: its own, or for a revision the one its first task came from. */
export function workflowOfTask(root: Y.Doc, task: TaskRecord): Workflow | null {
  const { tasks, workflows } = rootCollections(root)
  const seen = new Set<string>()
  let current: TaskRecord | undefined = task
  while (current !== undefined && !seen.has(current.id)) {
    seen.add(current.id)
    const trigger: TaskRecord['trigger'] = current.trigger
    if (trigger.type === 'workflow') {
      const record = workflows.get(trigger.workflowId)
      return record === undefined ? null : readRecord<Workflow>(record)
    }
    if (trigger.type !== 'revision' || trigger.previousTaskId === null) return null
    const previous = tasks.get(trigger.previousTaskId)
    current = previous === undefined ? undefined : readRecord<TaskRecord>(previous)
  }
  return null
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
    const workflow = workflowOfTask(root, task)
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
