/**
 * The records a workspace is made of, as readers see them.
 *
 * Where they live (see shared/model/rootDoc.ts and channelDoc.ts for the Yjs layout):
 * - the root doc: workspace meta, members (people and coworkers), channels, the deliverable index,
 *   memory, files, workflows, tasks;
 * - a channel doc: messages with their edits and deletions, coworker replies while they stream, task trails;
 * - a deliverable doc: a document's rich-text body or a tracker's columns and rows.
 *
 * Times are milliseconds since the epoch. Ids come from shared/ids.ts.
 */

export const schemaVersion = 1

export interface WorkspaceMeta {
  id: string
  name: string
  schemaVersion: number
  createdAt: number
  createdBy: string
}

// ---------------------------------------------------------------------------------------------------
// Members

export type MemberKind = 'person' | 'coworker'

export interface CoworkerBudgets {
  /** Model turns (request/response rounds) in one task. */
  maxTurnsPerTask: number
  /** Output tokens in one task. */
  maxOutputTokensPerTask: number
  /** Estimated spend in US dollars in one task. */
  maxSpendPerTaskUsd: number
  /** Estimated spend in US dollars per UTC day, across all of the coworker's tasks. */
  maxSpendPerDayUsd: number
}

interface MemberBase {
  id: string
  name: string
  /** What follows `@` in a mention: the name, lowercased, spaces as dashes. Unique among current members. */
  handle: string
  joinedAt: number
  /** Set when the member was removed; the record stays so old messages still show a name. */
  removedAt: number | null
}

export interface PersonMember extends MemberBase {
  kind: 'person'
}

/** An AI coworker: a member of the workspace with a narrow purpose and the toolset the workspace gave it. */
export interface CoworkerMember extends MemberBase {
  kind: 'coworker'
  purpose: string
  /** Tool names from the Host's tool registry; the model is offered these and nothing else. */
  toolset: string[]
  /** Model id, e.g. `claude-sonnet-5-5`; empty means the workspace default. */
  model: string
  budgets: CoworkerBudgets
  createdBy: string
}

export type Member = PersonMember | CoworkerMember

// ---------------------------------------------------------------------------------------------------
// Channels

export interface Channel {
  id: string
  name: string
  topic: string
  createdAt: number
  createdBy: string
  archived: boolean
  /** Member ids (people and coworkers) in the channel, with when they joined or were added. */
  members: Record<string, number>
}

// ---------------------------------------------------------------------------------------------------
// Messages

export interface Mention {
  memberId: string
  kind: MemberKind
  /** The offsets of `@handle` in the message text, end exclusive. */
  start: number
  end: number
}

/** A message as first posted. Edits and deletions are kept beside it (see MessageView). */
export interface MessageRecord {
  id: string
  authorId: string
  text: string
  mentions: Mention[]
  createdAt: number
  /** The id of the thread's first message when this is a reply; null for a top-level message. */
  threadId: string | null
  /** Deliverables this message links to. */
  deliverableIds: string[]
  /** Set on a coworker's reply: the task that wrote it. */
  taskId: string | null
  /** Set when a person shared it from their private assistant. */
  sharedFromAssistant: boolean
}

export interface MessageEdit {
  text: string
  mentions: Mention[]
  deliverableIds: string[]
  editedAt: number
}

export interface MessageDeletion {
  deletedAt: number
  deletedBy: string
}

/** What a reader sees: the record with its latest edit applied, or emptied when deleted. */
export interface MessageView extends MessageRecord {
  editedAt: number | null
  deleted: MessageDeletion | null
  /** Number of replies, for a top-level message. */
  replyCount: number
}

// ---------------------------------------------------------------------------------------------------
// Memory

export type MemoryKind = 'fact' | 'decision' | 'preference'

export type MemorySource =
  | { type: 'message'; channelId: string; messageId: string }
  | { type: 'deliverable'; deliverableId: string }
  | { type: 'none' }

