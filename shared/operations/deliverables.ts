import * as Y from 'yjs'
import { z } from 'zod'
import { writeMarkdownToFragment } from '../content/markdownToDocument.ts'
import { conflict, notFound } from '../errors.ts'
import { newRecordMap, readRecord, setChangedFields, type RecordMap } from '../model/records.ts'
import { documentBody } from '../model/deliverableDoc.ts'
import { rootCollections } from '../model/rootDoc.ts'
import type { Deliverable, DeliverableStatus, StatusChange } from '../model/types.ts'
import { getChannel } from './channels.ts'
import { transact, type OperationContext } from './context.ts'
import { trackerColumnsInput, writeTrackerColumns } from './trackers.ts'
import { idOf, parseInput, trimmedText } from './validate.ts'

/** A deliverable's index entry lives in the root doc, its content in its own doc: an operation that makes one touches both. */
export interface DeliverableDocs {
  root: Y.Doc
  deliverable: Y.Doc
}

const title = trimmedText('title', 200)
const markdownBody = z.string().max(2_000_000, { error: 'document must be at most 2,000,000 characters' })

const newDeliverableFields = {
  /** Made by the caller (shared/ids.ts `newId('dl')`), which opens the deliverable's doc under it first. */
  deliverableId: idOf('dl'),
  title,
  channelId: idOf('ch').nullable().default(null)
}

export const createDocumentInput = z.object({
  ...newDeliverableFields,
  kind: z.enum(['document', 'report'], { error: 'kind must be document or report' }).default('document'),
  markdown: markdownBody.default('')
})

/** Creates a document (or a report), with a Markdown starting body. */
export function createDocument(docs: DeliverableDocs, input: z.input<typeof createDocumentInput>, context: OperationContext): Deliverable {
  const parsed = parseInput('create document', createDocumentInput, input)
  checkNewDeliverable(docs.root, parsed.deliverableId, parsed.channelId)
  transact(docs.deliverable, context, () => writeMarkdownToFragment(parsed.markdown, documentBody(docs.deliverable)))
  addIndexEntry(docs.root, { id: parsed.deliverableId, kind: parsed.kind, title: parsed.title, channelId: parsed.channelId }, context)
  return getDeliverable(docs.root, parsed.deliverableId)
}

export const createTrackerInput = z.object({ ...newDeliverableFields, columns: trackerColumnsInput })

/** Creates a tracker with typed columns and no rows. */
export function createTracker(docs: DeliverableDocs, input: z.input<typeof createTrackerInput>, context: OperationContext): Deliverable {
  const parsed = parseInput('create tracker', createTrackerInput, input)
  checkNewDeliverable(docs.root, parsed.deliverableId, parsed.channelId)
  transact(docs.deliverable, context, () => writeTrackerColumns(docs.deliverable, parsed.columns))
  addIndexEntry(docs.root, { id: parsed.deliverableId, kind: 'tracker', title: parsed.title, channelId: parsed.channelId }, context)
  return getDeliverable(docs.root, parsed.deliverableId)
}

export const writeDocumentInput = z.object({
  markdown: markdownBody,
  mode: z.enum(['replace', 'append'], { error: 'mode must be replace or append' }).default('replace')
})

/** Replaces a document's body with Markdown, or appends Markdown to it. */
export function writeDocument(docs: DeliverableDocs, input: z.input<typeof writeDocumentInput> & { deliverableId: string }, context: OperationContext): Deliverable {
  const { markdown, mode } = parseInput('write document', writeDocumentInput, input)
  const entry = requireIndexEntry(docs.root, input.deliverableId)
  if (entry.get('kind') === 'tracker') throw conflict(`"${String(entry.get('title'))}" is a tracker, not a document`)
  transact(docs.deliverable, context, () => {
    const body = documentBody(docs.deliverable)
    if (mode === 'replace' && body.length > 0) body.delete(0, body.length)
    writeMarkdownToFragment(markdown, body)
  })
  transact(docs.root, context, () => entry.set('updatedAt', context.now()))
  return getDeliverable(docs.root, input.deliverableId)
}