export interface MemoryItem {
  id: string
  kind: MemoryKind
  text: string
  source: MemorySource
  authorId: string
  pinned: boolean
  createdAt: number
  updatedAt: number
}

// ---------------------------------------------------------------------------------------------------
// Deliverables

export type DeliverableKind = 'document' | 'tracker' | 'report'
export type DeliverableStatus = 'draft' | 'in-review' | 'approved'

export interface StatusChange {
  status: DeliverableStatus
  by: string
  at: number
  comment: string
}

/** The index entry in the root doc; the content is in the deliverable's own doc. */
export interface Deliverable {
  id: string
  kind: DeliverableKind
  title: string
  status: DeliverableStatus
  ownerId: string
  channelId: string | null
  createdAt: number
  updatedAt: number
  statusHistory: StatusChange[]
}

export type TrackerColumnType = 'text' | 'number' | 'date' | 'checkbox' | 'select'

export interface TrackerColumn {
  id: string
  name: string
  type: TrackerColumnType
  /** The choices of a `select` column. */
  options?: string[]
}

export type TrackerValue = string | number | boolean | null

export interface TrackerRow {
  id: string
  values: Record<string, TrackerValue>
}

// ---------------------------------------------------------------------------------------------------
// Files

export interface FileRecord {
  id: string
  name: string
  size: number
  /** Hex sha256 of the bytes: the blob's address on the device and on the sync server. */
  sha256: string
  mimeType: string
  /** Extracted text for text-like files (txt, md, csv, json), null otherwise. */
  text: string | null
  textTruncated: boolean
  addedBy: string
  addedAt: number
  channelId: string | null
}

// ---------------------------------------------------------------------------------------------------
// Workflows

export interface Workflow {
  id: string
  name: string
  coworkerId: string
  /** Five-field cron expression, e.g. `0 9 * * MON`. */
  cron: string
  /** IANA time zone the cron expression is read in, e.g. `Europe/Paris`. */
  timeZone: string
  prompt: string
  channelId: string
  /** With review on, the output lands "in review" until a person approves it. */
  review: boolean
  enabled: boolean
  ownerId: string
  createdAt: number
  /**
   * When the schedule last changed or the workflow was last enabled: slots before it were never meant to
   * run, so the missed-slot policy counts from here.
   */
  scheduleChangedAt: number
}

// ---------------------------------------------------------------------------------------------------
// Tasks

export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'stopped'

export type TaskTrigger =
  | { type: 'mention'; messageId: string; threadId: string | null }
  | { type: 'workflow'; workflowId: string; slot: number; missed: boolean }
  | { type: 'revision'; deliverableId: string; comment: string; previousTaskId: string | null }

/**
 * A device's claim to run a task. Two devices claiming at once both write the task's `claim` field;
 * after sync every device sees the same winner (a Y.Map key has one value once concurrent writes merge),
 * and a runner whose `runId` is no longer the claim's stops and publishes nothing.
 */
export interface TaskClaim {
  deviceId: string
  /** A fresh id per attempt, so one device's retry is told apart from its earlier try. */
  runId: string
  claimedAt: number
  leaseUntil: number
  /** 1 for the first claim, then one more for each takeover after a lapsed lease. */
  attempt: number
}

export interface TaskUsage {
  inputTokens: number
  outputTokens: number
  cacheReadTokens: number
  cacheWriteTokens: number
  estimatedCostUsd: number
  turns: number
}

export interface TaskRecord {
  id: string
  coworkerId: string
  channelId: string
  trigger: TaskTrigger
  requestedBy: string
  prompt: string
  createdAt: number
  createdByDevice: string
  status: TaskStatus
  claim: TaskClaim | null
  stopRequest: { by: string; at: number } | null
  /** The reply message and the deliverables the task created or changed. */
  result: { messageId: string | null; deliverableIds: string[] } | null
  /** Why the task ended other than by succeeding, in words a person can act on. */
  endReason: string | null
  usage: TaskUsage | null
  startedAt: number | null
  finishedAt: number | null
}