export function renameDeliverable(root: Y.Doc, input: { deliverableId: string; title: string }, context: OperationContext): Deliverable {
  const parsed = parseInput('rename deliverable', z.object({ deliverableId: idOf('dl'), title }), input)
  const entry = requireIndexEntry(root, parsed.deliverableId)
  transact(root, context, () => setChangedFields(entry, { title: parsed.title, updatedAt: context.now() }))
  return getDeliverable(root, parsed.deliverableId)
}

/**
 * Records that a deliverable's content changed now. Editors call it (at most every so often) while a
 * person types in a document or edits a tracker, since those edits go straight to the content doc.
 */
export function touchDeliverable(root: Y.Doc, input: { deliverableId: string }, context: OperationContext): void {
  const { deliverableId } = parseInput('touch deliverable', z.object({ deliverableId: idOf('dl') }), input)
  const entry = requireIndexEntry(root, deliverableId)
  transact(root, context, () => entry.set('updatedAt', context.now()))
}

/**
 * Which status changes make sense: a draft goes to review; a deliverable in review is approved, or sent
 * back to draft with the changes asked for; an approved one can be reopened as a draft.
 */
const allowedStatusChanges: Record<DeliverableStatus, DeliverableStatus[]> = {
  draft: ['in-review'],
  'in-review': ['approved', 'draft'],
  approved: ['draft']
}

export const setDeliverableStatusInput = z.object({
  deliverableId: idOf('dl'),
  status: z.enum(['draft', 'in-review', 'approved'], { error: 'status must be draft, in-review or approved' }),
  comment: trimmedText('comment', 4_000, 0).default('')
})

export function setDeliverableStatus(root: Y.Doc, input: z.input<typeof setDeliverableStatusInput>, context: OperationContext): Deliverable {
  const { deliverableId, status, comment } = parseInput('set deliverable status', setDeliverableStatusInput, input)
  const entry = requireIndexEntry(root, deliverableId)
  const current = entry.get('status') as DeliverableStatus
  if (!allowedStatusChanges[current].includes(status)) {
    const allowed = allowedStatusChanges[current].join(' or ')
    throw conflict(`"${String(entry.get('title'))}" is ${current}; it can go to ${allowed}, not ${status}`)
  }
  const now = context.now()
  transact(root, context, () => {
    entry.set('status', status)
    entry.set('updatedAt', now)
    ;(entry.get('statusHistory') as Y.Array<StatusChange>).push([{ status, by: context.actorId, at: now, comment }])
  })
  return getDeliverable(root, deliverableId)
}

export function getDeliverable(root: Y.Doc, deliverableId: string): Deliverable {
  return readRecord<Deliverable>(requireIndexEntry(root, deliverableId))
}

/** Deliverables, most recently changed first. */
export function listDeliverables(
  root: Y.Doc,
  filter: { channelId?: string; kind?: Deliverable['kind']; status?: DeliverableStatus } = {}
): Deliverable[] {
  return [...rootCollections(root).deliverables.values()]
    .map((entry) => readRecord<Deliverable>(entry))
    .filter((item) => filter.channelId === undefined || item.channelId === filter.channelId)
    .filter((item) => filter.kind === undefined || item.kind === filter.kind)
    .filter((item) => filter.status === undefined || item.status === filter.status)
    .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id))
}

function checkNewDeliverable(root: Y.Doc, deliverableId: string, channelId: string | null): void {
  if (rootCollections(root).deliverables.has(deliverableId)) throw conflict(`deliverable ${deliverableId} already exists`)
  if (channelId !== null) getChannel(root, channelId)
}

function addIndexEntry(root: Y.Doc, fields: Pick<Deliverable, 'id' | 'kind' | 'title' | 'channelId'>, context: OperationContext): void {
  const now = context.now()
  transact(root, context, () => {
    const history = new Y.Array<StatusChange>()
    history.push([{ status: 'draft', by: context.actorId, at: now, comment: '' }])
    rootCollections(root).deliverables.set(
      fields.id,
      newRecordMap({ ...fields, status: 'draft', ownerId: context.actorId, createdAt: now, updatedAt: now, statusHistory: history })
    )
  })
}

function requireIndexEntry(root: Y.Doc, deliverableId: string): RecordMap {
  const entry = rootCollections(root).deliverables.get(deliverableId)
  if (entry === undefined) throw notFound('deliverable', deliverableId)
  return entry
}
